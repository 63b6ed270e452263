"""Generation numbers for cache keys.

Instead of listing every URL a change affects, cached pages put a generation number in their
key: the site-wide one changes with anything that alters listings (publish, edit, withdraw,
a section or author edited), and each article has its own for what only its page shows
(comments). Bumping a number makes every key built from the old one unreachable at once.

The cache may be a Redis that is down or not answering. Reading a generation then gives None,
which the page cache takes as "do not cache this page" (pages still render); a bump that fails
is logged, and the page cache's own lifetimes bound how long an old page can outlive it. The
same events ask the CDN purger (newsroom/lib/purge.py) to drop copies outside our control.
"""

import logging

from django.core.cache import cache

from newsroom.lib import purge

logger = logging.getLogger(__name__)

SITE_KEY = "generation:site"
ARTICLE_KEY = "generation:article:{}"


def _current(key):
    try:
        value = cache.get(key)
        if value is None:
            # add() so two processes starting together agree on the first value.
            cache.add(key, 1, timeout=None)
            value = cache.get(key, 1)
    except Exception as error:
        logger.error(
            "cache generation %s unreadable, pages not cached: %s: %s", key, type(error).__name__, error
        )
        return None
    return value


def _bump(key):
    try:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 2, timeout=None)
    except Exception as error:
        # Runs after commit: failing here would turn a saved change into an error page.
        logger.error(
            "cache generation %s not bumped, cached pages may be stale until they expire: %s: %s",
            key,
            type(error).__name__,
            error,
        )


def site_generation():
    return _current(SITE_KEY)


def bump_site_generation():
    _bump(SITE_KEY)


def article_generation(article_id):
    return _current(ARTICLE_KEY.format(article_id))


def bump_article_generation(article_id):
    _bump(ARTICLE_KEY.format(article_id))
    # Comments changed on this article's page: its own URL is the one a CDN must drop.
    purge.article_page_changed(article_id)
