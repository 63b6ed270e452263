"""Copies of Redis cache entries in each process's memory (newsroom/lib/nearcache.py): a hit
asks Redis nothing, and a copy is never served after Redis says it changed, after it expired,
or while nothing is listening for changes."""

import logging
import os
import time
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisSerializer

from articles.models import Article
from newsroom.lib import nearcache
from newsroom.lib.env import cache_from_url
from tests.articles.editorial_helpers import edit_in_admin
from tests.factories import ArticleFactory
from tests.scale_out.conftest import redis_client
from tests.scale_out.processes import private_redis
from tests.scale_out.roundtrips import RoundTrips


def until(condition, seconds=5):
    """Wait for what another thread does (the listener hearing from Redis)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still not true after {seconds} s: {condition.__doc__}")
        time.sleep(0.01)


def listening():
    """this process's copies hear from Redis"""
    cache.get("fragment:the-first-read-starts-the-listener")
    return cache.local_copies().listening


def read_until_kept(key):
    """Read `key` until this process keeps a copy. A read is not kept while Redis is telling
    of a change (as it does of the test's own write, a moment later): the next one is."""

    def kept():
        cache.get(key)
        return cache.local_copies().read(cache.make_key(key)) is not None

    kept.__doc__ = f"{key} kept in memory"
    until(kept)


def served_from_memory(client, url):
    """the page is a hit that asked Redis nothing"""
    with RoundTrips() as redis_calls:
        page = client.get(url)
    return page["X-Page-Cache"] == "hit" and redis_calls.count == 0


@pytest.fixture
def copies_on(settings, redis_url, key_prefix):
    settings.CACHES = {"default": cache_from_url(redis_url, key_prefix=key_prefix, local_copies_mb=4)}
    until(listening)
    yield redis_url
    client = redis_client(redis_url)
    keys = list(client.scan_iter(match=f"{key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "article"])
def test_a_page_read_once_from_redis_is_then_served_without_asking_redis(
    client, page, copies_on, page_cache_on
):
    article = ArticleFactory(headline="Ferry fares frozen")
    url = "/" if page == "home" else article.get_absolute_url()
    client.get(url)  # rendered and stored

    until(lambda: served_from_memory(client, url))
    with RoundTrips() as redis_calls:
        hit = client.get(url)

    assert hit["X-Page-Cache"] == "hit"
    assert "Ferry fares frozen" in hit.content.decode()
    assert redis_calls.count == 0


@pytest.mark.django_db
def test_a_change_announced_by_another_app_server_reaches_this_ones_copies(
    client, copies_on, page_cache_on, key_prefix
):
    article = ArticleFactory(headline="Ferry fares frozen")
    url = article.get_absolute_url()
    client.get(url)
    until(lambda: served_from_memory(client, url))
    # Another app server saves an edit and moves the site generation in Redis.
    Article.objects.filter(pk=article.pk).update(headline="Ferry fares cut")
    redis_client(copies_on).incr(f"{key_prefix}:1:generation:site")

    until(lambda: cache.local_copies().read(f"{key_prefix}:1:generation:site") is None)
    page = client.get(url)

    assert page["X-Page-Cache"] == "miss"
    assert "Ferry fares cut" in page.content.decode()


@pytest.mark.django_db
def test_a_change_made_in_this_process_drops_its_copy_at_once(
    client, editor, copies_on, page_cache_on, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="Bridge repairs begin")
    url = article.get_absolute_url()
    client.get(url)
    until(lambda: served_from_memory(client, url))

    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(editor, article, headline="Bridge repairs finished early")
    page = client.get(url)  # at once: no waiting for Redis to say so

    assert page["X-Page-Cache"] == "miss"
    assert "Bridge repairs finished early" in page.content.decode()


def test_a_copy_is_not_served_past_the_time_redis_keeps_the_entry(copies_on):
    cache.set("fragment:lasting-a-minute", "fresh", 60)
    read_until_kept("fragment:lasting-a-minute")
    made_key = cache.make_key("fragment:lasting-a-minute")

    later = time.monotonic() + 61
    with mock.patch("newsroom.lib.nearcache.monotonic", return_value=later):
        assert cache.local_copies().read(made_key) is None


def test_values_never_stored_in_redis_are_never_kept(copies_on):
    assert cache.get("fragment:never-stored") is None

    with RoundTrips() as redis_calls:
        assert cache.get("fragment:never-stored") is None

    assert redis_calls.count == 1


def test_keys_outside_the_read_path_are_read_from_redis_every_time(copies_on):
    # A reader's "already counted" mark is written on every beacon and read once.
    cache.set("reads:seen:203.0.113.9:42", 1, 60)
    cache.get("reads:seen:203.0.113.9:42")

    with RoundTrips() as redis_calls:
        assert cache.get("reads:seen:203.0.113.9:42") == 1

    assert redis_calls.count == 1


def test_each_read_gets_its_own_object_so_one_caller_cannot_change_the_next_ones(copies_on):
    cache.set("fragment:sections", ["News", "Opinion"], 60)
    cache.get("fragment:sections").append("changed by a careless caller")

    assert cache.get("fragment:sections") == ["News", "Opinion"]


@pytest.mark.django_db
def test_when_redis_goes_away_copies_stop_being_served_and_the_log_says_so(
    client, settings, page_cache_on, caplog
):
    article = ArticleFactory(headline="Harbour lights restored")
    with private_redis() as server:
        settings.CACHES = {"default": cache_from_url(server.url, socket_timeout_ms=300, local_copies_mb=4)}
        until(listening)
        client.get(article.get_absolute_url())
        until(lambda: served_from_memory(client, article.get_absolute_url()))

        with caplog.at_level(logging.WARNING, logger="newsroom.lib.nearcache"):
            server.stop()
            until(lambda: not cache.local_copies().listening)
        page = client.get(article.get_absolute_url())

    assert page.status_code == 200
    assert "Harbour lights restored" in page.content.decode()
    assert page.get("X-Page-Cache") is None  # rendered, not served from memory, not stored
    assert any("cache copies in memory off" in record.getMessage() for record in caplog.records)


def test_emptying_redis_drops_every_copy(settings):
    with private_redis() as server:
        settings.CACHES = {"default": cache_from_url(server.url, local_copies_mb=4)}
        until(listening)
        cache.set("template.cache.masthead", "<header>", 60)
        read_until_kept("template.cache.masthead")

        redis_client(server.url).flushdb()

        until(lambda: cache.local_copies().read(cache.make_key("template.cache.masthead")) is None)
        assert cache.get("template.cache.masthead") is None


def test_the_rate_limit_counters_are_never_kept_in_memory(settings, redis_url, key_prefix):
    settings.CACHES = {
        "ratelimit": cache_from_url(redis_url, key_prefix=key_prefix, local_copies_mb=4, counters=True)
    }
    counters = caches["ratelimit"]
    counters.set("fragment:hits", 1, 60)
    counters.get("fragment:hits")

    with RoundTrips() as redis_calls:
        assert counters.get("fragment:hits") == 1

    assert counters.local_copies() is None
    assert redis_calls.count == 1
    counters.delete("fragment:hits")


# The copies themselves, without Redis --------------------------------------------------------


def make_copies(max_bytes=1000):
    copies = nearcache.NearCache(new_connection=None, prefixes=["unit:"], max_bytes=max_bytes)
    copies._began_listening()  # as the listener does once Redis confirms the tracking
    return copies


def test_a_value_read_while_a_change_was_heard_is_not_kept():
    copies = make_copies()
    before_the_read = copies.changes_heard()
    copies._heard([b"invalidate", [b"unit:page"]])  # Redis says it changed, mid-read

    copies.keep("unit:page", b"the old page", -1, before_the_read)

    assert copies.read("unit:page") is None


def test_a_kept_string_is_unpickled_once_and_a_kept_dict_on_every_read():
    copies = make_copies()
    serializer = RedisSerializer()  # what the cache stores with
    copies.keep("unit:piece", serializer.dumps("<p>A kept piece</p>"), -1, copies.changes_heard())
    copies.keep("unit:entry", serializer.dumps({"headers": {}}), -1, copies.changes_heard())
    unpickled = []

    def loads(raw):
        unpickled.append(raw)
        return serializer.loads(raw)

    assert copies.value("unit:piece", loads) == "<p>A kept piece</p>"
    assert copies.value("unit:piece", loads) == "<p>A kept piece</p>"
    assert len(unpickled) == 1
    # A reader changing its dict changes nothing for the next reader.
    copies.value("unit:entry", loads)["headers"]["X-Changed"] = "yes"
    assert copies.value("unit:entry", loads) == {"headers": {}}
    assert copies.value("unit:missing", loads, missing="not kept") == "not kept"


def test_the_least_recently_used_copies_go_first_when_the_budget_is_full():
    copies = make_copies(max_bytes=1000)
    for name in ("first", "second", "third"):
        copies.keep(f"unit:{name}", b"x" * 100, -1, copies.changes_heard())
    copies.read("unit:first")  # used again: now the most recent

    copies.keep("unit:fourth", b"x" * 100, -1, copies.changes_heard())
    for name in ("fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh"):
        copies.keep(f"unit:{name}", b"x" * 100, -1, copies.changes_heard())

    assert copies.read("unit:second") is None
    assert copies.read("unit:first") is not None
    assert copies.read("unit:eleventh") is not None


def test_a_value_too_large_for_the_budget_is_not_kept():
    copies = make_copies(max_bytes=1000)

    copies.keep("unit:sitemap", b"x" * 500, -1, copies.changes_heard())

    assert copies.read("unit:sitemap") is None


def test_nothing_is_kept_before_redis_listens():
    copies = nearcache.NearCache(new_connection=None, prefixes=["unit:"], max_bytes=1000)
    copies._listener = "not started in this test"

    copies.keep("unit:page", b"<html>", -1, copies.changes_heard())

    assert copies.read("unit:page") is None


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_worker_starts_with_no_copies_and_no_listener(copies_on):
    cache.set("template.cache.masthead", "<header>", 60)
    read_until_kept("template.cache.masthead")

    child = os.fork()
    if child == 0:  # gunicorn's worker, forked from the loaded master
        copies = caches["default"].local_copies()
        os._exit(
            0
            if copies.read(cache.make_key("template.cache.masthead")) is None and not copies.listening
            else 1
        )
    _, status = os.waitpid(child, 0)

    assert os.waitstatus_to_exitcode(status) == 0
