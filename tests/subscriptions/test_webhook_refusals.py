"""Unsigned requests to the webhook are anyone's: they are recorded compactly, without what they
said, and a flood of them cannot fill the database or the log, nor lock the store out."""

import json
import logging

import pytest
import time_machine

from newsroom.lib import ratelimit
from subscriptions import webhook
from subscriptions.models import Subscription, WebhookDelivery

from .conftest import signed_post

pytestmark = pytest.mark.django_db

EVENT = {
    "id": "evt_1",
    "type": "subscription.created",
    "data": {"reference": "sub_100", "email": "subscriber@example.org", "plan": "website-monthly",
             "starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"},
}  # fmt: skip
# A 2,000-character body, as the probe sent.
PADDED = json.dumps({**EVENT, "padding": "x" * 1800}).encode()


@pytest.fixture
def frozen_clock():
    # The limits count per minute: a test running across a minute's edge must not start over.
    with time_machine.travel("2026-11-15T10:00:05Z", tick=False):
        yield


def unsigned_post(client, *, address="203.0.113.7", header="t=1,v1=00", body=PADDED):
    return client.post(
        "/subscriptions/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STORE_SIGNATURE=header,
        REMOTE_ADDR=address,
    )


@pytest.mark.parametrize(
    "header",
    ["", "t=1,v1=00", "v1=" + "0" * 64, "t=9999999999,v1=" + "f" * 64],
    ids=["no header", "bad signature", "no timestamp", "future timestamp"],
)
def test_an_unsigned_request_is_recorded_without_its_body(client, subscriber, website_plan, header):
    response = unsigned_post(client, header=header)

    assert response.status_code == 401
    [log] = WebhookDelivery.objects.all()
    assert (log.outcome, log.status_code, log.signature_valid) == ("rejected", 401, False)
    assert log.body_excerpt == ""
    assert (log.event_id, log.event_type) == ("", "")
    assert str(log.remote_addr) == "203.0.113.7"
    assert 0 < len(log.reason) <= 300


def test_300_unsigned_requests_from_one_address_leave_20_records_then_429s(
    client, subscriber, website_plan, frozen_clock, caplog
):
    caplog.set_level(logging.WARNING, "subscriptions.webhook")

    statuses = [unsigned_post(client).status_code for _ in range(300)]

    limit = webhook.UNSIGNED_REFUSALS_PER_ADDRESS
    assert statuses == [401] * limit + [429] * (300 - limit)
    assert WebhookDelivery.objects.count() == limit
    lines = [record.getMessage() for record in caplog.records]
    assert len([line for line in lines if "store webhook refused (401)" in line]) == limit
    assert len([line for line in lines if "passed 20 refused deliveries" in line]) == 1
    assert not Subscription.objects.exists()


def test_a_429_says_when_to_try_again(client, subscriber, website_plan, frozen_clock):
    for _ in range(webhook.UNSIGNED_REFUSALS_PER_ADDRESS):
        unsigned_post(client)

    response = unsigned_post(client)

    # The window slides: the first refusals leave it a whole period after they were made.
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "status": "rejected",
        "reason": "Too many refused deliveries from this address; try again in 60 seconds.",
    }


def test_the_limit_is_per_address_and_lifts_after_the_minute(client, subscriber, website_plan, frozen_clock):
    for _ in range(webhook.UNSIGNED_REFUSALS_PER_ADDRESS):
        unsigned_post(client)

    assert unsigned_post(client).status_code == 429
    assert unsigned_post(client, address="198.51.100.9").status_code == 401
    with time_machine.travel("2026-11-15T10:01:05Z", tick=False):
        assert unsigned_post(client).status_code == 401


def test_the_store_is_never_locked_out_by_refusals_from_its_address(
    client, subscriber, website_plan, frozen_clock
):
    for _ in range(webhook.UNSIGNED_REFUSALS_PER_ADDRESS + 5):
        unsigned_post(client, address="127.0.0.1")

    response = signed_post(client, EVENT)

    assert response.status_code == 200
    assert Subscription.objects.get().store_reference == "sub_100"


def test_refusals_from_many_addresses_are_recorded_only_up_to_the_site_wide_cap(
    client, subscriber, website_plan, frozen_clock, monkeypatch
):
    monkeypatch.setattr(webhook, "REFUSAL_ROWS_PER_MINUTE", 10)

    statuses = [unsigned_post(client, address=f"2001:db8::{n:x}").status_code for n in range(40)]

    assert statuses == [401] * 40  # each is still told why
    assert WebhookDelivery.objects.count() == 10


def test_signed_refusals_are_always_recorded(client, subscriber, website_plan, frozen_clock, monkeypatch):
    monkeypatch.setattr(webhook, "REFUSAL_ROWS_PER_MINUTE", 1)
    for _ in range(webhook.UNSIGNED_REFUSALS_PER_ADDRESS + 5):
        unsigned_post(client, address="127.0.0.1")

    statuses = [
        signed_post(client, {**EVENT, "id": f"evt_{n}", "type": "nope"}).status_code for n in range(30)
    ]

    assert statuses == [400] * 30
    assert WebhookDelivery.objects.filter(signature_valid=True).count() == 30
    assert WebhookDelivery.objects.filter(signature_valid=False).count() == 1


def test_when_the_limit_cannot_count_unsigned_requests_are_refused_and_not_recorded(
    client, subscriber, website_plan, monkeypatch
):
    # What newsroom.lib.ratelimit answers when its cache cannot count: not allowed.
    def cannot_count(scope, identity, *, limit, period):
        return ratelimit.Verdict(allowed=False, count=limit + 1, retry_after=period)

    monkeypatch.setattr(webhook.ratelimit, "hit", cannot_count)

    assert unsigned_post(client).status_code == 429
    assert not WebhookDelivery.objects.exists()
    assert signed_post(client, EVENT).status_code == 200
    assert signed_post(client, {**EVENT, "id": "evt_2", "type": "nope"}).status_code == 400
    assert WebhookDelivery.objects.count() == 2
