"""Helpers for the account tests: readers whose address is confirmed, and reading the links
out of the emails we send."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.factories import UserFactory

PASSWORD = "a-long-and-unusual-passphrase-42"


def make_verified_reader(email="ada@example.org", display_name="Ada L.", **kwargs):
    return UserFactory(email=email, display_name=display_name, password=PASSWORD, verified=True, **kwargs)


@pytest.fixture
def verified_reader(db):
    return make_verified_reader()


def link_paths(message):
    """The paths of our site's links in an email's plain-text body, in order, leaving out the
    front-page address in every email's signature."""
    urls = re.findall(r"https?://\S+", message.body)
    paths = [urlsplit(url).path for url in urls if url.startswith(settings.SITE_URL)]
    return [path for path in paths if path not in ("", "/")]


def html_body(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def assert_is_ours(message, subject):
    """Every account email: our subject line with the site's name, text and HTML bodies."""
    assert message.subject == f"[{settings.SITE_NAME}] {subject}"
    assert settings.SITE_NAME in message.body
    assert settings.SITE_NAME in html_body(message)
    assert "{{" not in message.body
    assert "{%" not in message.body


def comparable(response):
    """A page's HTML without what differs on every request (CSRF token, CSP nonce)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'nonce="[^"]+"', "nonce", html)


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)
