"""Anonymous readers get the same bytes as every other anonymous reader: no page of the reading
site touches the session, sets a cookie, varies on cookies or carries a CSRF token, so the page
cache, nginx and a CDN can all keep it."""

import pytest

from tests.factories import ArticleFactory

from .conftest import listing_urls

pytestmark = pytest.mark.django_db


def reader_pages(story, premium):
    return [
        *listing_urls(story),
        story.get_absolute_url(),
        premium.get_absolute_url(),
        "/search/?q=harbour",
        "/search/",
        "/corrections/",
        "/sitemap.xml",
        "/robots.txt",
    ]


@pytest.fixture
def premium(story):
    return ArticleFactory(
        headline="Harbour costs doubled", slug="harbour-costs", section=story.section, is_premium=True
    )


@pytest.mark.parametrize("cache_on", [True, False], ids=["page cache on", "page cache off"])
def test_no_reading_page_sets_a_cookie_varies_on_cookies_or_holds_a_csrf_token(
    client, settings, story, premium, cache_on
):
    settings.PAGE_CACHE_ENABLED = cache_on
    for url in reader_pages(story, premium):
        for attempt in ("first", "second"):
            response = client.get(url)
            assert response.status_code == 200, (url, attempt)
            assert "cookie" not in response.get("Vary", "").lower(), (url, attempt, response["Vary"])
            assert not response.cookies, (url, attempt, response.cookies)
            assert b"csrfmiddlewaretoken" not in response.content, url
    assert not client.cookies


def test_reading_pages_are_marked_public_for_proxies_with_a_short_shared_lifetime(client, page_cache, story):
    for url in [*listing_urls(story), story.get_absolute_url(), "/search/?q=harbour"]:
        cache_control = client.get(url)["Cache-Control"]
        assert "public" in cache_control, url
        assert "s-maxage=60" in cache_control, url
        assert "stale-while-revalidate=30" in cache_control, url


def test_a_signed_in_readers_pages_are_private_and_never_stored(client, page_cache, reader, story):
    client.force_login(reader)

    for url in ["/", story.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


def test_the_comment_form_fragment_is_private_even_for_anonymous_readers(client, page_cache, story):
    response = client.get(f"/comments/article/{story.pk}/form/")

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in response


def test_the_health_check_is_never_cached(client, page_cache, db):
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second
    assert "public" not in first.get("Cache-Control", "")
