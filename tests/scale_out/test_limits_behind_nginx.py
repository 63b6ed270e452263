"""Every limit keyed by client IP, behind the shipped nginx (deploy/nginx/newsroom.conf) with
TRUSTED_PROXY_COUNT=1: 35 clients are not counted as one, while one client sending as many
is refused. Clients connect from their own loopback addresses (all of 127.0.0.0/8 is
loopback on Linux), so nginx sees 35 different clients, as it would on the internet.

Checked for our sign-in throttle, allauth's limits (its login and password reset counters)
and axes' lockout, since each of them once read the address its own way."""

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt

from tests.accounts.conftest import PASSWORD, make_verified_reader
from tests.scale_out.processes import app_environment, gunicorn, nginx_in_front_of

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 35
# Many clients, each from an address of its own: 127.0.0.2 ... 127.0.0.36.
MANY_CLIENTS = [f"127.0.0.{n}" for n in range(2, 2 + CLIENTS)]
ONE_CLIENT = "127.0.0.100"
# Posts from the one client: more than twice the per-IP limits (20 a minute), so even if a
# counting minute ends during the test, one of the two minutes sees more than 20.
ONE_CLIENT_POSTS = 41


def request_from(source, port, method, path, *, body=None, headers=None):
    """(status, headers as a dict of lower-case names, body text), sent from `source`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        return response.status, {name.lower(): value for name, value in response.getheaders()}, text
    finally:
        conn.close()


class Browser:
    """Enough of a browser for posting our forms: a CSRF cookie and its form token, fetched
    once; the token is not tied to an address, so every client may send it."""

    def __init__(self, port, form_path):
        self.port = port
        status, headers, page = request_from(MANY_CLIENTS[0], port, "GET", form_path)
        assert status == 200, page[-2000:]
        cookie = SimpleCookie(headers["set-cookie"])
        self.cookie = f"csrftoken={cookie['csrftoken'].value}"
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, source, path, fields):
        body = urlencode({"csrfmiddlewaretoken": self.token, **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        status, _, text = request_from(source, self.port, "POST", path, body=body, headers=headers)
        return status, text


@pytest.fixture
def site(shared_cache, key_prefix):
    """gunicorn behind the shipped nginx, told to trust that one proxy."""
    # Mail is kept in memory: a password reset sends its email during the request.
    env = app_environment(
        cache_url=shared_cache, key_prefix=key_prefix, TRUSTED_PROXY_COUNT="1", EMAIL_URL="memory://"
    )
    with gunicorn(env, name="app-behind-nginx") as app, nginx_in_front_of(app.port) as nginx:
        yield nginx


def sign_in_form(email):
    # An empty password: the form is refused before any password is checked (so the test
    # hashes nothing), but every limit in front of the view, ours and allauth's, counts it.
    return {"login": email, "password": ""}


def test_sign_in_limits_count_each_client_behind_nginx_apart(site):
    browser = Browser(site.port, "/accounts/login/")

    many = [
        browser.post(source, "/accounts/login/", sign_in_form(f"reader-{source}@example.org"))
        for source in MANY_CLIENTS
    ]
    one = [
        browser.post(ONE_CLIENT, "/accounts/login/", sign_in_form(f"again{n}@example.org"))
        for n in range(ONE_CLIENT_POSTS)
    ]

    # 35 posts in a minute: past our per-IP limit (20) and allauth's login limit (30), had
    # they counted nginx's address.
    assert [status for status, _ in many] == [200] * CLIENTS
    statuses = [status for status, _ in one]
    assert statuses[0] == 200
    assert 429 in statuses
    assert "Too many attempts, try again in 1 minute" in one[statuses.index(429)][1]


def test_allauths_password_reset_limit_counts_each_client_behind_nginx_apart(site):
    browser = Browser(site.port, "/accounts/password/reset/")
    path = "/accounts/password/reset/"

    many = [browser.post(source, path, {"email": f"reader-{source}@example.org"}) for source in MANY_CLIENTS]
    one = [
        browser.post(ONE_CLIENT, path, {"email": f"again{n}@example.org"}) for n in range(ONE_CLIENT_POSTS)
    ]

    assert [status for status, _ in many] == [302] * CLIENTS
    statuses = [status for status, _ in one]
    assert statuses[0] == 302
    assert 429 in statuses


def test_the_lockout_behind_nginx_holds_the_guessing_client_and_not_the_owner(site, settings):
    # gunicorn hashes as production does; the owner's stored password must be one it can check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_verified_reader(email="ada@example.org")
    browser = Browser(site.port, "/accounts/login/")
    attacker, owner = "127.0.0.66", "127.0.0.77"

    guesses = [
        browser.post(attacker, "/accounts/login/", {"login": "ada@example.org", "password": f"guess-{n}"})
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    attacker_right_password = browser.post(
        attacker, "/accounts/login/", {"login": "ada@example.org", "password": PASSWORD}
    )
    owner_status, _ = browser.post(
        owner, "/accounts/login/", {"login": "ada@example.org", "password": PASSWORD}
    )

    assert guesses[-1][0] == 429
    assert "Too many attempts to sign in" in guesses[-1][1]
    assert attacker_right_password[0] == 429
    assert owner_status == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
