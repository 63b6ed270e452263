"""Fixed-window rate limits on the shared cache.

`limit_reached(scope, identity, limit=5, period=60)` counts one attempt for `identity` (an IP
address, an account id, an email address) in `scope` and says whether the limit is passed.
With several app servers the cache must be shared (CACHE_URL) for the limits to hold across
them. If the cache cannot count, the attempt is refused: a limit that silently stops counting
is how a form becomes a spam cannon.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window resets


def _key(scope, identity, window_start):
    # Identities may be email addresses: hash them so keys are short and safe for any backend.
    digest = hashlib.sha256(str(identity).lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window_start}"


def hit(scope, identity, *, limit, period):
    """Count one attempt and return the Verdict."""
    now = int(time.time())
    window_start = now - now % period
    key = _key(scope, identity, window_start)
    retry_after = window_start + period - now
    try:
        cache.add(key, 0, timeout=period + 1)
        count = cache.incr(key)
    except Exception as error:
        _log_refusal(scope, error)
        return Verdict(allowed=False, count=limit + 1, retry_after=period)
    return Verdict(allowed=count <= limit, count=count, retry_after=retry_after)


def _log_refusal(scope, error):
    # One line, no traceback: while Redis is down every limited request logs this, and the
    # line must say which limit refused whom and why without burying the rest of the log.
    logger.error(
        "rate limit %r refused the attempt: the cache could not count (%s: %s)",
        scope,
        type(error).__name__,
        error,
    )


def _current_count(key):
    # An increment by zero reads the count and, unlike get(), raises when the cache cannot
    # answer: the Redis backend turns failed reads into "not cached" (newsroom/lib/rediscache.py),
    # which here would read as "no attempts yet".
    try:
        return cache.incr(key, 0)
    except ValueError:  # no attempt in this window yet
        return 0


def peek(scope, identity, *, limit, period):
    """The Verdict the next attempt would get, without counting one."""
    now = int(time.time())
    window_start = now - now % period
    try:
        count = _current_count(_key(scope, identity, window_start))
    except Exception as error:
        _log_refusal(scope, error)
        return Verdict(allowed=False, count=limit, retry_after=period)
    return Verdict(allowed=count < limit, count=count, retry_after=window_start + period - now)


def limit_reached(scope, identity, *, limit, period):
    return not hit(scope, identity, limit=limit, period=period).allowed
