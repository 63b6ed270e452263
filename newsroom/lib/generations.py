"""Reading the generation numbers that cached pages and pieces put in their keys.

The site's number moves with anything that changes listings or the furniture of every page;
each article has its own for what only its page shows (comments). Only newsroom/changes.py
moves them; this module reads them.

The cache may be a Redis that is down or not answering. Reading a generation then gives None,
which the page cache and the pieces take as "do not keep this" (pages still render).
"""

import logging
import time
from contextvars import ContextVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

SITE_KEY = "generation:site"
ARTICLE_KEY = "generation:article:{}"

# The generations as the current request first read them, by key (newsroom/middleware.py holds
# one dict per request). Every piece of a page is then kept under the numbers the page itself is
# kept under, so a change announced while the page renders cannot mix old and new pieces, and a
# page of ten pieces asks the cache for each number once, not ten times.
_this_request = ContextVar("generations_this_request", default=None)


def fresh_number():
    """A first value for a generation: the microseconds since the epoch. A cache emptied or
    restarted starts its numbers above every one it held before, so nothing kept under an
    earlier life of the cache (SingletonModel.current's row, a page in a proxy) can be
    mistaken for current."""
    return time.time_ns() // 1000


def _current(key):
    try:
        value = cache.get(key)
        if value is None:
            # add() so two processes starting together agree on the first value.
            cache.add(key, fresh_number(), timeout=None)
            value = cache.get(key)
    except Exception as error:
        logger.error(
            "cache generation %s unreadable, pages not cached: %s: %s", key, type(error).__name__, error
        )
        return None
    return value


class one_reading_per_request:  # named as the function it replaced, and used like one
    """Around a request: the generations it reads are read once. A class rather than a
    @contextmanager generator, which cost a cached page's hit a microsecond more."""

    def __enter__(self):
        self._token = _this_request.set({})

    def __exit__(self, *exc):
        _this_request.reset(self._token)


def read_for_this_request(generation):
    """The page cache read the number already (with the page, in one call): keep it."""
    held = _this_request.get()
    if held is not None:
        held[SITE_KEY] = generation


def _read_once(key):
    held = _this_request.get()
    if held is None:
        return _current(key)
    if key not in held:
        held[key] = _current(key)
    return held[key]


def site_generation():
    return _read_once(SITE_KEY)


def article_generation(article_id):
    # Read once per request too: the page and its comments piece are kept under one number.
    return _read_once(ARTICLE_KEY.format(article_id))
