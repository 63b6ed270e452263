import pytest
from django.core import mail

from tests.accounts.conftest import PASSWORD, assert_is_ours, comparable, link_paths, sign_in

NEW_PASSWORD = "another-quite-long-passphrase-77"


@pytest.mark.django_db
def test_a_reader_resets_a_forgotten_password_through_the_emailed_link(client, verified_reader):
    asked = client.post("/accounts/password/reset/", {"email": "Ada@example.org"}, follow=True)
    assert "Check your email" in asked.content.decode()

    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert_is_ours(message, "Reset your password")
    [reset_path] = link_paths(message)

    # allauth moves the key from the link into the session, then shows the form.
    form_page = client.get(reset_path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert "Your password has been changed" in done.content.decode()
    assert_is_ours(mail.outbox[-1], "Your password has been reset")

    assert sign_in(client, "ada@example.org", password=PASSWORD).status_code == 200
    assert sign_in(client, "ada@example.org", password=NEW_PASSWORD)["Location"] == "/accounts/"


@pytest.mark.django_db
def test_a_reset_link_works_only_once(client, verified_reader):
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    [reset_path] = link_paths(mail.outbox[0])
    form_url = client.get(reset_path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client.get(reset_path, follow=True)

    assert "This link no longer works" in again.content.decode()


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_looks_the_same_and_tells_only_that_mailbox(client, verified_reader):
    known = client.post("/accounts/password/reset/", {"email": "ada@example.org"}, follow=True)
    unknown = client.post("/accounts/password/reset/", {"email": "stranger@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/password/reset/done/", 302)]
    assert comparable(known) == comparable(unknown)
    assert [message.to for message in mail.outbox] == [["ada@example.org"], ["stranger@example.org"]]
    notice = mail.outbox[1]
    assert_is_ours(notice, "Your password reset request")
    assert "There is no account with this address" in notice.body
    assert link_paths(notice) == ["/accounts/signup/"]


@pytest.mark.django_db
def test_changing_the_password_needs_the_current_one_and_tells_the_owner(client, verified_reader):
    client.force_login(verified_reader)

    refused = client.post(
        "/accounts/password/change/",
        {"oldpassword": "a-guess", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "Please type your current password." in refused.content.decode()
    assert mail.outbox == []

    changed = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert changed.redirect_chain[-1][0] == "/accounts/"
    assert "Your password has been changed." in changed.content.decode()
    [notice] = mail.outbox
    assert notice.to == ["ada@example.org"]
    assert_is_ours(notice, "Your password has been changed")
    assert "/accounts/password/reset/" in link_paths(notice)

    verified_reader.refresh_from_db()
    assert verified_reader.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_new_password_must_pass_the_password_validators(client, verified_reader):
    client.force_login(verified_reader)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )

    page = response.content.decode()
    assert "This password is entirely numeric." in page
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in page
