"""Counting the queries of a public page: a site that can grow, the pages to measure on it, and
the one helper that measures a page (tests/performance/test_query_budgets.py and
tests/articles/test_query_counts.py both use it)."""

from datetime import timedelta
from unittest import mock

from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from articles.pagination import encode_cursor
from articles.search import remember_words
from enquiries.models import AdvertisingOption, RateCard
from newsroom.lib import fragments
from newsroom.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    CorrectionFactory,
    SectionFactory,
    SourceFactory,
    SponsorFactory,
    UserFactory,
    singleton_row,
)


class Newsroom:
    """A site that can grow: every article has three authors, three tags and a source or a
    sponsor now and then, so any per-row query would show up as a difference."""

    def __init__(self):
        # The row a migration creates; a transactional test elsewhere may have flushed it.
        singleton_row(SiteSettings)
        sponsor = SponsorFactory(name="Acme Foundation")
        self.sections = [
            SectionFactory(name="Politics", slug="politics"),
            SectionFactory(name="Economy", slug="economy", sponsor=sponsor),
            SectionFactory(name="Health", slug="health"),
        ]
        self.authors = [AuthorFactory(slug=f"writer-{number}") for number in range(5)]
        self.source = SourceFactory(slug="partner")
        self.sponsor = sponsor
        self.articles = []

    def add(self, count):
        now = timezone.now()
        for _ in range(count):
            number = len(self.articles)
            article = ArticleFactory(
                headline=f"Council budget story {number}",
                section=self.sections[number % 3],
                authors=[self.authors[(number + offset) % 5] for offset in range(3)],
                tags=["Budget", f"Topic {number % 4}", f"Area {number % 3}"],
                source=self.source if number % 2 else None,
                sponsor=self.sponsor if number % 5 == 0 else None,
                publish_at=now - timedelta(hours=number + 1),
                is_premium=number % 3 == 0,
            )
            CorrectionFactory(article=article, text=f"Correction number {number}.")
            article.read_counts.create(day=timezone.localdate(), count=number + 1)
            # The advertising options page grows with the site too.
            AdvertisingOption.objects.create(
                rate_card=singleton_row(RateCard),
                name=f"Option {number}",
                price=number or None,
                position=number,
            )
            # As publishing does: its words join search's vocabulary.
            remember_words(article.pk)
            self.articles.append(article)

    @property
    def free_article(self):
        # A premium article adds the paywall's list of plans (the subscriptions app's query).
        return self.articles[1]


def add_comments(article, count):
    """`count` published comments on `article` from five readers, each its own thread."""
    users = [UserFactory() for _ in range(5)]
    for number in range(count):
        CommentFactory(article=article, user=users[number % 5], comment=f"Comment number {number}.")


def cursor_ahead_of(article):
    return encode_cursor(article.publish_at + timedelta(seconds=1), article.pk)


PAGES = {
    "home": lambda site: "/",
    "section": lambda site: "/politics/",
    # A cursor just ahead of the newest article: the same query as any older page.
    "section, older page": lambda site: f"/politics/?before={cursor_ahead_of(site.articles[0])}",
    "tag": lambda site: "/tags/budget/",
    "author": lambda site: "/authors/writer-0/",
    "source": lambda site: "/sources/partner/",
    "article": lambda site: site.articles[0].get_absolute_url(),
    "what changed": lambda site: site.articles[0].get_absolute_url() + "changes/",
    "search": lambda site: "/search/?q=council+budget",
    "search with filters": lambda site: "/search/?q=budget&section=politics&date_from=2000-01-01",
    # Nothing matches: the page looks for a better spelling (“council budget”) as well.
    "search, misspelt": lambda site: "/search/?q=councel+budgett&section=politics",
    "corrections": lambda site: "/corrections/",
    "corrections RSS": lambda site: "/corrections/feed/",
    "site RSS": lambda site: "/feed/",
    "site Atom": lambda site: "/feed/atom/",
    "section RSS": lambda site: "/politics/feed/",
    "section Atom": lambda site: "/politics/feed/atom/",
    "tag RSS": lambda site: "/tags/budget/feed/",
    "tag Atom": lambda site: "/tags/budget/feed/atom/",
    "author RSS": lambda site: "/authors/writer-0/feed/",
    "author Atom": lambda site: "/authors/writer-0/feed/atom/",
    "source RSS": lambda site: "/sources/partner/feed/",
    "source Atom": lambda site: "/sources/partner/feed/atom/",
    "sitemap index": lambda site: "/sitemap.xml",
    "articles sitemap": lambda site: "/sitemap-articles.xml",
    "sections sitemap": lambda site: "/sitemap-sections.xml",
    "tags sitemap": lambda site: "/sitemap-tags.xml",
    "authors sitemap": lambda site: "/sitemap-authors.xml",
    "news sitemap": lambda site: "/news-sitemap.xml",
    "robots.txt": lambda site: "/robots.txt",
    "advertising options": lambda site: "/advertise/",
}


def queries_for(client, url):
    """(number, SQL) of the queries one request for `url` runs in steady state.

    Caches start empty, then one request fills what every page shares and a running site
    always has (navigation, footer furniture, the Site row, the comment policy, plans, image
    renditions); the second request is measured. The page cache is off in the suite, so the
    view itself runs. The pieces of pages kept under generation numbers (newsroom/lib/
    fragments.py) are off too, and so are the kept sitemaps: the budget is for building the
    page from the database, as after an edit; kept pieces only ever lower it.
    """
    cache.clear()
    Site.objects.clear_cache()
    keep = fragments.kept

    def keep_all_but_sitemaps(name, compute, parts=()):
        return compute() if name == "sitemap" else keep(name, compute, parts)

    with (
        override_settings(FRAGMENT_CACHE_ENABLED=False),
        mock.patch.object(fragments, "kept", keep_all_but_sitemaps),
    ):
        first = client.get(url)
        assert first.status_code == 200, (url, first.status_code)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), [query["sql"] for query in captured.captured_queries]
