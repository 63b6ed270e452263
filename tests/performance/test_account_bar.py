"""The signed-in bar: the shared page header says "Sign in" to everyone, and a private fragment
(/accounts/bar/, fetched by static/js/account-bar.js) gives a signed-in reader their name, their
account link and a sign-out form. The browser journey is in test_cached_page_journeys.py."""

import re

import pytest
from django.test import Client

from tests.performance.test_cached_page_journeys import form_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

BAR_URL = "/accounts/bar/"


def assert_private(response):
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "public" not in cache_control
    assert "X-Page-Cache" not in response


def test_an_anonymous_reader_gets_an_empty_private_answer_and_no_cookie(client):
    for attempt in ("first", "second"):
        response = client.get(BAR_URL)

        assert response.status_code == 204, attempt
        assert response.content == b""
        assert_private(response)
        assert not response.cookies, attempt
    assert not client.cookies


def test_a_signed_in_reader_gets_their_name_account_link_and_a_sign_out_form(client, reader):
    client.force_login(reader)

    response = client.get(BAR_URL)

    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert "Rita Reader" in html
    assert '<a href="/accounts/">Your account</a>' in html
    assert re.search(r'<form class="masthead__sign-out" method="post" action="/accounts/logout/">', html)
    assert form_fields(html)["csrfmiddlewaretoken"]
    assert "Sign in" not in html


def test_one_readers_bar_is_never_shown_to_the_next(reader):
    signed_in = Client()
    signed_in.force_login(reader)
    assert "Rita Reader" in signed_in.get(BAR_URL).content.decode()

    anonymous = Client().get(BAR_URL)

    assert anonymous.status_code == 204
    assert b"Rita Reader" not in anonymous.content


def test_the_sign_out_form_from_the_fragment_signs_the_reader_out(reader):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    fields = form_fields(browser.get(BAR_URL).content.decode())

    response = browser.post("/accounts/logout/", fields)

    assert response.status_code == 302
    assert browser.get(BAR_URL).status_code == 204


def test_the_fragment_only_answers_reads(client, reader):
    client.force_login(reader)

    assert client.post(BAR_URL).status_code == 405


def test_the_shared_header_says_sign_in_and_points_the_script_at_the_fragment(client, story):
    first = client.get(story.get_absolute_url())
    second = client.get(story.get_absolute_url())

    assert second["X-Page-Cache"] == "hit"
    html = second.content.decode()
    assert f'data-account-bar-url="{BAR_URL}"><a href="/accounts/login/">Sign in</a>' in html
    assert re.search(r'<script src="/static/js/account-bar\.[0-9a-f]+\.js" defer></script>', html)
    assert first.content == second.content


def test_the_sign_in_link_leads_a_signed_in_reader_to_their_account_without_javascript(client, reader):
    client.force_login(reader)

    response = client.get("/accounts/login/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/"
    assert response.status_code == 200
