"""Feeds and sitemaps stay valid XML when a stored row holds a character XML 1.0 forbids.

Saving strips such characters (tests/newsroom/test_xml_safe_text.py); these rows are written
around save() with update(), as an old row, a script or raw SQL could leave them, and every
feed and sitemap must still answer 200 with a document a strict XML parser accepts.
"""

from xml.etree import ElementTree

import pytest
from django.db import DataError, transaction
from taggit.models import Tag

from articles.models import Article, Section, Source
from authors.models import Author
from tests.articles.test_feeds import FEED_URLS
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

# C0 controls XML forbids (start, vertical tab, end of the range) and the two non-characters.
# NUL and lone surrogates cannot be stored in PostgreSQL text at all, so no row can hold them.
FORBIDDEN = ["\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"]

# Every feed the site writes, as the feed tests list them.
FEEDS = FEED_URLS
SITEMAPS = [
    "/news-sitemap.xml",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-sections.xml",
    "/sitemap-tags.xml",
    "/sitemap-authors.xml",
]


def store_forbidden(character):
    """A published article whose every text, and its section's, author's, tag's and source's
    names, hold `character`, written with update() so that nothing strips it."""
    article = ArticleFactory(
        headline="Dam levels fall",
        section=SectionFactory(name="Politics", slug="politics"),
        authors=[AuthorFactory(name="Ada Writer", slug="ada-writer")],
        tags=["Water"],
        source=SourceFactory(slug="partner", name="Partner"),
    )
    Article.objects.filter(pk=article.pk).update(
        headline=f"Dam{character} levels fall",
        standfirst=f"Reservoirs{character} are low.",
        body=f"<p>The{character} dry spell goes on.</p>",
        author_names=f"Ada{character} Writer",
    )
    Section.objects.filter(slug="politics").update(
        name=f"Poli{character}tics", description=f"Parliament{character} and parties."
    )
    Author.objects.filter(slug="ada-writer").update(name=f"Ada{character} Writer")
    Tag.objects.filter(slug="water").update(name=f"Wa{character}ter")
    Source.objects.filter(slug="partner").update(
        name=f"Part{character}ner", attribution=f"First{character} published by Partner."
    )
    stored = Article.objects.get(pk=article.pk)
    assert character in stored.headline, "the test must really store the character"
    return stored


def strictly_parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    try:
        return response, ElementTree.fromstring(response.content)  # noqa: S314 - our own response
    except ElementTree.ParseError as error:
        pytest.fail(f"{url} is not well-formed XML: {error}")


@pytest.mark.parametrize("character", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_answers_valid_xml_with_the_bad_character_left_out(client, character, url):
    store_forbidden(character)

    response, root = strictly_parsed(client, url)

    text = "".join(root.itertext())
    assert "Dam levels fall" in text
    assert "Reservoirs are low." in text
    assert character not in response.content.decode()


@pytest.mark.parametrize("character", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_a_feed_names_authors_and_tags_without_the_bad_character(client, character):
    store_forbidden(character)

    _, root = strictly_parsed(client, "/feed/")

    item = root.find("channel/item")
    assert item.find("category").text == "Water"
    assert "Ada Writer" in ElementTree.tostring(item, encoding="unicode")


@pytest.mark.parametrize("character", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("url", SITEMAPS)
def test_every_sitemap_answers_valid_xml(client, character, url):
    store_forbidden(character)

    response, _ = strictly_parsed(client, url)

    assert character not in response.content.decode()


@pytest.mark.parametrize("character", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_the_news_sitemap_gives_the_headline_without_the_bad_character(client, character):
    store_forbidden(character)

    _, root = strictly_parsed(client, "/news-sitemap.xml")

    titles = [title.text for title in root.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")]
    assert titles == ["Dam levels fall"]


def test_postgresql_cannot_store_a_nul_or_a_lone_surrogate_so_no_row_holds_one(db):
    article = ArticleFactory()
    for character in ["\x00", "\ud800"]:
        with pytest.raises((DataError, UnicodeEncodeError)), transaction.atomic():
            Article.objects.filter(pk=article.pk).update(headline=f"a{character}b")
