"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

import os

from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def counters_apart_from_the_page_cache(app_configs, **kwargs):
    # With a shared Redis named only by CACHE_URL, the rate-limit counters sit beside the page
    # cache, whose eviction policy (allkeys-lru) lets anonymous traffic push them out, and a
    # limit that forgets is no limit (docs/deployment.md, "Shared cache").
    if os.environ.get("CACHE_URL", "").startswith(("redis", "unix")) and not os.environ.get(
        "RATELIMIT_CACHE_URL"
    ):
        return [
            Warning(
                "The rate-limit counters share CACHE_URL's Redis with the page cache, which may evict them.",
                hint="Set RATELIMIT_CACHE_URL to a Redis (or database) with maxmemory-policy noeviction.",
                id="newsroom.W001",
            )
        ]
    return []
