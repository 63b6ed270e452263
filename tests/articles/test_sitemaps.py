"""Sitemaps, parsed as XML the way crawlers read them."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
import time_machine
from django.utils import timezone

from articles import sitemaps
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = "https://ledger.example.org"


def xml_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own response


def locations(root):
    return [element.text for element in root.iterfind(".//sm:loc", NS)]


def test_the_index_names_each_sitemap_and_pages_the_articles(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    politics = SectionFactory(slug="politics")
    for _ in range(5):
        ArticleFactory(section=politics, tags=["Water"])
    root = xml_of(client, "/sitemap.xml")
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert locations(root) == [
        "https://ledger.example.org/sitemap-articles.xml",
        "https://ledger.example.org/sitemap-articles.xml?p=2",
        "https://ledger.example.org/sitemap-articles.xml?p=3",
        "https://ledger.example.org/sitemap-sections.xml",
        "https://ledger.example.org/sitemap-tags.xml",
        "https://ledger.example.org/sitemap-authors.xml",
    ]
    page_three = xml_of(client, "/sitemap-articles.xml?p=3")
    assert len(locations(page_three)) == 1
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemaps_list_only_visible_articles_and_the_tags_and_authors_they_use(client):
    politics = SectionFactory(slug="politics")
    visible_author, hidden_author = AuthorFactory(slug="seen"), AuthorFactory(slug="unseen")
    visible = ArticleFactory(section=politics, tags=["Water"], authors=[visible_author])
    ArticleFactory(
        section=politics, tags=["Secret"], authors=[hidden_author], status="draft", publish_at=None
    )
    articles = locations(xml_of(client, "/sitemap-articles.xml"))
    assert articles == ["https://ledger.example.org" + visible.get_absolute_url()]
    assert locations(xml_of(client, "/sitemap-tags.xml")) == ["https://ledger.example.org/tags/water/"]
    assert locations(xml_of(client, "/sitemap-authors.xml")) == ["https://ledger.example.org/authors/seen/"]
    assert locations(xml_of(client, "/sitemap-sections.xml")) == ["https://ledger.example.org/politics/"]
    lastmod = xml_of(client, "/sitemap-articles.xml").find(".//sm:lastmod", NS).text
    assert lastmod.startswith(str(timezone.localdate(visible.updated_at)))


def test_news_sitemap_lists_the_last_48_hours_with_publication_details(client):
    politics = SectionFactory(slug="politics")
    fresh = ArticleFactory(
        headline="Fresh & new", section=politics, publish_at=timezone.now() - timedelta(hours=2)
    )
    ArticleFactory(headline="Three days old", section=politics, publish_at=timezone.now() - timedelta(days=3))
    root = xml_of(client, "/news-sitemap.xml")
    assert locations(root) == ["https://ledger.example.org" + fresh.get_absolute_url()]
    assert root.find(".//news:title", NS).text == "Fresh & new"
    assert root.find(".//news:publication/news:name", NS).text == "The Civic Ledger"
    assert root.find(".//news:publication/news:language", NS).text == "en"
    assert root.find(".//news:publication_date", NS).text.startswith(
        str(timezone.localdate(fresh.publish_at))
    )


def test_news_sitemap_goes_by_first_publication_not_a_later_publish_time(client):
    # Withdrawn and published again today: still three days old as news.
    republished = ArticleFactory(publish_at=timezone.now() - timedelta(hours=1))
    Article.objects.filter(pk=republished.pk).update(first_published_at=timezone.now() - timedelta(days=3))
    assert locations(xml_of(client, "/news-sitemap.xml")) == []


def test_news_sitemap_drops_an_article_the_moment_it_turns_48_hours_old(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ageing = ArticleFactory(publish_at=start - timedelta(hours=47, minutes=59))
        fresh = ArticleFactory(publish_at=start - timedelta(hours=1))
        expected = ["https://ledger.example.org" + article.get_absolute_url() for article in (fresh, ageing)]
        assert locations(xml_of(client, "/news-sitemap.xml")) == expected
        # Shared caches are told the same: not a second past the oldest entry's 48 hours.
        response = client.get("/news-sitemap.xml")
        assert response["X-Page-Cache"] == "hit"
        assert "s-maxage=60," in response["Cache-Control"]
    # Nothing was saved since: only the kept piece's own expiry can let the list change.
    with time_machine.travel(start + timedelta(minutes=1, seconds=1), tick=False):
        assert locations(xml_of(client, "/news-sitemap.xml")) == expected[:1]


def test_robots_txt_names_both_sitemaps(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://ledger.example.org/sitemap.xml" in text
    assert "Sitemap: https://ledger.example.org/news-sitemap.xml" in text
    assert "Disallow: /admin/" in text
