"""Signing up for the daily newsletter with double opt-in, unsubscribing without a login, and
managing it from the account."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail

from subscriptions.models import NewsletterSubscriber
from subscriptions.newsletter import confirm_token, unsubscribe_token
from tests.factories import SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

State = NewsletterSubscriber.State


def site_paths(message):
    urls = re.findall(r"https?://\S+", message.body)
    return [
        urlsplit(url).path
        for url in urls
        if url.startswith(settings.SITE_URL) and urlsplit(url).path not in ("", "/")
    ]


def sign_up(client, capture, email, sections=()):
    with capture(execute=True):
        return client.post("/newsletter/", {"email": email, "sections": [section.pk for section in sections]})


@pytest.fixture
def sections(db):
    return SectionFactory(name="Politics", slug="politics"), SectionFactory(name="Health", slug="health")


def test_signing_up_sends_a_confirmation_link_and_subscribes_nobody_yet(
    client, django_capture_on_commit_callbacks, sections
):
    response = sign_up(client, django_capture_on_commit_callbacks, "Ada@Example.org", sections=[sections[1]])

    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-email/"
    assert "Check your email" in client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == ["Ada@example.org"]
    assert message.subject == "[The Civic Ledger] Confirm your newsletter sign-up"
    assert "with the news from Health" in message.body
    assert NewsletterSubscriber.objects.get().state == State.PENDING
    assert not NewsletterSubscriber.objects.confirmed().exists()


def test_following_the_link_and_pressing_the_button_confirms_with_the_sections_asked_for(
    client, django_capture_on_commit_callbacks, sections
):
    sign_up(client, django_capture_on_commit_callbacks, "ada@example.org", sections=[sections[1]])
    [confirm_path] = site_paths(mail.outbox[0])

    page = client.get(confirm_path)
    # Opening the link (as a mail scanner does) confirms nothing: a person presses the button.
    assert "Yes, send me the newsletter" in page.content.decode()
    assert NewsletterSubscriber.objects.get().state == State.PENDING

    response = client.post(confirm_path)

    assert "You are signed up" in response.content.decode()
    assert "You will get the news from Health." in response.content.decode()
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.state == State.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert list(subscriber.sections.all()) == [sections[1]]


def test_a_confirmation_link_that_was_tampered_with_or_is_too_old_is_refused(client, time_machine):
    time_machine.move_to("2026-11-01 08:00Z")
    token = confirm_token("ada@example.org", [])

    tampered = client.post(f"/newsletter/confirm/{token[:-2]}xx/")
    time_machine.move_to("2026-11-09 08:00Z")
    expired = client.post(f"/newsletter/confirm/{token}/")

    assert tampered.status_code == 400
    assert "not one we sent" in tampered.content.decode()
    assert expired.status_code == 400
    assert "more than 7 days old" in expired.content.decode()
    assert not NewsletterSubscriber.objects.exists()


def test_signing_up_someone_elses_address_changes_nothing_about_their_subscription(
    client, django_capture_on_commit_callbacks, sections
):
    existing = NewsletterSubscriber.objects.create(email="ada@example.org", state=State.CONFIRMED)
    existing.sections.set([sections[0]])

    response = sign_up(client, django_capture_on_commit_callbacks, "ada@example.org", sections=[sections[1]])

    assert response.status_code == 302  # the same answer as for a new address
    existing.refresh_from_db()
    assert existing.state == State.CONFIRMED
    assert list(existing.sections.all()) == [sections[0]]
    # Only the owner, following the link, can change the sections.
    client.post(site_paths(mail.outbox[0])[0])
    assert list(existing.sections.all()) == [sections[1]]


def test_the_form_says_plainly_what_is_wrong(client, sections):
    response = client.post("/newsletter/", {"email": "ada at example", "sections": ["999"]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "That does not look like an email address" in html
    assert "“999” is not one of our sections." in html
    assert not NewsletterSubscriber.objects.exists()


def test_sign_ups_for_one_address_are_limited(client, django_capture_on_commit_callbacks):
    for _ in range(3):
        assert sign_up(client, django_capture_on_commit_callbacks, "ada@example.org").status_code == 302

    response = sign_up(client, django_capture_on_commit_callbacks, "ada@example.org")

    assert response.status_code == 429
    assert "try again in an hour" in response.content.decode()
    assert len(mail.outbox) == 3


# Unsubscribing -------------------------------------------------------------------------------------


@pytest.fixture
def confirmed_subscriber(db):
    return NewsletterSubscriber.objects.create(email="ada@example.org", state=State.CONFIRMED)


def test_the_unsubscribe_link_shows_a_button_and_the_button_unsubscribes_without_a_login(
    client, confirmed_subscriber
):
    path = f"/newsletter/unsubscribe/{unsubscribe_token(confirmed_subscriber.pk)}/"

    page = client.get(path)
    assert "Stop sending the daily newsletter to <strong>ada@example.org</strong>?" in page.content.decode()
    confirmed_subscriber.refresh_from_db()
    assert confirmed_subscriber.state == State.CONFIRMED

    response = client.post(path)

    assert "You are unsubscribed" in response.content.decode()
    confirmed_subscriber.refresh_from_db()
    assert confirmed_subscriber.state == State.UNSUBSCRIBED
    assert confirmed_subscriber.unsubscribed_at is not None


def test_a_mail_programs_one_click_post_unsubscribes_with_no_cookie_or_csrf_token(confirmed_subscriber):
    from django.test import Client

    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        f"/newsletter/unsubscribe/{unsubscribe_token(confirmed_subscriber.pk)}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    confirmed_subscriber.refresh_from_db()
    assert confirmed_subscriber.state == State.UNSUBSCRIBED


def test_a_forged_unsubscribe_link_unsubscribes_nobody(client, confirmed_subscriber):
    response = client.post(f"/newsletter/unsubscribe/{confirmed_subscriber.pk}/")

    assert response.status_code == 400
    confirmed_subscriber.refresh_from_db()
    assert confirmed_subscriber.state == State.CONFIRMED


# From the account ---------------------------------------------------------------------------------


def test_a_verified_reader_subscribes_from_their_account_at_once_and_changes_sections(client, sections):
    reader = UserFactory(email="rita@example.org", verified=True)
    client.force_login(reader)

    response = client.post(
        "/newsletter/manage/", {"action": "save", "sections": [sections[0].pk]}, follow=True
    )

    assert "You are subscribed to the daily newsletter." in response.content.decode()
    subscriber = NewsletterSubscriber.objects.get()
    assert (subscriber.email, subscriber.user, subscriber.state) == (
        "rita@example.org",
        reader,
        State.CONFIRMED,
    )
    assert mail.outbox == []

    client.post("/newsletter/manage/", {"action": "save", "sections": [sections[1].pk]})
    assert list(subscriber.sections.all()) == [sections[1]]

    client.post("/newsletter/manage/", {"action": "unsubscribe"})
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED


def test_a_reader_with_an_unverified_address_confirms_by_email_like_anyone(
    client, django_capture_on_commit_callbacks, reader
):
    client.force_login(reader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/newsletter/manage/", {"action": "save"}, follow=True)

    assert f"We have emailed a link to {reader.email}" in response.content.decode()
    assert [message.to for message in mail.outbox] == [[reader.email]]
    assert not NewsletterSubscriber.objects.confirmed().exists()


def test_the_manage_page_needs_a_sign_in(client):
    response = client.get("/newsletter/manage/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_account_page_shows_the_newsletter_and_subscriptions(client, sections, website_plan):
    from .conftest import subscribe

    reader = UserFactory(email="rita@example.org", verified=True)
    subscribe(reader, website_plan)
    subscriber = NewsletterSubscriber.objects.create(
        email="rita@example.org", user=reader, state=State.CONFIRMED
    )
    subscriber.sections.set([sections[0]])
    client.force_login(reader)

    html = client.get("/accounts/").content.decode()

    assert "Your subscriptions" in html
    assert "Website" in html
    assert "(active until" in html
    assert "You get the daily newsletter at rita@example.org, with news from Politics." in html
    assert 'href="/newsletter/manage/"' in html
    # Each app's sections, in the order the apps register them: what the reader pays for first.
    assert re.findall(r'<h2 id="panel-heading-\d+">([^<]+)</h2>', html) == [
        "Your subscriptions",
        "Articles you have given",
        "Newsletter",
        "Your comments",
    ]
