"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


# A partner's token opens the articles not yet published: guessable ones must not reach
# production.
SHORTEST_PARTNER_TOKEN = 32


@register(Tags.security, deploy=True)
def partner_tokens_are_long(app_configs, **kwargs):
    short = [token for token in settings.NINJS_PARTNER_TOKENS if len(token) < SHORTEST_PARTNER_TOKEN]
    if not short:
        return []
    return [
        Error(
            f"{len(short)} of NINJS_PARTNER_TOKENS is shorter than {SHORTEST_PARTNER_TOKEN} characters; "
            "a token opens the articles not yet published, so it must not be guessable.",
            hint='Make each with: python -c "import secrets; print(secrets.token_urlsafe(32))"',
            id="newsroom.E001",
        )
    ]
