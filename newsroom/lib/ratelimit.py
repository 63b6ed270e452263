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
    except Exception:
        logger.exception("rate limit %s: the cache refused to count; refusing the attempt", scope)
        return Verdict(allowed=False, count=limit + 1, retry_after=period)
    return Verdict(allowed=count <= limit, count=count, retry_after=retry_after)


def peek(scope, identity, *, limit, period):
    """The Verdict the next attempt would get, without counting one."""
    now = int(time.time())
    window_start = now - now % period
    count = cache.get(_key(scope, identity, window_start), 0)
    return Verdict(allowed=count < limit, count=count, retry_after=window_start + period - now)


def limit_reached(scope, identity, *, limit, period):
    return not hit(scope, identity, limit=limit, period=period).allowed
