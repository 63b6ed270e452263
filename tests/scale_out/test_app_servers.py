"""Two production app servers (gunicorn) against one database and one Redis: nothing a reader
depends on lives in one server's memory or disk."""

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.articles.editorial_helpers import edit_in_admin
from tests.factories import ArticleFactory, UserFactory
from tests.scale_out.processes import app_environment, gunicorn, http_get, http_post

PASSWORD = "a-long-and-unusual-passphrase-42"


def cookies_from(headers):
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sign_in(server, email, password):
    """Sign in through the login form, as a browser would; returns the cookies it set."""
    status, headers, body = http_get(server.port, "/accounts/login/")
    assert status == 200, body[:500]
    cookies = {"csrftoken": SimpleCookie(headers["set-cookie"])["csrftoken"].value}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    status, response_headers, body = http_post(
        server.port,
        "/accounts/login/",
        urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
            "Referer": f"http://127.0.0.1:{server.port}/accounts/login/",
        },
    )
    assert status == 302, re.sub(r"\s+", " ", body[body.find("<main") :])[:1500]
    return cookies | cookies_from(response_headers)


@pytest.fixture
def two_app_servers(shared_cache, key_prefix):
    env = app_environment(cache_url=shared_cache, key_prefix=key_prefix, PAGE_CACHE_ENABLED="true")
    with gunicorn(env, name="app-a") as server_a, gunicorn(env, name="app-b") as server_b:
        yield server_a, server_b


@pytest.mark.django_db(transaction=True)
def test_a_reader_signed_in_through_one_server_is_signed_in_on_the_other(two_app_servers):
    server_a, server_b = two_app_servers
    reader = UserFactory(email="ada@example.org", display_name="Ada Lovelace")
    # The suite hashes with MD5 for speed; the servers know only production's hashers.
    reader.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    reader.save(update_fields=["password"])
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)

    cookies = sign_in(server_a, "ada@example.org", PASSWORD)
    status, _, page = http_get(server_b.port, "/accounts/", headers={"Cookie": cookie_header(cookies)})
    anonymous_status, anonymous_headers, _ = http_get(server_b.port, "/accounts/")

    assert "sessionid" in cookies
    assert status == 200
    assert "Ada Lovelace" in page
    assert anonymous_status == 302
    assert anonymous_headers["location"].startswith("/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_a_page_cached_through_one_server_is_dropped_on_the_other_when_the_article_changes(
    two_app_servers, editor
):
    server_a, server_b = two_app_servers
    article = ArticleFactory(headline="Tram line consultation opens")
    url = article.get_absolute_url()

    _, first_headers, _ = http_get(server_a.port, url)
    _, shared_headers, shared_page = http_get(server_b.port, url)
    # An editor's change, saved in the admin; the commit moves the generation in Redis.
    edit_in_admin(editor, article, headline="Tram line consultation extended to March")
    status, after_headers, after_page = http_get(server_b.port, url)

    assert first_headers["x-page-cache"] == "miss"
    assert shared_headers["x-page-cache"] == "hit"
    assert "Tram line consultation opens" in shared_page
    assert status == 200
    assert after_headers["x-page-cache"] == "miss"
    assert "Tram line consultation extended to March" in after_page


@pytest.mark.django_db(transaction=True)
def test_pages_work_with_psycopgs_connection_pool(shared_cache, key_prefix):
    article = ArticleFactory(headline="Ferry timetable changes for winter")
    env = app_environment(
        cache_url=shared_cache, key_prefix=key_prefix, DB_POOL="true", DB_POOL_MIN=1, DB_POOL_MAX=3
    )

    with gunicorn(env, name="app-pooled") as server:
        pages = [http_get(server.port, path) for path in ["/", article.get_absolute_url(), "/healthz"] * 3]
        log = server.output()

    assert [status for status, _, _ in pages] == [200] * 9
    assert "Ferry timetable changes for winter" in pages[1][2]
    assert "Traceback" not in log
