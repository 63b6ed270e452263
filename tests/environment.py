"""Loaded by pytest as a plugin (`-p tests.environment`), before pytest-django reads the
settings, so the suite runs in production mode (DEBUG off) with test-only secrets."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-test-suite-only-0123456789abcdef")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
# Playwright's sync API runs an event loop in the test thread; the ORM beside it is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The anonymous page cache is switched on only by the tests about it (tests/performance/):
# elsewhere a test changes data inside a transaction that never commits, so the generation
# bumps that would drop a cached page never happen.
os.environ.setdefault("PAGE_CACHE_ENABLED", "false")
# The Redis that the shared-cache tests (tests/scale_out/) use: REDIS_URL when given, else the
# project-local server that `make redis` (a prerequisite of `make test`) runs on a Unix socket.
# Those tests give every test its own key prefix, so parallel processes never share a key; the
# rest of the suite keeps the local-memory cache.
_local_redis_socket = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var", "redis", "redis.sock"
)
os.environ.setdefault("TEST_REDIS_URL", os.environ.get("REDIS_URL") or f"unix://{_local_redis_socket}")
