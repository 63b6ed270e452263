"""Fixtures for the scale-out tests: the shared Redis with a key prefix of each test's own."""

import os
import uuid

import pytest
import redis

from newsroom.lib.env import cache_from_url


def redis_client(url):
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


@pytest.fixture
def redis_url():
    """The test Redis (tests/environment.py: REDIS_URL or the one `make redis` runs)."""
    url = os.environ["TEST_REDIS_URL"]
    try:
        redis_client(url).ping()
    except redis.RedisError as error:
        pytest.fail(f"No Redis answers at {url} ({error}); `make redis` starts the local one.")
    return url


@pytest.fixture
def key_prefix():
    """Unique to this test, so parallel runs (xdist workers, other checkouts) never share keys;
    nothing here ever flushes a whole Redis database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"test-{worker}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def shared_cache(settings, redis_url, key_prefix):
    """This process's caches on Redis, as CACHE_URL=redis://... configures them."""
    settings.CACHES = {
        "default": cache_from_url(redis_url, key_prefix=key_prefix),
        "ratelimit": cache_from_url(redis_url, key_prefix=key_prefix, counters=True),
    }
    yield redis_url
    client = redis_client(redis_url)
    keys = list(client.scan_iter(match=f"{key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
