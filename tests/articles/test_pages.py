"""The reader pages through HTTP: what a reader sees on each, and how each answers odd input."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, SlugRedirect
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    SectionFactory,
    SourceFactory,
    SponsorFactory,
)

pytestmark = pytest.mark.django_db


def png_upload(name="photo.png", size=(1600, 900), colour=(40, 90, 160)):
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def politics(db):
    return SectionFactory(name="Politics", slug="politics", description="Parliament and parties.")


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# Home ---------------------------------------------------------------------------------------


def test_home_shows_the_lead_story_latest_and_a_block_per_section(client, politics):
    economy = SectionFactory(name="Economy", slug="economy")
    older = ArticleFactory(
        headline="Treasury revises growth forecast",
        section=economy,
        publish_at=timezone.now() - timedelta(days=2),
    )
    lead = ArticleFactory(headline="Coalition talks collapse overnight", section=politics)
    html = html_of(client.get("/"))
    assert html.index("Coalition talks collapse overnight") < html.index("Treasury revises growth forecast")
    assert 'aria-label="Top story"' in html
    assert '<h2 id="block-economy"' in html
    assert html.count("<h1") == 1
    assert lead.get_absolute_url() in html
    assert older.get_absolute_url() in html


def test_home_lists_the_most_read_articles_of_the_last_seven_days(client, politics):
    popular = ArticleFactory(headline="Everyone is reading this", section=politics)
    quiet = ArticleFactory(headline="Hardly anyone read this", section=politics)
    stale = ArticleFactory(headline="Popular a month ago", section=politics)
    today = timezone.localdate()
    popular.read_counts.create(day=today, count=50)
    quiet.read_counts.create(day=today - timedelta(days=2), count=3)
    stale.read_counts.create(day=today - timedelta(days=30), count=500)
    html = html_of(client.get("/"))
    most_read = html[html.index("Most read this week") :]
    assert most_read.index("Everyone is reading this") < most_read.index("Hardly anyone read this")
    assert "Popular a month ago" not in most_read


def test_home_hides_drafts_scheduled_and_withdrawn_articles(client, politics):
    ArticleFactory(headline="Visible story", section=politics)
    ArticleFactory(headline="Draft story", section=politics, status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(
        headline="Tomorrow's story", section=politics, publish_at=timezone.now() + timedelta(days=1)
    )
    ArticleFactory(
        headline="Withdrawn story", section=politics, withdraw_at=timezone.now() - timedelta(minutes=1)
    )
    html = html_of(client.get("/"))
    assert "Visible story" in html
    for hidden in ("Draft story", "Tomorrow&#x27;s story", "Withdrawn story"):
        assert hidden not in html


def test_an_empty_site_still_has_a_working_home_page(client):
    assert "Nothing has been published yet" in html_of(client.get("/"))


# Furniture ----------------------------------------------------------------------------------


def test_every_page_has_section_navigation_sign_in_and_feed_links(client, politics):
    html = html_of(client.get("/"))
    assert '<nav class="sections-nav" aria-label="Sections">' in html
    assert 'href="/politics/"' in html
    assert 'href="/accounts/login/">Sign in' in html
    assert 'type="application/rss+xml"' in html
    assert 'href="/feed/"' in html
    assert 'type="application/atom+xml"' in html
    assert 'href="/feed/atom/"' in html


def test_anonymous_pages_set_no_cookie_and_do_not_vary_on_it(client, politics):
    article = ArticleFactory(section=politics, tags=["Elections"])
    for url in ["/", "/politics/", article.get_absolute_url(), "/tags/elections/", "/search/?q=council"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cookies == {}, url
        assert "Cookie" not in response.get("Vary", ""), url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url


# Listings -----------------------------------------------------------------------------------


def test_section_page_lists_its_articles_newest_first_with_bylines(client, politics):
    author = AuthorFactory(name="Nomvula Dlamini", slug="nomvula-dlamini", role="Political Editor")
    ArticleFactory(
        headline="Older politics story",
        section=politics,
        authors=[author],
        publish_at=timezone.now() - timedelta(days=3),
    )
    ArticleFactory(headline="Newer politics story", section=politics, authors=[author])
    ArticleFactory(headline="Somewhere else", section=SectionFactory(slug="sport"))
    html = html_of(client.get("/politics/"))
    assert "<h1>Politics</h1>" in html
    assert html.index("Newer politics story") < html.index("Older politics story")
    assert "Somewhere else" not in html
    assert 'class="byline"' in html
    assert 'href="/authors/nomvula-dlamini/"' in html
    assert 'href="/politics/feed/"' in html
    assert 'aria-current="page">Politics' in html


def test_section_pages_page_by_keyset_links_without_repeats_or_gaps(client, politics):
    now = timezone.now()
    for number in range(45):
        ArticleFactory(
            headline=f"Story {number:02d}", section=politics, publish_at=now - timedelta(hours=number)
        )
    seen = []
    url = "/politics/"
    while url:
        response = client.get(url)
        html = html_of(response)
        seen += [line for line in (f"Story {n:02d}" for n in range(45)) if f">{line}<" in html]
        page = response.context["page"]
        url = f"/politics/?before={page.older}" if page.older else None
    assert seen == [f"Story {n:02d}" for n in range(45)]
    # And back again from the last page.
    back = client.get(f"/politics/?after={page.newer}")
    assert "Story 39" in html_of(back)
    assert "Story 40" not in back.content.decode()


@pytest.mark.parametrize(
    "query", ["?before=yesterday", "?before=12-abc", "?after=1-1&before=1-1", "?before=999999999999999999-1"]
)
def test_malformed_listing_cursors_are_a_404_not_an_error(client, politics, query):
    ArticleFactory(section=politics)
    assert client.get(f"/politics/{query}").status_code == 404


def test_a_cursor_past_the_oldest_article_is_a_404(client, politics):
    ArticleFactory(section=politics)
    assert client.get("/politics/?before=1000-1").status_code == 404


def test_a_page_number_on_a_listing_is_a_404_except_the_first(client, politics):
    # The site's one rule for pages past the end (tests/articles/test_out_of_range_pages.py).
    ArticleFactory(headline="Only story", section=politics)
    assert "Only story" in html_of(client.get("/politics/?page=1"))
    assert client.get("/politics/?page=9999").status_code == 404
    assert client.get("/politics/?page=abc").status_code == 404


def test_unknown_section_tag_author_and_source_are_404(client):
    for url in ["/no-such-section/", "/tags/nothing/", "/authors/nobody/", "/sources/nowhere/"]:
        assert client.get(url).status_code == 404, url


def test_tag_page_lists_articles_with_that_tag(client, politics):
    ArticleFactory(headline="Water tariffs rise", section=politics, tags=["Water"])
    ArticleFactory(headline="Unrelated story", section=politics, tags=["Sport"])
    html = html_of(client.get("/tags/water/"))
    assert "<h1>Water</h1>" in html
    assert "Water tariffs rise" in html
    assert "Unrelated story" not in html
    assert 'href="/tags/water/feed/"' in html


def test_author_page_shows_bio_photo_and_their_articles(client, politics, media):
    author = AuthorFactory(
        name="Thabo Nkosi",
        slug="thabo-nkosi",
        role="Health Reporter",
        organisation="The Civic Ledger",
        bio="Writes about clinics.",
        photo=png_upload("t.png", (600, 600)),
    )
    ArticleFactory(headline="Clinic queues lengthen", section=politics, authors=[author])
    ArticleFactory(headline="Not by Thabo", section=politics)
    html = html_of(client.get("/authors/thabo-nkosi/"))
    assert "<h1>Thabo Nkosi</h1>" in html
    assert "Health Reporter, The Civic Ledger" in html
    assert "Writes about clinics." in html
    assert 'alt="Portrait of Thabo Nkosi"' in html
    # A resized copy, never the uploaded original.
    assert "/media/cache/" in html
    assert "/media/authors/" not in html
    assert "Clinic queues lengthen" in html
    assert "Not by Thabo" not in html


def test_source_page_shows_logo_attribution_and_its_articles(client, politics, media):
    source = SourceFactory(
        name="Institute for Security Studies",
        slug="iss",
        attribution="First published by ISS Today.",
        logo=png_upload("logo.png", (400, 120)),
    )
    ArticleFactory(headline="Sahel security after the mission", section=politics, source=source)
    html = html_of(client.get("/sources/iss/"))
    assert "<h1>Institute for Security Studies</h1>" in html
    assert "First published by ISS Today." in html
    assert 'alt="Institute for Security Studies logo"' in html
    assert "/media/sources/" not in html
    assert "Sahel security after the mission" in html


def test_listings_disclose_sponsorship_of_the_article_or_its_section(client):
    sponsored_section = SectionFactory(
        name="Energy", slug="energy", sponsor=SponsorFactory(name="Sun Power Ltd")
    )
    ArticleFactory(headline="Solar farms expand", section=sponsored_section)
    ArticleFactory(
        headline="A paid-for explainer",
        section=SectionFactory(slug="money"),
        sponsor=SponsorFactory(name="Big Bank"),
    )
    home = html_of(client.get("/"))
    assert "Sponsored by Sun Power Ltd" in home
    assert "Sponsored by Big Bank" in home
    assert "Sponsored by Sun Power Ltd" in html_of(client.get("/energy/"))


def test_corrections_page_lists_corrections_of_visible_articles_newest_first(client, politics):
    visible = ArticleFactory(headline="Budget vote story", section=politics)
    CorrectionFactory(
        article=visible,
        text="We gave the wrong date for the vote.",
        published_at=timezone.now() - timedelta(days=1),
    )
    CorrectionFactory(article=visible, text="The minister's name was misspelt.")
    draft = ArticleFactory(section=politics, status=Article.Status.DRAFT, publish_at=None)
    CorrectionFactory(article=draft, text="Secret correction")
    html = html_of(client.get("/corrections/"))
    assert html.index("misspelt") < html.index("wrong date for the vote")
    assert "Secret correction" not in html
    assert visible.get_absolute_url() in html


# Article page -------------------------------------------------------------------------------


def test_article_page_shows_headline_standfirst_byline_with_roles_and_times(client, politics):
    first = AuthorFactory(name="Fatima Koné", slug="fatima-kone", role="Sahel Project Manager")
    second = AuthorFactory(name="Djiby Sow", slug="djiby-sow", role="Senior Researcher")
    article = ArticleFactory(
        headline="Regional leaders and security",
        standfirst="Who fills the gap?",
        section=politics,
        authors=[first, second],
    )
    html = html_of(client.get(article.get_absolute_url()))
    assert '<h1 id="article-headline" class="article__headline">Regional leaders and security</h1>' in html
    assert "Who fills the gap?" in html
    assert (
        'Written by <a href="/authors/fatima-kone/" class="byline__author">Fatima Koné</a>, '
        '<span class="byline__role">Sahel Project Manager</span>, and '
        '<a href="/authors/djiby-sow/" class="byline__author">Djiby Sow</a>, '
        '<span class="byline__role">Senior Researcher</span>'
    ) in html
    published = timezone.localtime(article.publish_at).isoformat(timespec="milliseconds")
    assert f'<time datetime="{published}' in html


def test_three_authors_read_as_a_sentence_with_the_role_on_this_article(client, politics):
    a, b, c = (AuthorFactory(name=name, role="Researcher") for name in ("Ann", "Ben", "Cas"))
    article = ArticleFactory(section=politics, authors=[a, b, c])
    article.bylines.filter(author=c).update(role="Guest Editor")
    html = html_of(client.get(article.get_absolute_url()))
    byline = html[html.index("Written by") : html.index("</p>", html.index("Written by"))]
    assert (
        re.sub(r"<[^>]+>", "", byline) == "Written by Ann, Researcher; Ben, Researcher; and Cas, Guest Editor"
    )


def test_a_card_byline_shows_names_and_roles_as_text_never_as_markup(client, politics):
    mallory = AuthorFactory(name="Mallory <b>Bold</b> & Co", slug="mallory", role="<i>Editor</i>")
    ArticleFactory(section=politics, authors=[mallory, AuthorFactory(name="Ann", slug="ann", role="")])
    html = html_of(client.get("/politics/"))
    byline = html[html.index('<p class="byline">') : html.index("</p>", html.index('<p class="byline">'))]
    assert byline == (
        '<p class="byline"><a href="/authors/mallory/" class="byline__author">'
        "Mallory &lt;b&gt;Bold&lt;/b&gt; &amp; Co</a>, "
        '<span class="byline__role">&lt;i&gt;Editor&lt;/i&gt;</span>, and '
        '<a href="/authors/ann/" class="byline__author">Ann</a>'
    )


def test_a_card_shows_what_people_typed_as_text_and_the_role_on_this_article(client):
    section = SectionFactory(name="Courts <em>&</em> Crime", slug="courts")
    reporter = AuthorFactory(name="Ann", slug="ann", role="Reporter")
    ArticleFactory(
        section=section,
        headline="Judge <script>alert(1)</script> rules",
        standfirst="What the <b>ruling</b> means & why",
        sponsor=SponsorFactory(name="Acme <i>Trust</i>"),
        source=SourceFactory(name="Partner <u>Press</u>"),
        authors=[reporter],
    )
    home = html_of(client.get("/"))
    card = home[home.index('<article class="card') : home.index("</article>")]
    for shown in (
        "Courts &lt;em&gt;&amp;&lt;/em&gt; Crime",
        "Judge &lt;script&gt;alert(1)&lt;/script&gt; rules",
        "What the &lt;b&gt;ruling&lt;/b&gt; means &amp; why",
        "Sponsored by Acme &lt;i&gt;Trust&lt;/i&gt;",
        "From Partner &lt;u&gt;Press&lt;/u&gt;",
        '<span class="byline__role">Reporter</span>',
    ):
        assert shown in card
    assert "<script>" not in home.split("</header>", 1)[1].split("<footer", 1)[0]

    # A role given on this article wins over the author's usual one, on the card as on the page.
    reporter.bylines.update(role="Court correspondent")
    section_page = html_of(client.get("/courts/"))
    assert '<span class="byline__role">Court correspondent</span>' in section_page
    assert "Reporter" not in section_page


def test_an_old_address_or_old_slug_answers_301_to_the_canonical_address(client, politics):
    article = ArticleFactory(slug="first-slug", section=politics)
    old_address = article.get_absolute_url()
    article.slug = "better-slug"
    article.save()
    assert SlugRedirect.objects.filter(old_slug="first-slug").exists()
    response = client.get(old_address)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    wrong_section = article.get_absolute_url().replace("/politics/", "/sport/")
    response = client.get(wrong_section)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_unpublished_articles_are_404(client, politics):
    draft = ArticleFactory(section=politics, status=Article.Status.DRAFT, publish_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_article_page_shows_source_logo_attribution_and_original_link(client, politics, media):
    source = SourceFactory(
        name="ISS Today",
        slug="iss-today",
        attribution="First published by ISS Today.",
        logo=png_upload("iss.png", (300, 100)),
    )
    article = ArticleFactory(
        section=politics, source=source, original_url="https://issafrica.example.org/a/1"
    )
    html = html_of(client.get(article.get_absolute_url()))
    assert "First published by ISS Today." in html
    assert 'href="https://issafrica.example.org/a/1"' in html
    assert "Read the original" in html
    assert 'alt="ISS Today logo"' in html
    # Syndicated pieces name the original as canonical.
    assert '<link rel="canonical" href="https://issafrica.example.org/a/1">' in html


def test_sponsored_article_discloses_the_sponsor_and_marks_outbound_links(client, politics):
    article = ArticleFactory(
        section=politics,
        sponsor=SponsorFactory(name="Acme Foundation", url="https://acme.example.org/"),
        body='<p>See <a href="https://acme.example.org/report">the report</a> and '
        '<a href="/politics/">our coverage</a>.</p>',
    )
    html = html_of(client.get(article.get_absolute_url()))
    assert "Sponsored by" in html
    assert "This article was paid for by Acme Foundation." in html
    assert '<a href="https://acme.example.org/report" rel="sponsored noopener">' in html
    assert '<a href="/politics/" rel="noopener">' in html  # internal links are not sponsored


def test_section_sponsorship_is_disclosed_on_its_articles(client):
    energy = SectionFactory(name="Energy", slug="energy", sponsor=SponsorFactory(name="Sun Power Ltd"))
    html = html_of(client.get(ArticleFactory(section=energy).get_absolute_url()))
    assert "Sun Power Ltd pays for our Energy section." in html


def test_unsponsored_bodies_keep_their_links_as_written(client, politics):
    article = ArticleFactory(section=politics, body='<p><a href="https://example.org/">a source</a></p>')
    html = html_of(client.get(article.get_absolute_url()))
    assert "sponsored" not in html.split('class="article-body"')[1].split("</div>")[0]


def test_featured_image_is_served_as_resized_renditions_with_caption_and_credit(client, politics, media):
    article = ArticleFactory(
        section=politics,
        featured_image=png_upload(),
        image_alt="Parliament at dusk",
        image_caption="The national assembly.",
        image_credit="Photo: Lebo M",
    )
    html = html_of(client.get(article.get_absolute_url()))
    figure = html[html.index('<figure class="article__figure">') : html.index("</figure>")]
    assert 'alt="Parliament at dusk"' in figure
    assert "srcset=" in figure
    assert " 480w" in figure
    assert " 1200w" in figure
    assert "/media/articles/" not in figure  # never the original upload
    assert "The national assembly." in figure
    assert "Photo: Lebo M" in figure


def test_video_is_a_facade_with_a_plain_link_and_the_privacy_embed_address(client, politics):
    article = ArticleFactory(section=politics, video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    html = html_of(client.get(article.get_absolute_url()))
    assert 'data-video-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert '<a class="video__link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    assert "<iframe" not in html


def test_corrections_tags_and_related_articles_appear_on_the_article(client, politics):
    article = ArticleFactory(headline="Main story", section=politics, tags=["Water", "Cape Town"])
    CorrectionFactory(article=article, text="An earlier version misnamed the dam.")
    ArticleFactory(
        headline="Shares two tags", section=SectionFactory(slug="metro"), tags=["Water", "Cape Town"]
    )
    ArticleFactory(headline="Shares one tag", section=SectionFactory(slug="metro2"), tags=["Water"])
    ArticleFactory(headline="Same section only", section=politics)
    html = html_of(client.get(article.get_absolute_url()))
    assert "An earlier version misnamed the dam." in html
    assert 'href="/tags/water/"' in html
    assert 'href="/tags/cape-town/"' in html
    related = html[html.index("Related articles") :]
    assert (
        related.index("Shares two tags")
        < related.index("Shares one tag")
        < related.index("Same section only")
    )
    assert "Main story" not in related


def test_article_page_has_font_size_control_share_links_and_regions_for_reader_actions(client, politics):
    article = ArticleFactory(section=politics)
    html = html_of(client.get(article.get_absolute_url()))
    assert "data-font-size hidden" in html  # shown by the script; without it there is nothing to press
    assert 'data-font-step="1">Larger</button>' in html
    assert 'data-font-step="-1">Smaller</button>' in html
    assert 'aria-label="Share this article"' in html
    assert "mailto:?subject=" in html
    assert 'class="reader-actions"' in html
    assert 'id="comments"' in html
    assert f'data-read-url="/api/reads/{article.pk}/"' in html
    assert "<script>" not in html
    assert " style=" not in html


def test_premium_article_is_labelled_for_subscribers(client, politics):
    article = ArticleFactory(section=politics, is_premium=True)
    assert "Subscribers" in html_of(client.get(article.get_absolute_url()))


def test_the_admin_preview_context_builds_the_page_for_an_unpublished_draft(rf, politics):
    from django.template.loader import render_to_string

    from articles.views import article_page_context

    draft = ArticleFactory(
        headline="Draft for preview",
        section=politics,
        status=Article.Status.DRAFT,
        publish_at=None,
        tags=["Water"],
    )
    request = rf.get("/preview/token/")
    html = render_to_string(
        "articles/detail.html", article_page_context(request, draft, preview=True), request
    )
    assert "Draft for preview" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "data-read-url" not in html  # previews are not counted as reads


def test_the_404_page_offers_search(client):
    response = client.get("/nothing/here/at/all/")
    assert response.status_code == 404
    assert 'action="/search/"' in response.content.decode()
