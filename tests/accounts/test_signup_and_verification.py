from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import User
from tests.accounts.conftest import PASSWORD, assert_is_ours, html_body, link_paths, sign_in
from tests.factories import UserFactory


def sign_up(client, email, password=PASSWORD):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": password, "password2": password}, follow=True
    )


@pytest.mark.django_db
def test_signing_up_emails_a_link_that_confirms_the_address_and_then_the_reader_can_sign_in(client):
    response = sign_up(client, "New.Reader@Example.org")

    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert "Check your email" in response.content.decode()
    user = User.objects.get(email__iexact="new.reader@example.org")
    assert not user.has_verified_email

    [message] = mail.outbox
    assert message.to == ["new.reader@example.org"]
    assert_is_ours(message, "Confirm your email address")
    [confirm_path] = link_paths(message)
    assert confirm_path in html_body(message)

    page = client.get(confirm_path)
    assert "Please confirm that <strong>new.reader@example.org</strong> is your email address" in (
        page.content.decode()
    )
    confirmed = client.post(confirm_path, follow=True)
    assert confirmed.redirect_chain[-1][0] == "/accounts/login/"
    assert "is confirmed" in confirmed.content.decode()
    user.refresh_from_db()
    assert user.has_verified_email

    signed_in = sign_in(client, "new.reader@example.org", follow=True)
    assert signed_in.redirect_chain[-1][0] == "/accounts/"
    assert "Signed in as <strong>new.reader@example.org</strong>" in signed_in.content.decode()


@pytest.mark.django_db
def test_the_confirmation_link_does_nothing_until_the_reader_presses_the_button(client):
    sign_up(client, "careful@example.org")
    [confirm_path] = link_paths(mail.outbox[0])

    client.get(confirm_path)  # a mail scanner following the link

    assert not User.objects.get(email="careful@example.org").has_verified_email


@pytest.mark.django_db
def test_signing_in_before_confirming_is_refused_and_sends_a_fresh_link(client):
    sign_up(client, "eager@example.org")
    mail.outbox.clear()
    client.logout()

    # A fresh link at most every few minutes (allauth's cool-down), so a login loop is no spam.
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        response = sign_in(client, "eager@example.org", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    [message] = mail.outbox
    assert_is_ours(message, "Confirm your email address")
    assert link_paths(message)[0].startswith("/accounts/confirm-email/")


@pytest.mark.django_db
def test_a_used_confirmation_link_says_it_no_longer_works(client):
    sign_up(client, "twice@example.org")
    [confirm_path] = link_paths(mail.outbox[0])
    client.post(confirm_path)

    response = client.get("/accounts/confirm-email/not-a-real-key/")

    assert "This link has expired or has already been used" in response.content.decode()


@pytest.mark.django_db
def test_sign_up_refuses_a_common_password_with_the_error_tied_to_the_field(client):
    response = client.post(
        "/accounts/signup/", {"email": "weak@example.org", "password1": "password", "password2": "password"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common." in page
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in page
    assert 'aria-invalid="true"' in page
    assert not User.objects.filter(email="weak@example.org").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sign_up_with_a_taken_address_looks_the_same_as_with_a_new_one(client):
    UserFactory(email="taken@example.org")

    for_new = sign_up(client, "free@example.org")
    client.logout()
    for_taken = sign_up(client, "Taken@example.org")

    assert for_taken.redirect_chain == for_new.redirect_chain
    assert for_taken.content.decode().replace("taken@", "free@") == for_new.content.decode()
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    # The owner of the taken address hears about it; the person signing up learns nothing.
    notice = mail.outbox[-1]
    assert notice.to == ["taken@example.org"]
    assert_is_ours(notice, "Someone tried to sign up with your email address")
    assert "/accounts/password/reset/" in link_paths(notice)
