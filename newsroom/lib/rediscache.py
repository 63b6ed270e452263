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
Most reads need none: each process keeps copies of what it read, which Redis tells it to drop
when they change (newsroom/lib/nearcache.py; CACHE_LOCAL_COPIES_MB), and a page whose values
are all held in memory is answered without asking Redis at all.

After a failure the process stops asking Redis for a few seconds (every call answers at once
as if Redis had failed), so a Redis that does not answer costs one socket timeout, not one per
cache call on every page. The failure is logged once per quiet period, on one line.
"""

import functools
import hashlib
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError

from newsroom.lib import nearcache

logger = logging.getLogger(__name__)

# Seconds without asking Redis after a failure; also the least time between two log lines.
PAUSE_SECONDS = 5

# What read_page answers when Redis could not be asked.
UNAVAILABLE = object()
# What a copy in memory answers for a key it does not hold.
_NOT_KEPT = object()

# KEYS[1] is the site generation's key. The page's key is built from the generation it holds
# (ARGV[1] .. generation .. ARGV[2]); beside the page, under the same key plus ":article",
# an article page stores its article's id, whose generation key is ARGV[3] .. id. Keys are
# built inside the script, so it needs one Redis server (not a cluster), as the cache is.
# Each value comes with its time to live in milliseconds (PTTL; -1 for none, -2 for no such
# key), so that the copies kept in memory (newsroom/lib/nearcache.py) expire with Redis's.
READ_PAGE_SCRIPT = """
local answer = {false, -2, false, -2, false, -2, false, -2}
local function read(key, at)
  local value = redis.call('GET', key)
  if value then
    answer[at] = value
    answer[at + 1] = redis.call('PTTL', key)
  end
  return value
end
local site = read(KEYS[1], 1)
if not site then return answer end
local page_key = ARGV[1] .. site .. ARGV[2]
if not read(page_key, 3) then return answer end
answer[6] = redis.call('PTTL', page_key)
local article = read(page_key .. ':article', 5)
if article then read(ARGV[3] .. article, 7) end
return answer
"""
# One key's value with its time to live, as above; nil when there is no such key.
READ_WITH_TTL_SCRIPT = """
local value = redis.call('GET', KEYS[1])
if not value then return false end
return {value, redis.call('PTTL', KEYS[1])}
"""


@functools.cache
def _digest(script):
    # Redis names a loaded script by the SHA-1 of its text (not a security use of the hash).
    return hashlib.sha1(script.encode(), usedforsecurity=False).hexdigest()


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
    # Reads may be answered from this process's copies (newsroom/lib/nearcache.py).
    keeps_copies = True

    def __init__(self, server, entry):
        # entry is the CACHES entry. Its OPTIONS go to redis-py's connection pool, all but
        # ours: the byte budget of the copies kept in memory (0: none).
        options = dict(entry.get("OPTIONS", {}))
        copies_max_bytes = options.pop("local_copies_bytes", 0)
        self._copies_max_bytes = copies_max_bytes if self.keeps_copies else 0
        super().__init__(server, {**entry, "OPTIONS": options})
        self._class = OneClientPerServer
        self._made_keys = {}
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self._next_log_at = 0.0
        self._unlogged_failures = 0
        self._last_error = ""
        self._near_cache = None

    def validate_key(self, key):
        # Redis takes any string as a key. Django's check warns about keys memcached would
        # refuse by walking every character of every key in Python: a third of a read answered
        # from the copies in memory, and a page reads about ten.
        pass

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

    # Copies in memory ------------------------------------------------------------------------

    def local_copies(self):
        """This process's NearCache for this server and prefix, or None when none is kept."""
        if self._near_cache is None and self._copies_max_bytes > 0:
            pool = self._cache._get_connection_pool(write=False)

            def new_connection():
                # Invalidation messages are RESP3 pushes on the listener's own connection.
                return pool.connection_class(**{**pool.connection_kwargs, "protocol": 3})

            self._near_cache = nearcache.for_server(
                tuple(self._cache._servers),
                [self.make_key(family) for family in nearcache.KEPT_KEY_FAMILIES],
                self._copies_max_bytes,
                new_connection,
            )
        return self._near_cache

    def _write(self, operation, keys, version, call, fallback):
        """A write, run as _attempt runs it; then this process's copies of the keys it wrote
        are dropped (other processes drop theirs when Redis tells them)."""
        try:
            return self._attempt(operation, call, fallback)
        finally:
            self._forget(keys, version)

    def _forget(self, keys, version):
        copies = self.local_copies()
        if copies is not None:
            kept = [key for key in keys if key.startswith(nearcache.KEPT_KEY_FAMILIES)]
            if kept:
                copies.forget([self.make_and_validate_key(key, version=version) for key in kept])

    # Reads answer "not cached", writes are dropped ------------------------------------------

    def get(self, key, default=None, version=None):
        made = self.make_and_validate_key(key, version=version)
        copies = self.local_copies() if key.startswith(nearcache.KEPT_KEY_FAMILIES) else None
        return self._attempt("get", lambda: self._get(made, default, copies), default)

    def _get(self, key, default, copies):
        if copies is None:
            return self._cache.get(key, default)
        loads = self._cache._serializer.loads
        value = copies.value(key, loads, missing=_NOT_KEPT)
        if value is not _NOT_KEPT:
            return value
        changes_heard = copies.changes_heard()
        answer = self._script(READ_WITH_TTL_SCRIPT, 1, key)
        if answer is None:
            return default
        raw, milliseconds_left = answer
        copies.keep(key, raw, milliseconds_left, changes_heard)
        return loads(raw)

    def get_many(self, keys, version=None):
        parent = super()
        return self._attempt("get_many", lambda: parent.get_many(keys, version), {})

    def has_key(self, key, version=None):
        parent = super()
        return self._attempt("has_key", lambda: parent.has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        self._write("set", [key], version, lambda: parent.set(key, value, timeout, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._write("add", [key], version, lambda: parent.add(key, value, timeout, version), False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._write("touch", [key], version, lambda: parent.touch(key, timeout, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._write(
            "set_many", list(data), version, lambda: parent.set_many(data, timeout, version), list(data)
        )

    def delete(self, key, version=None):
        parent = super()
        return self._write("delete", [key], version, lambda: parent.delete(key, version), False)

    def delete_many(self, keys, version=None):
        parent = super()
        self._write("delete_many", list(keys), version, lambda: parent.delete_many(keys, version), None)

    def clear(self):
        parent = super()
        try:
            return parent.clear()
        finally:
            copies = self.local_copies()
            if copies is not None:
                copies.forget_all()

    # A cached page in one round trip, or none -------------------------------------------------

    def read_page(self, site_key, page_key_before, page_key_after, article_key_before):
        """(site generation, page entry, article generation), each None when not
        stored, read from this process's copies when it holds them all, else by one script
        call; the page's key is page_key_before + the generation + page_key_after
        (page_key_before is a cache key, prefixed as any other). UNAVAILABLE when Redis could
        not be asked."""
        return self._attempt(
            "read_page",
            lambda: self._read_page(
                self._made_key(site_key),
                self._made_key(page_key_before),
                page_key_after,
                self._made_key(article_key_before),
            ),
            UNAVAILABLE,
        )

    def _read_page(self, site_key, page_key_before, page_key_after, article_key_before):
        copies = self.local_copies()
        raws = (
            None
            if copies is None
            else self._page_from_copies(copies, site_key, page_key_before, page_key_after, article_key_before)
        )
        if raws is None:
            changes_heard = None if copies is None else copies.changes_heard()
            answer = self._script(
                READ_PAGE_SCRIPT, 1, site_key, page_key_before, page_key_after, article_key_before
            )
            site, site_ms, page, page_ms, article, article_ms, article_gen, article_gen_ms = answer
            if copies is not None and site is not None:
                copies.keep(site_key, site, site_ms, changes_heard)
                if page is not None:
                    page_key = f"{page_key_before}{site.decode()}{page_key_after}"
                    copies.keep(page_key, page, page_ms, changes_heard)
                    # b"" remembers that the page has no article: without it, a page that is
                    # not an article's could never be answered from the copies alone.
                    copies.keep(f"{page_key}:article", article or b"", article_ms, changes_heard)
                    if article is not None and article_gen is not None:
                        article_key = f"{article_key_before}{article.decode()}"
                        copies.keep(article_key, article_gen, article_gen_ms, changes_heard)
            raws = (site, page, article_gen)
        loads = self._cache._serializer.loads
        return tuple(None if raw is None else loads(raw) for raw in raws)

    @staticmethod
    def _page_from_copies(copies, site_key, page_key_before, page_key_after, article_key_before):
        """The three values read_page answers, as bytes, when every one is held in memory."""
        site = copies.read(site_key)
        if site is None:
            return None
        page_key = f"{page_key_before}{site.decode()}{page_key_after}"
        page = copies.read(page_key)
        article = None if page is None else copies.read(f"{page_key}:article")
        if article is None:
            return None
        if article == b"":
            return site, page, None
        article_gen = copies.read(f"{article_key_before}{article.decode()}")
        if article_gen is None:
            return None
        return site, page, article_gen

    def _script(self, script, *arguments):
        # One command on one pooled connection, without redis-py's per-command machinery
        # (retries, callbacks, the Script object): on a hit that machinery cost more than the
        # round trip. The script is sent by its digest, and in full if the server lost it.
        pool = self._cache._get_connection_pool(write=False)
        connection = pool.get_connection()
        try:
            try:
                connection.send_command("EVALSHA", _digest(script), *arguments)
                return connection.read_response()
            except NoScriptError:
                connection.send_command("EVAL", script, *arguments)
                return connection.read_response()
        except BaseException:
            # A reply half read must not be left on the connection for the next caller.
            connection.disconnect()
            raise
        finally:
            pool.release(connection)

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
        finally:
            self._forget([key], version)


class CountingRedisCache(ResilientRedisCache):
    """For the rate-limit counters (CACHES["ratelimit"]): every call that Redis cannot answer
    raises, reads included, and while pausing after a failure every call raises at once, so a
    Redis that hangs costs one socket timeout, not one per limited request."""

    failure_means = "rate-limited requests refused"
    # A count read from memory could lag a count another process just made.
    keeps_copies = False

    def _attempt(self, operation, call, fallback):
        if self._paused():
            raise RedisUnavailable(f"not asked again yet after {self._last_error}")
        try:
            return call()
        except RedisError as error:
            self._failed(operation, error)
            raise
