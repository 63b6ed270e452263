"""The corrections feed beside /corrections/, read back with feedparser as a feed reader would."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, CorrectionFactory

pytestmark = pytest.mark.django_db


def read_feed(client):
    response = client.get("/corrections/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_feed_lists_each_correction_newest_first_linking_to_its_article(client):
    article = ArticleFactory(headline="Harbour wall repairs to start in March")
    older = CorrectionFactory(article=article, text="The cost was £2m, not £20m.")
    older.published_at = timezone.now() - timedelta(days=2)
    older.save()
    CorrectionFactory(article=article, text="Work starts in April, not March.")

    feed = read_feed(client)

    assert feed.feed.title.startswith("Corrections")
    assert [entry.summary for entry in feed.entries] == [
        "<p>Work starts in April, not March.</p>",
        "<p>The cost was £2m, not £20m.</p>",
    ]
    entry = feed.entries[1]
    assert entry.title == "Correction: Harbour wall repairs to start in March"
    assert entry.link.endswith(article.get_absolute_url() + "#corrections-heading")
    assert entry.published_parsed[:3] == older.published_at.utctimetuple()[:3]
    assert entry.id.endswith(f":correction-{older.pk}")


def test_markup_in_a_correction_reaches_feed_readers_as_text(client):
    CorrectionFactory(text='The quote was "<script>alert(1)</script>".')

    [entry] = read_feed(client).entries

    assert "<script>" not in entry.summary
    assert "&lt;script&gt;" in entry.summary


def test_corrections_to_articles_readers_cannot_see_are_left_out(client):
    CorrectionFactory(article=ArticleFactory(status=Article.Status.WITHDRAWN), text="Withdrawn one.")
    CorrectionFactory(text="Visible one.")

    assert [entry.summary for entry in read_feed(client).entries] == ["<p>Visible one.</p>"]


def test_the_corrections_page_points_feed_readers_to_the_feed(client):
    page = client.get("/corrections/").content.decode()

    alternate = 'type="application/rss+xml" title="Corrections (RSS)" href="/corrections/feed/"'
    assert f'<link rel="alternate" {alternate}>' in page
    assert '<a href="/corrections/feed/">RSS feed of corrections</a>' in page
