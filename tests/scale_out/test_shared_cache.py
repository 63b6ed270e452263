"""The shared cache on a real Redis: page cache generations and rate limits work on it, and
when Redis refuses, limits fail closed with one clear log line while pages still render."""

import logging

import pytest
from django.core.cache import caches

from comments.services import approve_comment
from newsroom.lib import ratelimit
from newsroom.lib.env import cache_from_url
from tests.articles.editorial_helpers import edit_in_admin
from tests.factories import ArticleFactory, CommentFactory
from tests.scale_out.conftest import redis_client
from tests.scale_out.processes import free_port, private_redis
from tests.scale_out.roundtrips import RoundTrips


def test_a_redis_cache_url_selects_djangos_redis_backend_with_short_timeouts():
    entry = cache_from_url("redis://cache.internal:6379/2", key_prefix="site-a", socket_timeout_ms=500)

    assert entry["BACKEND"] == "newsroom.lib.rediscache.ResilientRedisCache"
    assert entry["LOCATION"] == "redis://cache.internal:6379/2"
    assert entry["KEY_PREFIX"] == "site-a"
    assert entry["OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def test_the_counters_get_a_redis_backend_that_never_answers_not_cached_for_a_failure():
    entry = cache_from_url("redis://counters.internal:6379/0", counters=True)

    assert entry["BACKEND"] == "newsroom.lib.rediscache.CountingRedisCache"


def test_rate_limits_fail_closed_when_redis_stops_between_counting_and_reading(settings):
    with private_redis() as server:
        settings.CACHES = {"ratelimit": cache_from_url(server.url, socket_timeout_ms=500, counters=True)}
        ratelimit.hit("share-sender", "ann@example.org", limit=20, period=86400)
        server.stop()

        # Reading the count is what fails now; the default backend would have read "nothing".
        assert not ratelimit.peek("share-sender", "ann@example.org", limit=20, period=86400).allowed


def test_rate_limits_count_in_redis_so_every_app_server_sees_the_same_count(shared_cache, key_prefix):
    verdicts = [ratelimit.hit("share-ip", "203.0.113.9", limit=2, period=3600) for _ in range(2)]
    # Another app server has a connection of its own to the same Redis, and sees both attempts.
    other_server = caches.create_connection("ratelimit")
    [stored_key] = redis_client(shared_cache).keys(f"{key_prefix}:*ratelimit:share-ip:*[0-9]")

    assert [verdict.allowed for verdict in verdicts] == [True, True]
    assert other_server.get(stored_key.decode().split(":", 2)[2]) == 2
    assert ratelimit.limit_reached("share-ip", "203.0.113.9", limit=2, period=3600)


@pytest.mark.django_db
def test_a_page_cached_in_redis_is_dropped_when_its_article_changes(
    client, editor, shared_cache, page_cache_on, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="Bridge repairs begin")
    url = article.get_absolute_url()

    first = client.get(url)
    second = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(editor, article, headline="Bridge repairs finished early")
    after_edit = client.get(url)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert after_edit["X-Page-Cache"] == "miss"
    assert "Bridge repairs finished early" in after_edit.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "article"])
def test_a_cached_page_is_read_from_redis_in_one_round_trip(client, page, shared_cache, page_cache_on):
    article = ArticleFactory(headline="Ferry fares frozen")
    url = "/" if page == "home" else article.get_absolute_url()
    client.get(url)

    with RoundTrips() as redis_calls:
        hit = client.get(url)

    assert hit["X-Page-Cache"] == "hit"
    assert "Ferry fares frozen" in hit.content.decode()
    assert redis_calls.count == 1


@pytest.mark.django_db
def test_a_cached_page_is_still_served_after_redis_forgets_the_script(client, shared_cache, page_cache_on):
    # A restarted or failed-over Redis has no scripts loaded: the first hit sends it again.
    article = ArticleFactory(headline="Ferry fares frozen")
    client.get(article.get_absolute_url())
    redis_client(shared_cache).script_flush()

    with RoundTrips() as redis_calls:
        hit = client.get(article.get_absolute_url())
    with RoundTrips() as next_calls:
        client.get(article.get_absolute_url())

    assert hit["X-Page-Cache"] == "hit"
    assert "Ferry fares frozen" in hit.content.decode()
    assert (redis_calls.count, next_calls.count) == (2, 1)


@pytest.mark.django_db
def test_a_reader_with_the_current_copy_gets_a_304_from_the_redis_cache(client, shared_cache, page_cache_on):
    article = ArticleFactory(headline="Ferry fares frozen")
    first = client.get(article.get_absolute_url())

    again = client.get(article.get_absolute_url(), headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""


@pytest.mark.django_db
def test_a_comment_drops_the_article_page_cached_in_redis_and_no_other(
    client, moderator, shared_cache, page_cache_on, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="Ferry fares frozen")
    other = ArticleFactory(headline="Tram line extended")
    held = CommentFactory(article=article, user=moderator, comment="About time.", held=True)
    for url in (article.get_absolute_url(), other.get_absolute_url(), "/"):
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=held, by=moderator)

    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert "About time." in page.content.decode()
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    assert client.get("/")["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_pages_render_uncached_when_redis_is_too_slow_to_answer(client, settings, page_cache_on, caplog):
    article = ArticleFactory(headline="Harbour lights restored")
    with private_redis() as server:
        settings.CACHES = {"default": cache_from_url(server.url, socket_timeout_ms=300)}
        client.get(article.get_absolute_url())
        redis_client(server.url).execute_command("CLIENT", "PAUSE", "3000")

        with caplog.at_level(logging.ERROR):
            page = client.get(article.get_absolute_url())

    assert page.status_code == 200
    assert "Harbour lights restored" in page.content.decode()
    assert page.get("X-Page-Cache") is None  # rendered, and not stored
    [line] = [record.getMessage() for record in caplog.records if record.name == "newsroom.lib.rediscache"]
    assert line.startswith("cache unavailable, pages not cached")
    assert "TimeoutError" in line


def _refusals(caplog):
    return [record for record in caplog.records if record.name == "newsroom.lib.ratelimit"]


def test_rate_limits_fail_closed_with_one_log_line_when_redis_stops(settings, caplog):
    with private_redis() as server:
        settings.CACHES = {
            "default": cache_from_url(server.url, socket_timeout_ms=500),
            "ratelimit": cache_from_url(server.url, socket_timeout_ms=500, counters=True),
        }
        before = ratelimit.hit("enquiry-ip", "198.51.100.4", limit=5, period=3600)
        server.stop()
        with caplog.at_level(logging.ERROR, logger="newsroom.lib.ratelimit"):
            after = ratelimit.hit("enquiry-ip", "198.51.100.4", limit=5, period=3600)

    assert before.allowed
    assert not after.allowed
    [line] = _refusals(caplog)
    assert "rate limit 'enquiry-ip' refused the attempt" in line.getMessage()
    assert "ConnectionError" in line.getMessage()
    assert line.exc_info is None  # one line, no traceback


def test_rate_limits_fail_closed_when_no_redis_listens_on_the_port(settings, caplog):
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        "default": cache_from_url(nowhere, socket_timeout_ms=500),
        "ratelimit": cache_from_url(nowhere, socket_timeout_ms=500, counters=True),
    }

    with caplog.at_level(logging.ERROR, logger="newsroom.lib.ratelimit"):
        counted = ratelimit.hit("share-sender", "ann@example.org", limit=20, period=86400)
        peeked = ratelimit.peek("share-sender", "ann@example.org", limit=20, period=86400)

    assert not counted.allowed
    assert not peeked.allowed
    assert [record.getMessage().split(":")[0] for record in _refusals(caplog)] == [
        "rate limit 'share-sender' refused the attempt",
        "rate limit 'share-sender' refused the attempt",
    ]


@pytest.mark.django_db
def test_pages_still_render_uncached_when_redis_is_down(client, settings, page_cache_on, caplog):
    article = ArticleFactory(headline="Library opening hours extended")
    settings.CACHES = {"default": cache_from_url(f"redis://127.0.0.1:{free_port()}/0", socket_timeout_ms=500)}

    with caplog.at_level(logging.ERROR):
        home = client.get("/")
        page = client.get(article.get_absolute_url())

    assert home.status_code == 200
    assert page.status_code == 200
    assert "Library opening hours extended" in page.content.decode()
    assert page.get("X-Page-Cache") != "hit"
    [line] = [record.getMessage() for record in caplog.records if record.name == "newsroom.lib.rediscache"]
    assert line.startswith("cache unavailable, pages not cached")
    assert "ConnectionError" in line
