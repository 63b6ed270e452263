import pytest
from django.db import connections


@pytest.mark.django_db
def test_home_page_shows_the_site_name_and_a_skip_link(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The Civic Ledger" in html
    assert 'href="#main"' in html
    assert 'id="main"' in html


@pytest.mark.django_db
def test_unknown_address_gets_our_404_page(client):
    response = client.get("/no-such-page/anywhere/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_naming_the_database_when_it_is_unreachable(client, django_db_blocker):
    connection = connections["default"]
    original = dict(connection.settings_dict)
    connection.close()
    # Nothing listens on this socket directory: exactly what the app sees with the server down.
    connection.settings_dict.update(HOST="/nonexistent-socket-dir", PORT="5432")
    try:
        with django_db_blocker.unblock():
            response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
