"""Generation numbers for cache keys.

Instead of listing every URL a change affects, cached pages put a generation number in their
key: the site-wide one changes with anything that alters listings (publish, edit, withdraw,
a section or author edited), and each article has its own for what only its page shows
(comments). Bumping a number makes every key built from the old one unreachable at once.
"""

from django.core.cache import cache

SITE_KEY = "generation:site"
ARTICLE_KEY = "generation:article:{}"


def _current(key):
    value = cache.get(key)
    if value is None:
        # add() so two processes starting together agree on the first value.
        cache.add(key, 1, timeout=None)
        value = cache.get(key, 1)
    return value


def _bump(key):
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def site_generation():
    return _current(SITE_KEY)


def bump_site_generation():
    _bump(SITE_KEY)


def article_generation(article_id):
    return _current(ARTICLE_KEY.format(article_id))


def bump_article_generation(article_id):
    _bump(ARTICLE_KEY.format(article_id))
