"""Django's Redis cache backend, made to degrade instead of failing pages when Redis is down.

Much of the site reads the cache on the way to a page (the page cache, navigation, site
settings, allauth's counters). With Django's RedisCache as it comes, a stopped or unreachable
Redis turns every one of those reads into an error page. Here a read that fails answers "not
cached" and a write that fails is dropped, so pages render from the database, only slower.

Counting is different: `incr` still raises, because a rate limit must know it could not count
(newsroom/lib/ratelimit.py then refuses the attempt, failing closed). The rate-limit counters
have a cache of their own, CountingRedisCache, on which every call raises: there a read that
answered "nothing counted yet" would let everything through.

After a failure the process stops asking Redis for a few seconds (every call answers at once
as if Redis had failed), so a Redis that does not answer costs one socket timeout, not one per
cache call on every page. The failure is logged once per quiet period, on one line.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds without asking Redis after a failure; also the least time between two log lines.
PAUSE_SECONDS = 5


class RedisUnavailable(RedisConnectionError):
    """Raised by incr while the backend is pausing after a failure."""


class ResilientRedisCache(RedisCache):
    # What a failure means for the site, for the log line.
    failure_means = "pages not cached"

    def __init__(self, server, params):
        super().__init__(server, params)
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
