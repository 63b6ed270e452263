"""SITE_URL's default follows the port the site is served on: `make run PORT=8100` must not
write 127.0.0.1:8000 into canonical links, feeds, sitemaps and emails."""

import json
import os
import subprocess
import sys

from django.conf import settings

# SITE_URL as a fresh process reads it from its environment.
PROBE = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.conf import settings
print(json.dumps({"SITE_URL": settings.SITE_URL}))
"""


def settings_with(**environment):
    keep = {"PATH", "HOME", "LANG", "DATABASE_URL", "VAR_DIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(DEBUG="true", **environment)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_site_url_defaults_to_the_port_the_site_runs_on():
    assert settings_with(PORT="8100")["SITE_URL"] == "http://127.0.0.1:8100"


def test_site_url_defaults_to_port_8000_when_no_port_is_given():
    assert settings_with()["SITE_URL"] == "http://127.0.0.1:8000"


def test_a_given_site_url_wins_over_the_port():
    assert (
        settings_with(PORT="8100", SITE_URL="https://news.example.org/")["SITE_URL"]
        == "https://news.example.org"
    )


def test_a_port_that_is_not_a_number_is_refused_in_words():
    keep = {"PATH", "HOME", "LANG", "DATABASE_URL", "VAR_DIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(DEBUG="true", PORT="eighty")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PORT must be a whole number, not 'eighty'." in result.stderr


def test_pages_feeds_and_sitemaps_use_the_derived_address(client, db, settings):
    from tests.factories import ArticleFactory, SectionFactory

    settings.SITE_URL = settings_with(PORT="8100")["SITE_URL"]
    article = ArticleFactory(section=SectionFactory(name="Politics", slug="politics"))
    page = client.get(article.get_absolute_url()).content.decode()
    feed = client.get("/feed/").content.decode()
    sitemap = client.get("/sitemap-articles.xml").content.decode()

    address = "http://127.0.0.1:8100" + article.get_absolute_url()
    assert f'<link rel="canonical" href="{address}">' in page
    assert address in feed
    assert address in sitemap
    assert "127.0.0.1:8000" not in page + feed + sitemap
