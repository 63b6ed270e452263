"""Pieces of pages (rendered HTML, or the rows behind it), kept in the cache under the same
generation numbers as whole pages.

A page-cache miss re-renders a whole page, yet what changed is usually one piece of it: a
new comment moves only its article's generation, a new article elsewhere only the site's.
The costliest pieces of an article page are kept apart so a miss rebuilds only the piece
whose content moved: the comments region (site and article generation), the related
articles and the article with its bylines, tags and corrections (site generation).
Signed-in readers, whose pages are never shared, get the same pieces: those pieces are the
same for every reader.

Entries live no longer than a page would (newsroom/lib/pagecache.py: lifetime), and never
past the moment the piece itself says it changes (comments closing, say). With the cache
unreadable, or FRAGMENT_CACHE_ENABLED off, every piece is rendered each time.
"""

import hashlib
import math

from django.conf import settings
from django.utils import timezone

from newsroom.lib import pagecache
from newsroom.lib.generations import site_generation


def fragment_key(name, generation, parts):
    # Parts may hold what a reader typed (a page number): hashed, so any value makes a valid key.
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f"fragment:{name}:{generation}:{digest}"


def cached(name, parts, compute):
    """What `compute()` makes, from the cache when an entry for `parts` exists.

    `compute()` returns (value, changes_at): changes_at is when the value would be different
    with nothing else changing (None for never); the entry expires by then. A None value
    (nothing found) is not kept. With FRAGMENT_CACHE_ENABLED off, nothing is kept.
    """
    if not settings.FRAGMENT_CACHE_ENABLED:
        return compute()[0]
    return _cached(name, parts, compute)


def kept(name, compute, parts=()):
    """What `compute()` returns, kept under the site generation and never past the next
    scheduled change, even with FRAGMENT_CACHE_ENABLED off (which is about the pieces of
    reader pages): for the little data that nearly every page reads (the site settings, the
    sections, the comment policy, the plans on sale), and for the sitemaps, whose thousands
    of entries cost half a second and tens of megabytes to build for each crawler's request."""
    return _cached(name, parts, lambda: (compute(), None))


def kept_until(name, compute, parts=()):
    """As kept, for a value that changes by itself at a moment it knows: `compute()` returns
    (value, changes_at), and the entry expires by changes_at (None for no such moment)."""
    return _cached(name, parts, compute)


def _cached(name, parts, compute):
    generation = site_generation()
    if generation is None:
        return compute()[0]
    store = pagecache.cache()
    key = fragment_key(name, generation, parts)
    value = store.get(key)
    if value is not None:
        return value
    value, changes_at = compute()
    now = timezone.now()
    seconds = pagecache.lifetime(now)
    if changes_at is not None:
        seconds = min(seconds, math.floor((changes_at - now).total_seconds()))
    if value is not None and seconds >= 1:
        store.set(key, value, seconds)
    return value
