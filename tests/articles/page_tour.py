"""A tour of the reading site: one of every public page type, rendered on a small site that
has one of everything. The HTML checker (test_valid_html.py) and the wording checks
(test_page_wording.py) read the same pages."""

from django.utils import timezone

from articles.search import remember_words
from newsroom.models import PolicyPage
from subscriptions.models import Plan
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    LiveCoverageFactory,
    LiveEntryFactory,
    SourceFactory,
)
from tests.performance.query_counting import Newsroom, add_comments


def public_pages(client):
    """{name: HTML} for every public page type, on a small site that has one of everything."""
    site = Newsroom()
    site.add(6)
    now = timezone.now()
    partner = SourceFactory(
        name="Coast Institute", slug="coast-institute", feed_url="https://coast.example.org/rss"
    )
    syndicated = ArticleFactory(
        headline="Harbour wall plan approved", source=partner, section=site.sections[0]
    )
    sponsored = ArticleFactory(
        headline="A guide to saving energy", sponsor=site.sponsor, section=site.sections[2]
    )
    premium = ArticleFactory(headline="Inside the budget talks", is_premium=True, section=site.sections[0])
    # The trust indicators: a type, a dateline, a sources note, an author's profile and handle.
    profiled = site.authors[0]
    profiled.expertise = "Council budgets, planning"
    profiled.contact = "writer@example.org"
    profiled.fediverse_handle = "@writer@social.example.org"
    profiled.save()
    analysis = ArticleFactory(
        headline="Where the budget goes",
        type_of_work="analysis",
        dateline="HARBOURTON",
        sources_and_method="The council's budget book, line by line.",
        authors=[profiled],
        section=site.sections[0],
    )
    PolicyPage.objects.create(
        kind="corrections", title="How we correct mistakes", body="<p>We say so on the article.</p>"
    )
    discussed = ArticleFactory(headline="Clinics brace for winter", section=site.sections[2], publish_at=now)
    add_comments(discussed, 3)
    CorrectionFactory(article=discussed, text="An earlier version misnamed the clinic.")
    Plan.objects.create(name="Digital", slug="digital", price="8.00", description="Every premium article.")
    Plan.objects.create(
        name="Reports",
        slug="reports",
        price="90.00",
        period=Plan.Period.YEAR,
        unlocks=Plan.Unlocks.PDF_REPORTS,
    )
    live_page = ArticleFactory(headline="Assembly budget vote: live", section=site.sections[0])
    LiveCoverageFactory(article=live_page)
    LiveEntryFactory(article=live_page, headline="The debate opens", pinned=True)
    LiveEntryFactory(article=live_page)
    remember_words(live_page.pk)
    free = site.free_article
    urls = {
        "home": "/",
        "section": "/politics/",
        "tag": "/tags/budget/",
        "author": "/authors/writer-0/",
        "source": "/sources/partner/",
        "free article": free.get_absolute_url(),
        "premium teaser": premium.get_absolute_url(),
        "syndicated article": syndicated.get_absolute_url(),
        "sponsored article": sponsored.get_absolute_url(),
        "analysis with dateline and sources": analysis.get_absolute_url(),
        "policy page": "/about/corrections/",
        "article with comments": discussed.get_absolute_url(),
        "search with results": "/search/?q=council+budget",
        "search with none": "/search/?q=zebra+crossing",
        "search with a suggestion": "/search/?q=assembley+budjet",
        "live page": live_page.get_absolute_url(),
        "search form": "/search/",
        "corrections": "/corrections/",
        "comment guidelines": "/comments/guidelines/",
        "transparency report": "/comments/transparency/",
        "illegal content notice": "/comments/illegal-content/",
        "plans": "/subscriptions/",
        "newsletter sign-up": "/newsletter/",
        "log in": "/accounts/login/",
        "register": "/accounts/signup/",
        "email this article": f"/enquiries/email/{free.pk}/",
        "article enquiry": f"/enquiries/article/{free.pk}/",
        "report an error": f"/enquiries/error/{free.pk}/",
        "what changed": discussed.get_absolute_url() + "changes/",
        "subscribe enquiry": "/enquiries/subscribe/",
        "advertising options": "/advertise/",
        "not found": "/no-such-page/at-all/",
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        expected = 404 if name == "not found" else 200
        assert response.status_code == expected, (name, url, response.status_code)
        pages[name] = response.content.decode()
    return pages
