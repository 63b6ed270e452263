import re

import pytest

from tests.accounts.conftest import comparable, sign_in
from tests.factories import UserFactory


@pytest.mark.django_db
def test_readers_sign_in_with_their_email_address_in_any_letter_case(client, verified_reader):
    response = sign_in(client, "ADA@Example.ORG")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(verified_reader.pk)


@pytest.mark.django_db
def test_signing_in_returns_the_reader_to_the_page_they_came_from(client, verified_reader):
    response = client.post(
        "/accounts/login/",
        {
            "login": "ada@example.org",
            "password": "a-long-and-unusual-passphrase-42",
            "next": "/search/?q=budget",
        },
    )

    assert response["Location"] == "/search/?q=budget"


@pytest.mark.django_db
def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, verified_reader):
    wrong_password = sign_in(client, "ada@example.org", password="not-her-password")
    unknown_address = sign_in(client, "nobody@example.org", password="not-her-password")

    assert wrong_password.status_code == unknown_address.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert message in wrong_password.content.decode()
    assert comparable(wrong_password).replace("ada@", "nobody@") == comparable(unknown_address)


@pytest.mark.django_db
def test_a_failed_sign_in_puts_the_focus_back_on_the_form_and_announces_the_problem(client, verified_reader):
    page = sign_in(client, "ada@example.org", password="not-her-password").content.decode()

    assert 'role="alert"' in page
    assert "There is a problem" in page
    # The password is never shown again, so that is where the reader continues.
    assert re.search(r'<input type="password"[^>]* autofocus [^>]*id="id_password"', page)
    assert page.count("autofocus") == 1


@pytest.mark.django_db
def test_signing_out_takes_a_post_and_a_link_only_asks_first(client, verified_reader):
    client.force_login(verified_reader)

    asked = client.get("/accounts/logout/")
    assert "Do you want to sign out" in asked.content.decode()
    assert "_auth_user_id" in client.session

    signed_out = client.post("/accounts/logout/")
    assert signed_out["Location"] == "/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_sign_in_page_is_not_indexed_and_not_cached(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.django_db
def test_a_deactivated_account_cannot_sign_in(client):
    UserFactory(
        email="gone@example.org", is_active=False, password="a-long-and-unusual-passphrase-42", verified=True
    )

    response = sign_in(client, "gone@example.org", follow=True)

    assert "_auth_user_id" not in client.session
    assert "The email address and/or password you specified are not correct." in response.content.decode()
