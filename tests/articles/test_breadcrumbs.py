"""The article page's breadcrumb trail (Home › Section › From partner) with its BreadcrumbList
JSON-LD, and the partner's feed beside a syndicated article's attribution."""

import json
import re

import pytest
from django.core.cache import cache

from tests.factories import ArticleFactory, SectionFactory, SourceFactory
from tests.performance.query_counting import Newsroom, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_address(settings):
    cache.clear()
    settings.SITE_URL = "https://ledger.example.org"


@pytest.fixture
def politics():
    return SectionFactory(name="Politics", slug="politics")


@pytest.fixture
def partner():
    return SourceFactory(
        name="Coast Institute", slug="coast-institute", feed_url="https://coast.example.org/news/rss.xml"
    )


def trail(html):
    """[(text, href)] of the breadcrumb links, in order."""
    nav = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumb trail on the page"
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', nav.group(1))


def breadcrumb_list(html):
    blocks = re.findall(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S)
    lists = [data for data in map(json.loads, blocks) if data["@type"] == "BreadcrumbList"]
    assert len(lists) == 1
    return lists[0]


def test_a_syndicated_article_shows_home_section_and_partner(client, politics, partner):
    article = ArticleFactory(section=politics, source=partner)
    html = client.get(article.get_absolute_url()).content.decode()

    assert trail(html) == [
        ("/", "Home"),
        ("/politics/", "Politics"),
        ("/sources/coast-institute/", "From Coast Institute"),
    ]


def test_the_trail_is_also_a_breadcrumb_list_for_search_engines(client, politics, partner):
    article = ArticleFactory(section=politics, source=partner)
    data = breadcrumb_list(client.get(article.get_absolute_url()).content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": "https://ledger.example.org/"},
        {
            "@type": "ListItem",
            "position": 2,
            "name": "Politics",
            "item": "https://ledger.example.org/politics/",
        },
        {
            "@type": "ListItem",
            "position": 3,
            "name": "From Coast Institute",
            "item": "https://ledger.example.org/sources/coast-institute/",
        },
    ]


def test_our_own_article_shows_home_and_section_only(client, politics):
    article = ArticleFactory(section=politics)
    html = client.get(article.get_absolute_url()).content.decode()

    assert trail(html) == [("/", "Home"), ("/politics/", "Politics")]
    assert [item["name"] for item in breadcrumb_list(html)["itemListElement"]] == ["Home", "Politics"]


def test_a_syndicated_article_links_to_the_partners_feed(client, politics, partner):
    article = ArticleFactory(section=politics, source=partner)
    html = client.get(article.get_absolute_url()).content.decode()

    source_note = re.search(r'<aside class="source-note".*?</aside>', html, re.S).group(0)
    assert (
        '<a class="source-note__feed" href="https://coast.example.org/news/rss.xml" '
        'type="application/rss+xml" rel="noopener">Coast Institute’s news feed (RSS)</a>'
    ) in source_note


def test_no_feed_link_when_the_partner_has_no_feed(client, politics):
    article = ArticleFactory(section=politics, source=SourceFactory(name="Quiet Trust", feed_url=""))
    html = client.get(article.get_absolute_url()).content.decode()

    assert "source-note__feed" not in html
    assert "news feed (RSS)" not in html


def test_a_partner_name_cannot_break_out_of_the_trail_or_its_data(client, politics):
    hostile = SourceFactory(name="</script><script>alert(1)</script>", slug="hostile")
    article = ArticleFactory(section=politics, source=hostile)
    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert breadcrumb_list(html)["itemListElement"][2]["name"] == "From </script><script>alert(1)</script>"


def test_the_trail_costs_the_article_page_no_query(client):
    site = Newsroom()
    site.add(3)
    # Both free and neither sponsored: only the source differs.
    own, syndicated = site.articles[2], site.articles[1]
    assert own.source is None
    assert syndicated.source is not None

    own_count, _ = queries_for(client, own.get_absolute_url())
    syndicated_count, sql = queries_for(client, syndicated.get_absolute_url())

    assert syndicated_count == own_count, "\n".join(sql)
