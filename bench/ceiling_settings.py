"""Settings for the bench's full-middleware ceiling: the site's own settings and middleware,
one URL that returns fixed bytes (bench/ceiling_urls.py), and no page cache. Served by the same
gunicorn configuration as the site, it shows the fastest a page can be through everything the
site runs on each request (bench/minimal_settings.py is the ceiling without it)."""

from newsroom.settings import *  # noqa: F403 - the same settings, on purpose

ROOT_URLCONF = "bench.ceiling_urls"
PAGE_CACHE_ENABLED = False
