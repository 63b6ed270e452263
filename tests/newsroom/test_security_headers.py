"""Security headers on real responses, with the settings the suite runs (production, DEBUG
off; only HTTPS-only cookie flags and HSTS are relaxed for the plain-HTTP test client, and
the tests below put them back to their production values to check what they do)."""

import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings

from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.newsroom.test_deploy_settings import production_environment

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


class InlineCode(HTMLParser):
    """Finds what a strict CSP would block or what executes from the page itself: <script>
    without src (other than JSON-LD data), <style> elements, on* handlers, style= attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/ld+json":
            self.found.append(f"inline <script {attrs}>")
        if tag == "style":
            self.found.append("<style> element")
        for name, _ in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style=...>")


def inline_code(response):
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def csp(response):
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def article(db):
    section = SectionFactory(name="Politics", slug="politics")
    return ArticleFactory(headline="Council agrees budget", section=section)


def main_pages(article):
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": "/politics/",
        "search": "/search/?q=budget",
        "login": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "admin login": "/admin/login/",
    }


def test_every_main_page_has_a_strict_csp_and_no_inline_script_or_style(client, article):
    responses = {name: client.get(path) for name, path in main_pages(article).items()}
    user = UserFactory(email="ada@example.org", password=PASSWORD)
    client.force_login(user)
    for name, path in {"account": "/accounts/", "two-step sign-in": "/accounts/2fa/"}.items():
        responses[name] = client.get(path)

    for name, response in responses.items():
        assert response.status_code == 200, name
        policy = csp(response)
        assert "'unsafe-inline'" not in policy["script-src"], name
        assert "'unsafe-eval'" not in policy["script-src"], name
        assert policy["script-src"][0] == "'self'", name
        assert policy["default-src"] == ["'self'"], name
        assert policy["style-src"] == ["'self'"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["base-uri"] == ["'none'"], name
        assert inline_code(response) == [], name


def test_every_main_page_forbids_framing_sniffing_and_full_referrers(client, article):
    for name, path in main_pages(article).items():
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


def test_hsts_is_sent_over_https_when_enabled(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_no_hsts_header_when_it_is_switched_off(client, settings):
    settings.SECURE_HSTS_SECONDS = 0

    response = client.get("/accounts/login/", secure=True)

    assert "Strict-Transport-Security" not in response


def production_value(*names):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=django_settings.BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_in_production_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, settings):
    production = production_value(
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS",
    )
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    for name, value in production.items():
        setattr(settings, name, value)
    UserFactory(email="ada@example.org", password=PASSWORD, verified=True)

    form = client.get("/accounts/login/", secure=True)
    signed_in = client.post(
        "/accounts/login/", {"login": "ada@example.org", "password": PASSWORD}, secure=True
    )

    csrf_cookie = form.cookies["csrftoken"]
    session_cookie = signed_in.cookies["sessionid"]
    for cookie in (csrf_cookie, session_cookie):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
