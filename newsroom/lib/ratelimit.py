"""Sliding-window rate limits on the counters cache.

`hit(scope, identity, limit=5, period=60)` counts one attempt for `identity` (an IP address, an
account id, an email address) in `scope` and says whether it is allowed; `peek` says what the
next attempt would get without counting one. `cost` counts several at once (a share to four
people costs four).

How the window slides: time is cut into slices of a twelfth of the period, and every attempt
is counted in the slice it falls in, by an atomic increment; each slice also keeps the time of
its latest allowed attempt. An attempt is allowed when the slices still in the window hold at
most `limit`, where a slice leaves the window a period after its latest attempt. So no run of
`period` seconds ever holds more than `limit` allowed attempts, at the turn of a window or
anywhere else; the price is that an early attempt in a slice is forgotten only with the
slice's latest one. We chose this over a sorted set of attempt times (exact, but a Lua script
for Redis and a second implementation for the local-memory cache) and over the two-counter
weighted estimate (cheaper, but it can let nearly twice the limit through in one period): it
needs only add, incr, set and get_many, so every Django cache backend runs it the same way.

Concurrent attempts are safe because each one's own slice is counted by one increment, which
hands every attempt a different number; an attempt that lands as a new slice starts also reads
the newer slice, so of two attempts racing across the boundary one always sees the other.

A refused attempt is taken back out of the count, so `retry_after` is truthful: wait that long
and the next attempt passes (unless others counted under the same identity got there first).

The counters live in their own cache, CACHES["ratelimit"] (RATELIMIT_CACHE_URL; the default
cache's server when unset). In production that is a Redis that never evicts keys: counters
sharing an evicting cache with the page cache could be pushed out by anonymous traffic. If the
counters cannot be read or written, the attempt is refused: a limit that silently stops
counting is how a form becomes a spam cannon.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.utils.connection import ConnectionProxy

logger = logging.getLogger(__name__)

SLICES = 12

# The cache the counters (and other things that must not be evicted, such as used form stamps)
# are kept in; its backend raises when Redis cannot answer (newsroom/lib/rediscache.py).
counters = ConnectionProxy(caches, "ratelimit")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int  # attempts in the window, this one included
    retry_after: int  # seconds until an attempt like this one would be allowed; 0 when it is
    unavailable: bool = False  # refused because the counters could not be reached


def _slice_seconds(period):
    return max(1, math.ceil(period / SLICES))


def _key(scope, identity, period, index):
    # Identities may be email addresses: hash them so keys are short and safe for any backend.
    digest = hashlib.sha256(str(identity).lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{period}:{index}"


def _window(now, period):
    """The slices that may hold attempts of the last `period` seconds, oldest first."""
    width = _slice_seconds(period)
    return range(int((now - period) // width), int(now // width) + 1)


@dataclass(frozen=True)
class _Slice:
    count: int
    last: float | None  # when its latest allowed attempt was made

    def leaves_window_at(self, index, period):
        """When this slice stops being counted: a period after its latest attempt, or when
        that is not known, a period after the slice's end."""
        if self.last is not None:
            return self.last + period
        return (index + 1) * _slice_seconds(period) + period


def _read(scope, identity, period, indexes):
    names = {}
    for index in indexes:
        key = _key(scope, identity, period, index)
        names[key] = ("count", index)
        names[key + ":last"] = ("last", index)
    found = {names[key]: value for key, value in counters.get_many(list(names)).items()}
    return {
        index: _Slice(count=int(found.get(("count", index), 0)), last=found.get(("last", index)))
        for index in indexes
        if found.get(("count", index))
    }


def _counted(slices, period, now):
    return {index: piece for index, piece in slices.items() if piece.leaves_window_at(index, period) > now}


def _seconds_until_room(slices, *, needed, limit, period, now):
    """How long until enough of the oldest attempts have left the window for `needed` more."""
    if needed > limit:
        # More at once than the limit ever allows: no wait makes room. Say "a whole window".
        return period + _slice_seconds(period)
    remaining = sum(piece.count for piece in slices.values())
    if remaining + needed <= limit:
        return 0
    leaving = sorted((piece.leaves_window_at(index, period), piece.count) for index, piece in slices.items())
    for leaves_at, count in leaving:
        remaining -= count
        if remaining + needed <= limit:
            return max(1, math.ceil(leaves_at - now))
    return period + _slice_seconds(period)


def hit(scope, identity, *, limit, period, cost=1):
    """Count an attempt (of `cost` units) and return the Verdict; a refused one is not kept."""
    now = time.time()
    window = _window(now, period)
    current = window[-1]
    key = _key(scope, identity, period, current)
    # Long enough to outlive the window the slice is counted in, so nothing accumulates.
    timeout = period + 2 * _slice_seconds(period)
    try:
        counters.add(key, 0, timeout=timeout)
        mine = counters.incr(key, cost)
        # If a new slice began meanwhile, read it too: see "Concurrent attempts" above.
        slices = _read(scope, identity, period, range(window[0], _window(time.time(), period)[-1] + 1))
        own = slices.get(current, _Slice(count=0, last=None))
        slices[current] = _Slice(count=mine, last=own.last)
        slices = _counted(slices, period, now)
        count = sum(piece.count for piece in slices.values())
        if count <= limit:
            # Written after counting: of two attempts allowed in the same instant the earlier
            # one's time may be kept, milliseconds apart, which the window does not notice.
            counters.set(key + ":last", now, timeout=timeout)
            return Verdict(allowed=True, count=count, retry_after=0)
        counters.decr(key, cost)
    except Exception as error:
        _log_refusal(scope, error)
        return Verdict(allowed=False, count=limit + cost, retry_after=period, unavailable=True)
    slices[current] = _Slice(count=mine - cost, last=own.last)
    wait = _seconds_until_room(slices, needed=cost, limit=limit, period=period, now=now)
    return Verdict(allowed=False, count=count, retry_after=wait)


def peek(scope, identity, *, limit, period, cost=1):
    """The Verdict an attempt of `cost` would get now, without counting it. Its count is the
    attempts already in the window."""
    now = time.time()
    try:
        slices = _counted(_read(scope, identity, period, _window(now, period)), period, now)
    except Exception as error:
        _log_refusal(scope, error)
        return Verdict(allowed=False, count=limit, retry_after=period, unavailable=True)
    count = sum(piece.count for piece in slices.values())
    wait = _seconds_until_room(slices, needed=cost, limit=limit, period=period, now=now)
    return Verdict(allowed=count + cost <= limit, count=count, retry_after=wait)


def limit_reached(scope, identity, *, limit, period):
    return not hit(scope, identity, limit=limit, period=period).allowed


def _log_refusal(scope, error):
    # One line, no traceback: while Redis is down every limited request logs this, and the
    # line must say which limit refused whom and why without burying the rest of the log.
    logger.error(
        "rate limit %r refused the attempt: the cache could not count (%s: %s)",
        scope,
        type(error).__name__,
        error,
    )
