"""RSS and Atom feeds, read back with feedparser as a feed reader would."""

from datetime import timedelta
from io import BytesIO

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def politics(db):
    return SectionFactory(name="Politics", slug="politics", description="Parliament and parties.")


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return response, feed


FEED_URLS = [
    "/feed/",
    "/feed/atom/",
    "/politics/feed/",
    "/politics/feed/atom/",
    "/tags/water/feed/",
    "/tags/water/feed/atom/",
    "/authors/ada-writer/feed/",
    "/authors/ada-writer/feed/atom/",
    "/sources/partner/feed/",
    "/sources/partner/feed/atom/",
]


@pytest.mark.parametrize("url", FEED_URLS)
def test_every_feed_parses_cleanly_and_lists_its_articles(client, politics, url):
    author = AuthorFactory(name="Ada Writer", slug="ada-writer")
    ArticleFactory(
        headline="Dam levels fall",
        section=politics,
        tags=["Water"],
        authors=[author],
        source=SourceFactory(slug="partner"),
    )
    ArticleFactory(headline="Not in any of these", section=SectionFactory(slug="sport"))
    response, feed = parsed(client, url)
    titles = [entry.title for entry in feed.entries]
    assert "Dam levels fall" in titles
    if url != "/feed/" and url != "/feed/atom/":
        assert "Not in any of these" not in titles
    expected = "application/atom+xml" if "atom" in url else "application/rss+xml"
    assert response["Content-Type"].startswith(expected)


def test_site_feed_has_dates_authors_tags_and_absolute_links(client, politics, settings):
    settings.SITE_URL = "https://ledger.example.org"
    published = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    article = ArticleFactory(
        headline="Dam levels fall",
        section=politics,
        tags=["Water", "Drought"],
        authors=[AuthorFactory(name="Ada Writer"), AuthorFactory(name="Ben Reporter")],
        publish_at=published,
    )
    _, feed = parsed(client, "/feed/")
    entry = feed.entries[0]
    assert entry.link == "https://ledger.example.org" + article.get_absolute_url()
    assert entry.published_parsed[:6] == published.utctimetuple()[:6]
    assert entry.author == "Ada Writer, Ben Reporter"
    assert sorted(tag.term for tag in entry.tags) == ["Drought", "Water"]
    assert feed.feed.link == "https://ledger.example.org/"


def test_guids_are_tag_uris_that_survive_a_new_slug_or_section(client, politics, settings):
    settings.SITE_URL = "https://ledger.example.org"
    article = ArticleFactory(section=politics, slug="first-slug")
    _, before = parsed(client, "/feed/")
    article.slug = "second-slug"
    article.section = SectionFactory(slug="economy")
    article.save()
    _, after = parsed(client, "/feed/")
    assert before.entries[0].id == after.entries[0].id
    assert before.entries[0].id.startswith("tag:ledger.example.org,")
    assert before.entries[0].id.endswith(f":article-{article.pk}")
    assert before.entries[0].link != after.entries[0].link


def test_free_articles_carry_their_text_and_premium_ones_only_the_summary(client, politics):
    ArticleFactory(
        headline="Free piece", section=politics, standfirst="Free summary.", body="<p>Free full text.</p>"
    )
    ArticleFactory(
        headline="Premium piece",
        section=politics,
        is_premium=True,
        standfirst="Premium summary.",
        body="<p>Subscriber-only text.</p>",
    )
    for url in ("/feed/", "/feed/atom/"):
        response, feed = parsed(client, url)
        entries = {entry.title: entry for entry in feed.entries}
        assert entries["Free piece"].summary == "Free summary."
        assert "Free full text." in entries["Free piece"].content[0].value
        assert entries["Premium piece"].summary == "Premium summary."
        assert "content" not in entries["Premium piece"]
        assert b"Subscriber-only text" not in response.content


def test_featured_image_is_an_enclosure_with_length_and_type(client, politics, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    Image.new("RGB", (800, 450), (10, 20, 30)).save(buffer, format="JPEG")
    image = SimpleUploadedFile("dam.jpg", buffer.getvalue(), content_type="image/jpeg")
    article = ArticleFactory(section=politics, featured_image=image, image_alt="A dam")
    _, feed = parsed(client, "/feed/")
    enclosure = feed.entries[0].enclosures[0]
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == article.featured_image.size
    assert enclosure.href.endswith(article.featured_image.url)


def test_hidden_articles_stay_out_of_feeds(client, politics):
    ArticleFactory(headline="Draft", section=politics, status="draft", publish_at=None)
    ArticleFactory(headline="Scheduled", section=politics, publish_at=timezone.now() + timedelta(hours=2))
    _, feed = parsed(client, "/feed/")
    assert feed.entries == []


def test_unknown_feed_objects_are_404(client):
    for url in ["/nowhere/feed/", "/tags/nothing/feed/", "/authors/nobody/feed/atom/", "/sources/none/feed/"]:
        assert client.get(url).status_code == 404, url


def test_listing_pages_link_their_own_feeds_in_the_head(client, politics):
    author = AuthorFactory(slug="ada-writer")
    ArticleFactory(section=politics, tags=["Water"], authors=[author], source=SourceFactory(slug="partner"))
    for page, feed in [
        ("/politics/", "/politics/feed/"),
        ("/tags/water/", "/tags/water/feed/"),
        ("/authors/ada-writer/", "/authors/ada-writer/feed/"),
        ("/sources/partner/", "/sources/partner/feed/"),
    ]:
        head = client.get(page).content.decode().split("</head>")[0]
        assert 'type="application/rss+xml" title="' in head, page
        assert f'href="{feed}"' in head, page
        assert f'href="{feed}atom/"' in head, page
