"""The store's signed webhook: what it accepts, what it refuses, and that a refusal or a repeat
changes nothing."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed

from subscriptions.models import Plan, Subscription, WebhookDelivery
from subscriptions.webhook import sign
from tests.concurrency import at_the_same_moment
from tests.factories import UserFactory

from .conftest import WEBHOOK_SECRET, signed_post, subscribe, verified

pytestmark = pytest.mark.django_db

STARTS = "2026-11-01T00:00:00+00:00"
ENDS = "2026-12-01T00:00:00+00:00"


def created(event_id="evt_1", email="subscriber@example.org", **data):
    return {
        "id": event_id,
        "type": "subscription.created",
        "data": {"reference": "sub_100", "email": email, "plan": "website-monthly", "starts_at": STARTS,
                 "ends_at": ENDS, **data},
    }  # fmt: skip


def last_delivery():
    return WebhookDelivery.objects.order_by("-id").first()


def test_a_signed_purchase_creates_the_readers_subscription(client, subscriber, website_plan):
    verified(subscriber)

    response = signed_post(client, created(email="SUBSCRIBER@example.org"))

    assert response.status_code == 200
    assert response.json() == {"status": "processed"}
    subscription = Subscription.objects.get()
    assert subscription.user == subscriber
    assert subscription.plan == website_plan
    assert subscription.store_reference == "sub_100"
    assert subscription.ends_at == datetime(2026, 12, 1, tzinfo=UTC)
    assert (
        subscription.history.get().history_change_reason
        == "subscription.created from the store (event evt_1)"
    )
    log = last_delivery()
    assert (log.outcome, log.status_code, log.event_id, log.subscription) == (
        "processed",
        200,
        "evt_1",
        subscription,
    )


def test_a_purchase_for_an_account_that_never_confirmed_the_address_waits_for_it_to(
    client, subscriber, website_plan
):
    # Anyone can sign up with someone else's address; only confirming it proves it is theirs.
    response = signed_post(client, created(email="subscriber@example.org"))

    assert response.status_code == 200
    waiting = Subscription.objects.get()
    assert (waiting.user, waiting.claim_email) == (None, "subscriber@example.org")

    verified(subscriber)
    address = EmailAddress.objects.get(user=subscriber)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)

    waiting.refresh_from_db()
    assert waiting.user == subscriber


def test_a_renewal_moves_the_end_date_and_keeps_the_history(client, subscriber, website_plan):
    signed_post(client, created())
    renewal = {"id": "evt_2", "type": "subscription.renewed",
               "data": {"reference": "sub_100", "ends_at": "2027-01-01T00:00:00Z"}}  # fmt: skip

    response = signed_post(client, renewal)

    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.ends_at == datetime(2027, 1, 1, tzinfo=UTC)
    assert [version.ends_at.month for version in subscription.history.order_by("history_date")] == [12, 1]


def test_a_cancellation_ends_access_at_once(client, subscriber, website_plan):
    signed_post(client, created(starts_at="2020-01-01T00:00:00Z", ends_at="2099-01-01T00:00:00Z"))
    assert Subscription.objects.active().count() == 1

    response = signed_post(
        client, {"id": "evt_3", "type": "subscription.cancelled", "data": {"reference": "sub_100"}}
    )

    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.state == Subscription.State.CANCELLED
    assert subscription.cancelled_at is not None
    assert Subscription.objects.active().count() == 0


def test_a_repeated_delivery_changes_nothing_and_says_so(client, subscriber, website_plan):
    signed_post(client, created())
    Subscription.objects.update(ends_at=datetime(2026, 12, 15, tzinfo=UTC))  # staff changed it since

    response = signed_post(client, created())

    assert response.status_code == 200
    assert response.json() == {"status": "already processed"}
    assert Subscription.objects.count() == 1
    assert Subscription.objects.get().ends_at == datetime(2026, 12, 15, tzinfo=UTC)
    assert last_delivery().outcome == WebhookDelivery.Outcome.DUPLICATE


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("", "The Store-Signature header is missing."),
        ("v1=abc", "The Store-Signature header has no valid t= timestamp."),
        ("t=123", "The Store-Signature header has no v1= signature."),
    ],
)
def test_a_missing_or_malformed_signature_header_is_refused(client, subscriber, website_plan, header, reason):
    response = signed_post(client, created(), header=header)

    assert response.status_code == 401
    assert response.json() == {"status": "rejected", "reason": reason}
    assert not Subscription.objects.exists()


def test_a_body_signed_with_another_secret_is_refused_and_logged(client, subscriber, website_plan):
    response = signed_post(client, created(), secret="not-our-secret")

    assert response.status_code == 401
    assert response.json()["reason"] == "The signature does not match the body."
    assert not Subscription.objects.exists()
    log = last_delivery()
    assert (log.outcome, log.status_code, log.signature_valid) == ("rejected", 401, False)
    # Anyone could have written it: what it says is not kept, only that it was refused.
    assert log.body_excerpt == ""
    assert log.reason == "The signature does not match the body."


def test_a_body_changed_after_signing_is_refused(client, subscriber, website_plan):
    original = json.dumps(created()).encode()
    header = sign(original, WEBHOOK_SECRET, int(time.time()))
    tampered = original.replace(b"website-monthly", b"website-yearly")

    response = signed_post(client, tampered, header=header)

    assert response.status_code == 401
    assert not Subscription.objects.exists()


def test_an_old_delivery_replayed_is_refused_even_with_a_good_signature(client, subscriber, website_plan):
    response = signed_post(client, created(), timestamp=time.time() - 301)

    assert response.status_code == 401
    assert "seconds old; at most 300 are accepted" in response.json()["reason"]
    assert not Subscription.objects.exists()
    assert last_delivery().outcome == WebhookDelivery.Outcome.REJECTED


def test_a_delivery_timed_in_the_future_is_refused(client, subscriber, website_plan):
    response = signed_post(client, created(), timestamp=time.time() + 3600)

    assert response.status_code == 401
    assert "seconds ahead" in response.json()["reason"]


def encoded(event):
    return json.dumps(event).encode()


RENEWAL_WITHOUT_END = {"id": "evt_9", "type": "subscription.renewed", "data": {"reference": "sub_100"}}
UNKNOWN_TYPE = {"id": "evt_9", "type": "subscription.paused", "data": {}}
WITHOUT_ID = {"type": "subscription.cancelled", "data": {"reference": "x"}}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "The body is not valid JSON"),
        (b"[1, 2]", "The body must be a JSON object."),
        (encoded({**created(), "extra": 1}), "Unknown fields: extra."),
        (encoded(created(coupon="FREE")), "Unknown fields in data for subscription.created: coupon."),
        (encoded(RENEWAL_WITHOUT_END), "Missing fields in data for subscription.renewed: ends_at."),
        (encoded(UNKNOWN_TYPE), "Unknown event type 'subscription.paused'"),
        (encoded(WITHOUT_ID), "id must be text"),
        (encoded(created(ends_at="next month")), "data.ends_at is not an ISO 8601 date and time"),
        (encoded(created(ends_at="2026-12-01T00:00:00")), "data.ends_at must include a time zone"),
        (encoded(created(email=42)), "data.email must be non-empty text"),
    ],
)
def test_a_malformed_body_is_refused_with_the_reason_and_changes_nothing(
    client, subscriber, website_plan, body, reason
):
    response = signed_post(client, body)

    assert response.status_code == 400
    assert response.json()["status"] == "rejected"
    assert response.json()["reason"].startswith(reason)
    assert not Subscription.objects.exists()
    log = last_delivery()
    assert (log.outcome, log.status_code, log.signature_valid) == ("rejected", 400, True)


def test_events_that_cannot_apply_are_refused_with_the_reason(client, subscriber, website_plan):
    unknown_plan = signed_post(client, created(event_id="evt_2", plan="gold"))
    unknown_reference = signed_post(client, {"id": "evt_3", "type": "subscription.cancelled",
                                             "data": {"reference": "sub_404"}})  # fmt: skip
    backwards = signed_post(client, created(event_id="evt_4", ends_at="2026-10-01T00:00:00Z"))

    assert unknown_plan.status_code == 422
    assert unknown_plan.json()["reason"] == "No plan has the slug 'gold'."
    assert unknown_reference.json()["reason"] == "No subscription has the store reference 'sub_404'."
    assert backwards.status_code == 422
    assert "A subscription must end after it starts." in backwards.json()["reason"]
    assert not Subscription.objects.exists()


def test_an_event_refused_before_can_be_delivered_again_once_it_can_apply(client, subscriber):
    assert signed_post(client, created()).status_code == 422  # no such plan yet
    Plan.objects.create(name="Website", slug="website-monthly", price="8.00")

    assert signed_post(client, created()).status_code == 200
    assert Subscription.objects.count() == 1


def test_only_post_is_accepted_and_no_csrf_token_is_needed(client, subscriber, website_plan):
    assert client.get("/subscriptions/webhook/").status_code == 405
    csrf_client = client.__class__(enforce_csrf_checks=True)
    assert signed_post(csrf_client, created()).status_code == 200


def test_without_a_configured_secret_every_delivery_is_refused(client, settings, subscriber, website_plan):
    settings.SUBSCRIPTIONS_WEBHOOK_SECRET = ""

    response = signed_post(client, created(), secret="")

    assert response.status_code == 503
    assert not Subscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_event_at_the_same_moment_apply_it_once(website_plan):
    from django.test import Client

    UserFactory(email="subscriber@example.org")
    subscription = subscribe(UserFactory(email="other@example.org"), website_plan)
    Subscription.objects.filter(pk=subscription.pk).update(store_reference="sub_200")
    new_end = (subscription.ends_at + timedelta(days=30)).isoformat()
    renewal = {
        "id": "evt_race",
        "type": "subscription.renewed",
        "data": {"reference": "sub_200", "ends_at": new_end},
    }
    responses = at_the_same_moment(*[lambda: signed_post(Client(), renewal)] * 4)

    statuses = [response.json()["status"] for response in responses]
    assert sorted(statuses) == ["already processed"] * 3 + ["processed"]
    assert WebhookDelivery.objects.filter(outcome="processed").count() == 1
    assert Subscription.objects.get(pk=subscription.pk).history.count() == 2
