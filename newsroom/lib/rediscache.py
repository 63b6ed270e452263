"""Django's Redis cache backend, made to degrade instead of failing pages when Redis is down.

Much of the site reads the cache on the way to a page (the page cache, navigation, site
settings, allauth's counters). With Django's RedisCache as it comes, a stopped or unreachable
Redis turns every one of those reads into an error page. Here a read that fails answers "not
cached" and a write that fails is dropped, so pages render from the database, only slower.

Counting is different: `incr` still raises, because a rate limit must know it could not count
(newsroom/lib/ratelimit.py then refuses the attempt, failing closed). The rate-limit counters
have a cache of their own, CountingRedisCache, on which every call raises: there a read that
answered "nothing counted yet" would let everything through.

A cached page is read in one round trip (`read_page`): a small server-side script reads the
site generation, the page stored under it and, for an article page, the article's generation.

After a failure the process stops asking Redis for a few seconds (every call answers at once
as if Redis had failed), so a Redis that does not answer costs one socket timeout, not one per
cache call on every page. The failure is logged once per quiet period, on one line.
"""

import hashlib
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError

logger = logging.getLogger(__name__)

# Seconds without asking Redis after a failure; also the least time between two log lines.
PAUSE_SECONDS = 5

# What read_page answers when Redis could not be asked.
UNAVAILABLE = object()

# KEYS[1] is the site generation's key. The page's key is built from the generation it holds
# (ARGV[1] .. generation .. ARGV[2]); beside the page, under the same key plus ":article",
# an article page stores its article's id, whose generation key is ARGV[3] .. id. Keys are
# built inside the script, so it needs one Redis server (not a cluster), as the cache is.
READ_PAGE_SCRIPT = """
local site = redis.call('GET', KEYS[1])
if not site then return {} end
local page_key = ARGV[1] .. site .. ARGV[2]
local page = redis.call('MGET', page_key, page_key .. ':article')
local article_generation = false
if page[1] and page[2] then article_generation = redis.call('GET', ARGV[3] .. page[2]) end
return {site, page[1], article_generation}
"""
# Redis names a loaded script by the SHA-1 of its text (not a security use of the hash).
READ_PAGE_SHA = hashlib.sha1(READ_PAGE_SCRIPT.encode(), usedforsecurity=False).hexdigest()


class RedisUnavailable(RedisConnectionError):
    """Raised by incr while the backend is pausing after a failure."""


class OneClientPerServer(RedisCacheClient):
    """Django's client builds a new redis.Redis object, with its table of some 170 response
    callbacks, for every cache call; on a page-cache hit that cost more CPU than the hit
    itself. One per server is enough: a redis.Redis is thread-safe and its connections come
    from the same pool either way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    # What a failure means for the site, for the log line.
    failure_means = "pages not cached"

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerServer
        self._made_keys = {}
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self._next_log_at = 0.0
        self._unlogged_failures = 0
        self._last_error = ""

    def _paused(self):
        return time.monotonic() < self._paused_until

    def _failed(self, operation, error):
        now = time.monotonic()
        with self._lock:
            self._paused_until = now + PAUSE_SECONDS
            self._last_error = f"{type(error).__name__}: {error}"
            self._unlogged_failures += 1
            if now < self._next_log_at:
                return
            self._next_log_at = now + PAUSE_SECONDS
            failures, self._unlogged_failures = self._unlogged_failures, 0
        logger.error(
            "cache unavailable, %s for %d s: %s failed (%s: %s); %d failures since last said",
            self.failure_means,
            PAUSE_SECONDS,
            operation,
            type(error).__name__,
            error,
            failures,
        )

    def _attempt(self, operation, call, fallback):
        if self._paused():
            return fallback
        try:
            return call()
        except RedisError as error:
            self._failed(operation, error)
            return fallback

    # Reads answer "not cached", writes are dropped ------------------------------------------

    def get(self, key, default=None, version=None):
        parent = super()
        return self._attempt("get", lambda: parent.get(key, default, version), default)

    def get_many(self, keys, version=None):
        parent = super()
        return self._attempt("get_many", lambda: parent.get_many(keys, version), {})

    def has_key(self, key, version=None):
        parent = super()
        return self._attempt("has_key", lambda: parent.has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        self._attempt("set", lambda: parent.set(key, value, timeout, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._attempt("add", lambda: parent.add(key, value, timeout, version), False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._attempt("touch", lambda: parent.touch(key, timeout, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._attempt("set_many", lambda: parent.set_many(data, timeout, version), list(data))

    def delete(self, key, version=None):
        parent = super()
        return self._attempt("delete", lambda: parent.delete(key, version), False)

    def delete_many(self, keys, version=None):
        parent = super()
        self._attempt("delete_many", lambda: parent.delete_many(keys, version), None)

    # A cached page in one round trip -------------------------------------------------------

    def read_page(self, site_key, page_key_before, page_key_after, article_key_before):
        """(site generation, page entry, article generation), each None when not
        stored, read by one script call; the page's key is page_key_before + the generation +
        page_key_after (page_key_before is a cache key, prefixed as any other). UNAVAILABLE
        when Redis could not be asked."""
        return self._attempt(
            "read_page",
            lambda: self._read_page(site_key, page_key_before, page_key_after, article_key_before),
            UNAVAILABLE,
        )

    def _read_page(self, site_key, page_key_before, page_key_after, article_key_before):
        # One command on one pooled connection, without redis-py's per-command machinery
        # (retries, callbacks, the Script object): on a hit that machinery cost more than the
        # round trip. The script is sent by its digest, and in full if the server lost it.
        arguments = (
            1,
            self._made_key(site_key),
            self._made_key(page_key_before),
            page_key_after,
            self._made_key(article_key_before),
        )
        pool = self._cache._get_connection_pool(write=False)
        connection = pool.get_connection()
        try:
            try:
                connection.send_command("EVALSHA", READ_PAGE_SHA, *arguments)
                answer = connection.read_response()
            except NoScriptError:
                connection.send_command("EVAL", READ_PAGE_SCRIPT, *arguments)
                answer = connection.read_response()
        except BaseException:
            # A reply half read must not be left on the connection for the next caller.
            connection.disconnect()
            raise
        finally:
            pool.release(connection)
        if not answer:
            return None, None, None
        loads = self._cache._serializer.loads
        return tuple(None if value is None else loads(value) for value in answer)

    def _made_key(self, key):
        # The three keys read_page is given are the same few constants on every hit: prefix
        # and validate each once, not three times a request.
        made = self._made_keys.get(key)
        if made is None:
            made = self._made_keys[key] = self.make_and_validate_key(key)
        return made

    # Counting must know it failed -------------------------------------------------------------

    def incr(self, key, delta=1, version=None):
        if self._paused():
            raise RedisUnavailable(f"not asked again yet after {self._last_error}")
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._failed("incr", error)
            raise


class CountingRedisCache(ResilientRedisCache):
    """For the rate-limit counters (CACHES["ratelimit"]): every call that Redis cannot answer
    raises, reads included, and while pausing after a failure every call raises at once, so a
    Redis that hangs costs one socket timeout, not one per limited request."""

    failure_means = "rate-limited requests refused"

    def _attempt(self, operation, call, fallback):
        if self._paused():
            raise RedisUnavailable(f"not asked again yet after {self._last_error}")
        try:
            return call()
        except RedisError as error:
            self._failed(operation, error)
            raise
