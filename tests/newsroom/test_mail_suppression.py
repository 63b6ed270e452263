"""Bounces and spam complaints reported by the mail provider stop our mail to that address:
the next digest, share or notice skips it, and nobody but the provider can add to the list."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.core import mail
from django.test import Client

from newsroom.lib.mail import build_email
from newsroom.models import SuppressedAddress

pytestmark = pytest.mark.django_db

SECRET = "provider:s3cret-words-for-the-webhook"
SIGNING_KEY = "key-0123456789abcdef"
NOTICE = {"title": "Check", "paragraphs": ["Hello."]}


@pytest.fixture
def provider(settings):
    settings.MAIL_EVENTS_PROVIDER = "mailgun"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def mailgun_event(event, recipient, *, key=SIGNING_KEY, **data):
    timestamp, token = str(int(time.time())), f"token-{recipient}-{event}"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {"event": event, "recipient": recipient, "timestamp": time.time(), **data},
    }


def post(path, payload, *, auth=SECRET):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    return Client(enforce_csrf_checks=True).post(
        path, json.dumps(payload), content_type="application/json", **headers
    )


def test_a_hard_bounce_reported_by_the_provider_suppresses_the_address(provider):
    bounce = mailgun_event(
        "failed",
        "Gone@Example.org",
        severity="permanent",
        **{"delivery-status": {"message": "550 No such user"}},
    )

    response = post("/mail/events/mailgun/", bounce)

    assert response.status_code == 200
    [row] = SuppressedAddress.objects.all()
    assert (row.email, row.reason, row.provider) == ("Gone@Example.org", "bounced", "Mailgun")
    assert "550 No such user" in row.detail
    assert build_email("email/notice", NOTICE, to=["gone@example.org"]).send() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("event", "extra", "suppressed"),
    [
        ("complained", {}, "complained"),
        ("rejected", {"reject": {"reason": "on the provider's own list"}}, "rejected"),
        ("failed", {"severity": "temporary"}, None),  # a full mailbox: try again tomorrow
        ("delivered", {}, None),
        ("opened", {}, None),
    ],
)
def test_only_events_that_mean_stop_writing_suppress(provider, event, extra, suppressed):
    response = post("/mail/events/mailgun/", mailgun_event(event, "reader@example.org", **extra))

    assert response.status_code == 200
    assert list(SuppressedAddress.objects.values_list("reason", flat=True)) == (
        [suppressed] if suppressed else []
    )


def test_templated_mail_to_a_suppressed_address_is_not_sent(provider):
    SuppressedAddress.objects.create(email="spam-reporter@example.org", reason="complained")

    sent = build_email("email/notice", NOTICE, to=["SPAM-reporter@example.org"]).send()
    build_email("email/notice", NOTICE, to=["spam-reporter@example.org", "friend@example.org"]).send()

    assert sent == 0
    assert [message.to for message in mail.outbox] == [["friend@example.org"]]


@pytest.mark.parametrize(
    "tamper",
    ["no basic auth", "wrong basic auth", "wrong signature"],
)
def test_nobody_but_the_provider_can_add_an_address(provider, tamper):
    payload = mailgun_event(
        "failed",
        "victim@example.org",
        severity="permanent",
        key="not-the-key" if tamper == "wrong signature" else SIGNING_KEY,
    )
    auth = {"no basic auth": None, "wrong basic auth": "provider:guess"}.get(tamper, SECRET)

    response = post("/mail/events/mailgun/", payload, auth=auth)

    assert response.status_code in {400, 401, 403}
    assert not SuppressedAddress.objects.exists()


@pytest.mark.parametrize(
    "path", ["/mail/events/postmark/", "/mail/events/nonsense/", "/mail/events/mailgun/"]
)
def test_a_provider_that_is_not_configured_is_not_found(settings, path):
    settings.MAIL_EVENTS_PROVIDER = "" if path.endswith("mailgun/") else "mailgun"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}

    response = post(path, mailgun_event("failed", "x@example.org", severity="permanent"))

    assert response.status_code == 404
    assert not SuppressedAddress.objects.exists()


def test_a_postmark_spam_complaint_suppresses_but_a_soft_bounce_does_not(settings):
    settings.MAIL_EVENTS_PROVIDER = "postmark"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}

    def bounce(kind, address):
        return {"RecordType": "Bounce", "Type": kind, "Email": address, "BouncedAt": "2026-12-07T07:00:00Z"}

    assert post("/mail/events/postmark/", bounce("SoftBounce", "full@example.org")).status_code == 200
    assert post("/mail/events/postmark/", bounce("HardBounce", "gone@example.org")).status_code == 200
    complaint = {"RecordType": "SpamComplaint", "Type": "SpamComplaint", "Email": "angry@example.org"}
    assert post("/mail/events/postmark/", complaint).status_code == 200

    assert dict(SuppressedAddress.objects.values_list("email", "reason")) == {
        "gone@example.org": "bounced",
        "angry@example.org": "complained",
    }


def test_the_same_report_twice_keeps_one_row(provider):
    for _ in range(2):
        post("/mail/events/mailgun/", mailgun_event("complained", "twice@example.org"))
    post("/mail/events/mailgun/", mailgun_event("complained", "TWICE@example.org"))

    assert SuppressedAddress.objects.count() == 1
