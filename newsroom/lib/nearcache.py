"""Copies of Redis cache entries in each process's memory, kept exact by Redis itself.

A page-cache hit read from Redis waits for a round trip, and on a busy machine the wait cost
more than the rest of the hit: served from each worker's memory, the same pages went 1.8 times
as fast. Memory alone would not do, though: a worker must stop serving a page the moment
another process moves a generation. So each process keeps the entries it read from Redis
(newsroom/lib/rediscache.py asks here first), and Redis says when one changes:

- **Redis tells us.** One connection per process asks Redis, with server-assisted client-side
  caching (`CLIENT TRACKING ON BCAST PREFIX ...`, one prefix per kept family of keys), to say
  whenever such a key is written, deleted, evicted or expires; a thread of ours listens on it and
  drops the copy it names (all of them after a FLUSHDB). Generation numbers, the only keys
  whose value moves, are covered like every other.
- **Redis's own expiry holds.** A copy carries the time to live Redis gave with the value, and
  is not served past it, whether or not Redis has got round to deleting the key.
- **A read that raced a change is not kept.** Every change heard moves a counter; a value read
  from Redis is kept only if the counter did not move while it was being read.
- **This process's own writes drop its copy at once**, without waiting to hear it from Redis.
- **No listener, no copies.** Until the connection is listening, and from the moment it fails
  (Redis restarted or unreachable) until it listens again, nothing is kept or served from
  memory: every read goes to Redis, as it did before this module.

Only the read path's own keys are kept and tracked (KEPT_KEY_FAMILIES): what nearly every
page reads. Other keys (a reader's "already counted" mark, say) are written far more often
than read again, and tracking them would wake every process on each write for nothing.

Copies are the bytes Redis sent. A value that nobody can change (a string, a number, a time:
IMMUTABLE_TYPES, which is what pieces, generations and the masthead are) is unpickled once and
the same object handed to every reader; anything else is unpickled on each read, so no caller
can change what the next one gets. They are bounded by a byte budget per process
(CACHE_LOCAL_COPIES_MB), least recently used out first.

Why not redis-py's client-side cache: it tracks keys per pooled connection, and a connection
learns of a change only when it is next used, while another connection of the pool serves the
old copy meanwhile; and each hit still goes through the pool and the command machinery.
"""

import datetime
import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from time import monotonic

logger = logging.getLogger(__name__)

# The keys kept, by how they begin (before the cache's prefix and version), with who writes
# them: the generation numbers (newsroom/changes.py, newsroom/lib/generations.py), whole pages
# (newsroom/lib/pagecache.py), pieces and the little data every page reads
# (newsroom/lib/fragments.py), the masthead and footer (Django's {% cache %} in base.html),
# and the next scheduled change (pagecache.next_scheduled_change).
KEPT_KEY_FAMILIES = ("generation:", "page:", "fragment:", "template.cache.", "pagecache:next-change:")

# Seconds the listener waits for a message before checking that Redis is still there.
IDLE_CHECK_SECONDS = 5
# Seconds between two attempts to listen again after a failure.
RETRY_SECONDS = 1
# A value larger than this share of the budget is not kept (a sitemap of a megabyte would
# push out hundreds of pages).
LARGEST_SHARE = 8

# Values of these types cannot be changed by whoever reads them, so one object serves every
# read of a copy. A page built from kept pieces unpickled the same strings on every render,
# about a twentieth of its time.
IMMUTABLE_TYPES = (str, bytes, int, float, datetime.datetime, datetime.date, type(None))

# An entry's value before anyone has asked for it decoded.
_NOT_DECODED = object()


class NearCache:
    """The copies of one cache (one Redis server and key prefix) in this process."""

    def __init__(self, new_connection, prefixes, max_bytes):
        # new_connection() makes a redis-py connection to the cache's server, speaking RESP3;
        # prefixes are the full keys' beginnings Redis is asked to tell us about.
        self._new_connection = new_connection
        self._prefixes = tuple(prefixes)
        self._max_bytes = max_bytes
        self._reset()

    def _reset(self):
        self._lock = threading.Lock()
        # key -> [raw bytes, expires_at on monotonic() or None, decoded value or _NOT_DECODED]
        self._copies = OrderedDict()
        self._bytes = 0
        self._changes_heard = 0
        self._listening = False
        self._listener = None
        self._said_off = False

    @property
    def listening(self):
        """Whether Redis is telling this process of changes (only then are copies served)."""
        return self._listening

    # Reading and keeping ---------------------------------------------------------------------

    def read(self, key):
        """The bytes kept for `key`, or None (not kept, expired, or not listening)."""
        copy = self._entry(key)
        return None if copy is None else copy[0]

    def value(self, key, decode, missing=None):
        """What decode() makes of the bytes kept for `key`, or `missing` when none are kept.
        An immutable value is decoded once and kept beside its bytes."""
        copy = self._entry(key)
        if copy is None:
            return missing
        value = copy[2]
        if value is _NOT_DECODED:
            value = decode(copy[0])
            if isinstance(value, IMMUTABLE_TYPES):
                # Two threads may both decode it: each keeps an equal object, no harm done.
                copy[2] = value
        return value

    def _entry(self, key):
        if not self._listening:
            self._start_listener()
            return None
        with self._lock:
            copy = self._copies.get(key)
            if copy is None:
                return None
            expires_at = copy[1]
            if expires_at is not None and expires_at <= monotonic():
                self._remove(key)
                return None
            self._copies.move_to_end(key)
            return copy

    def changes_heard(self):
        """Taken before reading from Redis, and given back to keep()."""
        return self._changes_heard

    def keep(self, key, raw, milliseconds_left, changes_heard_before):
        """Keep what Redis answered for `key`, with its time to live (PTTL: -1 for none),
        unless a change was heard since the read began."""
        size = len(raw)
        if not self._listening or size > self._max_bytes // LARGEST_SHARE:
            return
        expires_at = None if milliseconds_left < 0 else monotonic() + milliseconds_left / 1000
        with self._lock:
            if self._changes_heard != changes_heard_before:
                return
            self._remove(key)
            self._copies[key] = [raw, expires_at, _NOT_DECODED]
            self._bytes += size
            while self._bytes > self._max_bytes:
                _, oldest = self._copies.popitem(last=False)
                self._bytes -= len(oldest[0])

    def forget(self, keys):
        """This process changed `keys` in Redis: drop them now, not when Redis says so."""
        with self._lock:
            self._changes_heard += 1
            for key in keys:
                self._remove(key)

    def forget_all(self):
        with self._lock:
            self._changes_heard += 1
            self._copies.clear()
            self._bytes = 0

    def _remove(self, key):
        copy = self._copies.pop(key, None)
        if copy is not None:
            self._bytes -= len(copy[0])

    # Listening -----------------------------------------------------------------------------

    def _start_listener(self):
        if self._listener is not None:
            return
        with self._lock:
            if self._listener is not None:
                return
            self._listener = threading.Thread(
                target=_listen,
                args=(weakref.ref(self), self._new_connection, self._prefixes),
                name="nearcache-listener",
                daemon=True,
            )
        self._listener.start()

    def _heard(self, message):
        # A RESP3 push: [b"invalidate", [key, ...]], or [b"invalidate", None] after a flush.
        keys = message[1]
        if keys is None:
            self.forget_all()
        else:
            self.forget(key.decode() for key in keys)

    def _began_listening(self):
        # Whatever was read before Redis began telling us of changes may be stale already.
        self.forget_all()
        self._listening = True
        self._said_off = False

    def _stopped_listening(self, error):
        self._listening = False
        self.forget_all()
        # Once per outage (a listener retries every second), or once if it never listened.
        if not self._said_off:
            self._said_off = True
            logger.warning(
                "cache copies in memory off until Redis answers again, every read goes to Redis: %s: %s",
                type(error).__name__,
                error,
            )


def _listen(near_cache_ref, new_connection, prefixes):
    """The listener thread: hold one tracking connection, drop copies as Redis names them.
    It ends when its NearCache is gone (a test's settings replaced the cache, say)."""
    while True:
        connection = None
        try:
            near_cache = near_cache_ref()
            if near_cache is None:
                return
            connection = new_connection()
            connection.connect()
            # redis-py delivers RESP3 invalidation pushes only to this handler (its own
            # client-side cache sets it the same way); read_response then returns None.
            connection._parser.set_invalidation_push_handler(near_cache._heard)
            connection.send_command(
                "CLIENT",
                "TRACKING",
                "ON",
                "BCAST",
                *(word for prefix in prefixes for word in ("PREFIX", prefix)),
            )
            connection.read_response()
            near_cache._began_listening()
            del near_cache  # between messages, hold no reference that would keep it alive
            while True:
                if connection.can_read(timeout=IDLE_CHECK_SECONDS):
                    connection.read_response(push_request=True)
                    continue
                if near_cache_ref() is None:
                    connection.disconnect()
                    return
                # Quiet for a while: make sure Redis is still there (a half-open TCP
                # connection would otherwise hide a restart that forgot our tracking).
                connection.send_command("PING")
                while connection.read_response(push_request=True) is None:
                    pass
        except Exception as error:
            near_cache = near_cache_ref()
            if near_cache is not None:
                near_cache._stopped_listening(error)
            del near_cache
            if connection is not None:
                connection.disconnect()
            time.sleep(RETRY_SECONDS)


# One NearCache per server and key prefix in a process, shared by the cache objects Django makes
# for each thread; gone when no cache object holds it.
_near_caches = weakref.WeakValueDictionary()
_near_caches_lock = threading.Lock()


def for_server(server, prefixes, max_bytes, new_connection):
    prefixes = tuple(prefixes)
    with _near_caches_lock:
        near_cache = _near_caches.get((server, prefixes))
        if near_cache is None:
            near_cache = _near_caches[(server, prefixes)] = NearCache(new_connection, prefixes, max_bytes)
        return near_cache


def _after_fork_in_child():
    # gunicorn forks its workers from a loaded master: a child has none of the master's
    # threads, so its copies would never hear of a change. Each child starts empty.
    for near_cache in list(_near_caches.values()):
        near_cache._reset()


os.register_at_fork(after_in_child=_after_fork_in_child)
