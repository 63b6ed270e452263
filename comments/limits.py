"""How many comments someone posted in the last minute, kept in the cache.

Signed-in readers are counted by account, others by IP address. Each key holds the times of
recent posts, so the window slides: no burst is allowed at the turn of a minute.
"""

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def _key(user, ip_address):
    if user is not None and user.is_authenticated:
        return f"comments:posts:user:{user.pk}"
    return f"comments:posts:ip:{ip_address or 'unknown'}"


def _recent(key, now):
    return [stamp for stamp in cache.get(key, []) if stamp > now - WINDOW_SECONDS]


def recent_post_count(user, ip_address):
    return len(_recent(_key(user, ip_address), time.time()))


def record_post(user, ip_address):
    key = _key(user, ip_address)
    now = time.time()
    cache.set(key, [*_recent(key, now), now], timeout=WINDOW_SECONDS)
