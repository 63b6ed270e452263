"""Premium text never reaches a reader who may not see it: not through the shared article
page, a cache, the feeds, search snippets, the newsletter or a gift link."""

import json
import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from subscriptions.access import PAYWALLED_CLASS, paywall_jsonld, teaser_html
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .conftest import PREMIUM_BODY, PREMIUM_PARAGRAPHS, SUBSCRIBER_ONLY

pytestmark = pytest.mark.django_db


def none_of_the_subscriber_text_in(html):
    return not any(paragraph in html for paragraph in SUBSCRIBER_ONLY)


# The teaser ---------------------------------------------------------------------------------


def test_the_teaser_is_the_first_two_paragraphs_as_whole_elements():
    body = (
        '<h2>Background</h2><p>One &amp; <em>only</em>.</p><p>Two, with a <a href="https://example.org/">link</a>.</p>'
        "<blockquote><p>Three.</p></blockquote><p>Four.</p>"
    )

    assert teaser_html(body) == (
        '<h2>Background</h2><p>One &amp; <em>only</em>.</p><p>Two, with a <a href="https://example.org/">link</a>.</p>'
    )
    assert teaser_html(body, paragraphs=1) == "<h2>Background</h2><p>One &amp; <em>only</em>.</p>"


def test_the_teaser_never_holds_the_whole_of_a_short_article():
    assert teaser_html("<p>Only one.</p>") == ""
    assert teaser_html("<p>One.</p><p>Two.</p>") == "<p>One.</p>"
    assert (
        teaser_html("<p>One<br>line two.</p><p>Two.</p><p>Three.</p>") == "<p>One<br>line two.</p><p>Two.</p>"
    )
    assert teaser_html("") == ""


def test_the_structured_data_marks_premium_articles_and_their_paywalled_part():
    premium = ArticleFactory.build(is_premium=True)
    free = ArticleFactory.build(is_premium=False)

    assert paywall_jsonld(premium) == {
        "isAccessibleForFree": False,
        "hasPart": {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": f".{PAYWALLED_CLASS}",
        },
    }
    assert paywall_jsonld(free) == {}


def test_the_premium_body_partial_holds_the_opening_and_the_box_but_never_the_rest(
    premium_article, website_plan
):
    html = Template("{% load paywall %}{% premium_body article %}").render(
        Context({"article": premium_article})
    )

    assert PREMIUM_PARAGRAPHS[0] in html
    assert PREMIUM_PARAGRAPHS[1] in html
    assert none_of_the_subscriber_text_in(html)
    assert f'class="{PAYWALLED_CLASS}"' in html
    assert f'data-full-text-url="/subscriptions/article/{premium_article.pk}/full-text/"' in html
    assert "Sign in to read the full article" in html
    assert "js/paywall" in html


# The article page, as the lead wires it in -----------------------------------------------------


def test_the_shared_article_page_of_a_premium_article_holds_only_the_opening(
    client, premium_article, paying_subscriber
):
    anonymous = client.get(premium_article.get_absolute_url())
    client.force_login(paying_subscriber)
    signed_in = client.get(premium_article.get_absolute_url())

    for response in (anonymous, signed_in):
        html = response.content.decode()
        assert response.status_code == 200
        assert PREMIUM_PARAGRAPHS[0] in html
        assert none_of_the_subscriber_text_in(html)
        assert "The rest of this article is for subscribers" in html
    # The same bytes for everyone (bar the CSP nonce), so any cache may keep them.
    without_nonce = [re.sub(r'nonce="[^"]+"', "", r.content.decode()) for r in (anonymous, signed_in)]
    assert without_nonce[0] == without_nonce[1]
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', without_nonce[0], re.S)[1]
    )
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"]["cssSelector"] == f".{PAYWALLED_CLASS}"


def test_premium_text_comes_only_from_responses_no_shared_cache_may_keep(
    client, paying_subscriber, premium_article
):
    client.force_login(paying_subscriber)
    for url in (
        f"/subscriptions/article/{premium_article.pk}/full-text/",
        f"/subscriptions/article/{premium_article.pk}/read/",
    ):
        response = client.get(url)
        assert SUBSCRIBER_ONLY[0] in response.content.decode()
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


# Feeds, search and the newsletter ------------------------------------------------------------------


def test_the_feeds_carry_no_premium_text(client, premium_article):
    for url in ("/feed/", "/feed/atom/", f"/{premium_article.section.slug}/feed/"):
        xml = client.get(url).content.decode()
        assert premium_article.headline in xml
        assert none_of_the_subscriber_text_in(xml)
        assert PREMIUM_PARAGRAPHS[0] not in xml


BODY_ONLY_QUERIES = [
    "treasurer resigned",
    "memo",
    "officials knew",
    '"signed off the accounts"',
    "gap -hidden",
]


@pytest.mark.parametrize("who", ["anonymous", "signed-in reader", "subscriber"])
def test_words_only_in_a_premium_body_find_nothing_whoever_searches(
    client, premium_article, reader, paying_subscriber, who
):
    # Search is the same page for everyone, and a match alone would tell what the text says.
    if who != "anonymous":
        client.force_login(reader if who == "signed-in reader" else paying_subscriber)

    for query in BODY_ONLY_QUERIES:
        html = client.get("/search/", {"q": query}).content.decode()
        assert premium_article.headline not in html, query
        assert "No articles matched" in html, query


@pytest.mark.parametrize("query", ["pension fund gap", "hidden", "auditor's report", "Ada Byline"])
def test_search_finds_premium_articles_by_their_free_parts_without_showing_their_text(client, query):
    premium = ArticleFactory(
        headline="Pension fund gap hidden for two years",
        standfirst="An auditor's report the council did not publish.",
        body=PREMIUM_BODY,
        is_premium=True,
        section=SectionFactory(name="Investigations", slug="investigations"),
        authors=[AuthorFactory(name="Ada Byline")],
    )

    html = client.get("/search/", {"q": query}).content.decode()
    unmarked = html.replace("<mark>", "").replace("</mark>", "")

    assert premium.headline in unmarked
    assert none_of_the_subscriber_text_in(unmarked)
    assert "Opening paragraph" not in unmarked  # the snippet is the standfirst's alone
    assert "report the council did not publish" in unmarked


def test_a_free_article_is_still_found_by_its_body_and_turning_it_premium_hides_those_words(client):
    article = ArticleFactory(headline="Council accounts", body=PREMIUM_BODY, is_premium=False)

    assert article.headline in client.get("/search/", {"q": "treasurer resigned"}).content.decode()

    article.is_premium = True
    article.save()
    assert article.headline not in client.get("/search/", {"q": "treasurer resigned"}).content.decode()

    article.is_premium = False
    article.save()
    assert article.headline in client.get("/search/", {"q": "treasurer resigned"}).content.decode()


# Gift links -----------------------------------------------------------------------------------------


@pytest.fixture
def opened_gift(paying_subscriber, premium_article, settings):
    """A gift link, opened by its recipient with the page cache on, as in production."""
    from subscriptions.gifts import give_article

    settings.PAGE_CACHE_ENABLED = True
    gift, _ = give_article(sender=paying_subscriber, article=premium_article)
    recipient = Client()
    page = recipient.get(f"/gift/{gift.token}/")
    assert SUBSCRIBER_ONLY[0] in page.content.decode()
    recipient.post(f"/gift/{gift.token}/opened/")
    return gift


def cached_page(url):
    from newsroom.lib import pagecache
    from newsroom.lib.generations import site_generation

    entry = pagecache.cache().get(pagecache.page_key(RequestFactory().get(url), site_generation()))
    return entry["content"].decode() if entry else None


def test_after_a_gift_is_read_the_articles_shared_page_and_its_cached_copy_hold_only_the_opening(
    opened_gift, premium_article
):
    first = Client().get(premium_article.get_absolute_url())
    second = Client().get(premium_article.get_absolute_url())

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for html in (
        first.content.decode(),
        second.content.decode(),
        cached_page(premium_article.get_absolute_url()),
    ):
        assert PREMIUM_PARAGRAPHS[0] in html
        assert none_of_the_subscriber_text_in(html)
        assert opened_gift.token not in html


def test_a_gift_page_is_never_kept_by_any_cache(opened_gift):
    url = f"/gift/{opened_gift.token}/"

    again = Client().get(url)

    assert "X-Page-Cache" not in again
    assert cached_page(url) is None
    assert "no-store" in again["Cache-Control"]
    assert "private" in again["Cache-Control"]
    assert "public" not in again["Cache-Control"]


def test_a_gift_opens_no_door_in_feeds_sitemaps_or_search(client, opened_gift, premium_article):
    pages = ["/feed/", "/feed/atom/", f"/{premium_article.section.slug}/feed/", "/sitemap.xml",
             "/sitemap-articles.xml", "/news-sitemap.xml"]  # fmt: skip
    pages += [f"/search/?q={query}" for query in BODY_ONLY_QUERIES]
    for url in pages:
        body = client.get(url).content.decode()
        assert "/gift/" not in body, url
        assert none_of_the_subscriber_text_in(body), url
    for query in BODY_ONLY_QUERIES:
        assert premium_article.headline not in client.get("/search/", {"q": query}).content.decode()
    assert "Disallow: /gift/" in client.get("/robots.txt").content.decode()
