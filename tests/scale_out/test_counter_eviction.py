"""Rate-limit counters live where nothing evicts them.

The page cache's Redis runs `allkeys-lru` under a memory limit, so anonymous traffic making
many distinct pages pushes old keys out. Counters kept there would be pushed out too, and a
limit whose counter is gone starts again from zero. With the production shape, a second Redis
with `noeviction` for the counters (RATELIMIT_CACHE_URL), a flood of pages touches none of them.
"""

import pytest
from django.core.cache import caches

from newsroom.lib import ratelimit
from newsroom.lib.env import cache_from_url
from tests.scale_out.conftest import redis_client
from tests.scale_out.processes import private_redis

DAY = 24 * 60 * 60
RECIPIENTS = [f"reader{number}@example.net" for number in range(379)]
PAGE = "<html>" + "x" * 30_000 + "</html>"


def pages_redis():
    return private_redis("--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru")


def counters_redis():
    return private_redis("--maxmemory", "4mb", "--maxmemory-policy", "noeviction")


def use(settings, *, pages_url, counters_url):
    settings.CACHES = {
        "default": cache_from_url(pages_url, key_prefix="site"),
        "ratelimit": cache_from_url(counters_url, key_prefix="site", counters=True),
    }


def count_one_share_to_everyone():
    for address in RECIPIENTS:
        assert ratelimit.hit("share-recipient", address, limit=3, period=DAY).allowed


def flood_the_page_cache(pages):
    # What hundreds of distinct anonymous URLs do to the page cache: each a new entry.
    for number in range(400):
        caches["default"].set(f"page:/politics/?utm_source=probe{number}", PAGE, timeout=600)
    assert redis_client(pages.url).info("stats")["evicted_keys"] > 0


def counters_still_holding_one():
    return sum(
        ratelimit.peek("share-recipient", address, limit=3, period=DAY).count == 1 for address in RECIPIENTS
    )


def test_flooding_the_page_cache_leaves_every_counter_in_its_own_redis(settings):
    with pages_redis() as pages, counters_redis() as counters:
        use(settings, pages_url=pages.url, counters_url=counters.url)
        count_one_share_to_everyone()

        flood_the_page_cache(pages)

        assert counters_still_holding_one() == len(RECIPIENTS)
        assert redis_client(counters.url).info("stats")["evicted_keys"] == 0


def test_in_one_evicting_redis_the_same_flood_loses_counters(settings):
    """The shape the deployment guide used to recommend, to show the flood above is real."""
    with pages_redis() as shared:
        use(settings, pages_url=shared.url, counters_url=shared.url)
        count_one_share_to_everyone()

        flood_the_page_cache(shared)

        assert counters_still_holding_one() < len(RECIPIENTS) / 2


@pytest.mark.parametrize("scope", ["share-recipient", "comments", "login-ip"])
def test_a_full_counters_redis_refuses_attempts_rather_than_forgetting(settings, scope):
    with pages_redis() as pages, counters_redis() as counters:
        use(settings, pages_url=pages.url, counters_url=counters.url)
        assert ratelimit.hit(scope, "before", limit=3, period=60).allowed
        filler = redis_client(counters.url)
        for number in range(100):
            filler.set(f"filler:{number}", "y" * 10_000)
        # Now more is held than the limit allows: full, as a busy day could make it.
        filler.config_set("maxmemory", "1mb")

        verdict = ratelimit.hit(scope, "after", limit=3, period=60)

        assert (verdict.allowed, verdict.unavailable) == (False, True)
        # Nothing was evicted to make room: the earlier counter is still there.
        assert filler.keys(f"*ratelimit:{scope}:*")
        assert filler.info("stats")["evicted_keys"] == 0
