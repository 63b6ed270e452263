"""Every field of a signed store event is checked for type and range before anything is looked
up or stored: a refused event answers 400 with a short reason, changes nothing, and leaves one
compact record. Dates are judged in UTC, so an offset cannot carry one out of the span."""

import json
import logging
from datetime import UTC, datetime

import pytest

from newsroom.lib.text import XML_FORBIDDEN
from subscriptions.models import Subscription, WebhookDelivery
from subscriptions.webhook import EXCERPT_BYTES

from .conftest import signed_post

pytestmark = pytest.mark.django_db

STARTS = "2026-11-01T00:00:00+00:00"
ENDS = "2026-12-01T00:00:00+00:00"


def created(event_id="evt_1", **data):
    return {
        "id": event_id,
        "type": "subscription.created",
        "data": {"reference": "sub_100", "email": "subscriber@example.org", "plan": "website-monthly",
                 "starts_at": STARTS, "ends_at": ENDS, **data},
    }  # fmt: skip


def encoded(event):
    # json.dumps writes a lone surrogate as the \ud800 escape, as a sender would.
    return json.dumps(event).encode()


def raw_number(digits):
    """A body whose ends_at is an integer written out in full (json.dumps cannot write 5,000
    digits: Python refuses to convert them)."""
    return encoded(created(ends_at="NUMBER")).replace(b'"NUMBER"', digits.encode())


BAD_EVENTS = {
    # Dates that leave the span once in UTC, or are not dates at all.
    "ends in 9999 at -14:00": created(ends_at="9999-12-31T23:59:59-14:00"),
    "starts in year 1 at +14:00": created(starts_at="0001-01-01T00:00:00+14:00"),
    "ends in 2100 at -14:00": created(ends_at="2100-12-31T23:59:59-14:00"),
    "starts in 1999": created(starts_at="1999-12-31T23:59:59+00:00"),
    "ends in year 1": created(ends_at="0001-01-01T00:00:00Z"),
    "ends with a 5,000-character time": created(ends_at="2026-12-01T00:00:00" + "0" * 5000 + "+00:00"),
    "ends as a number": created(ends_at=1798761600),
    "ends as true": created(ends_at=True),
    "ends as an object": created(ends_at={"$date": ENDS}),
    "ends as a list": created(ends_at=[ENDS]),
    "ends as null": created(ends_at=None),
    "ends with NUL": created(ends_at="2026-12-01T00:00:00\x00+00:00"),
    # The idempotency key.
    "id a lone surrogate": created(event_id="\ud800"),
    "id ending in a lone surrogate": created(event_id="evt_\udfff"),
    "id with NUL": created(event_id="evt_\x00"),
    "id with a control character": created(event_id="evt\x07"),
    "id of 121 characters": created(event_id="e" * 121),
    "id 2**63": created(event_id=2**63),
    "id true": created(event_id=True),
    "id an object": created(event_id={"id": "evt_1"}),
    "id with a space": created(event_id="evt 1"),
    "id not in ASCII": created(event_id="évt_1"),
    # The store's reference for the subscription.
    "reference a lone surrogate": created(reference="\udfff"),
    "reference with a control character": created(reference="sub\x01"),
    "reference with a line break": created(reference="sub_9\n"),
    "reference 2**63": created(reference=2**63),
    "reference a list": created(reference=[]),
    "reference of 500 characters": created(reference="s" * 500),
    # The reader's address.
    "email with a lone surrogate": created(email="a\ud800@example.org"),
    "email with NUL": created(email="reader\x00@example.org"),
    "email quoting a control character": created(email='"\x07"@example.org'),
    "email an object": created(email={"address": "subscriber@example.org"}),
    "email false": created(email=False),
    "email not an address": created(email="subscriber at example.org"),
    "email of 300 characters": created(email="a" * 288 + "@example.org"),
    # The plan.
    "plan with a lone surrogate": created(plan="website-monthly\ud800"),
    "plan U+FFFE": created(plan="\ufffe"),
    "plan U+FFFF": created(plan="website\uffff"),
    "plan a number": created(plan=42),
    "plan a list": created(plan=["website-monthly"]),
    "plan not a slug": created(plan="Website Monthly"),
    # The event type.
    "type a list": {**created(), "type": ["subscription.created"]},
    "type a lone surrogate": {**created(), "type": "\ud800"},
}

BAD_BODIES = {
    "a 5,000-digit integer": raw_number("9" * 5000),
    "a 5,000-digit negative integer": raw_number("-" + "9" * 5000),
    "2**63 as a number": raw_number(str(2**63)),
    "NaN": raw_number("NaN"),
    "Infinity": raw_number("-Infinity"),
    "an id named twice": b'{"id": "evt_1", "id": "evt_2", "type": "subscription.cancelled",'
    b' "data": {"reference": "sub_100"}}',
    "nested 20,000 deep": b"[" * 20_000 + b"]" * 20_000,
    "not UTF-8": b'{"id": "\xff\xfe"}',
    "a byte order mark": b"\xef\xbb\xbf" + encoded(created()),
}


def assert_refused_compactly(response, caplog):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == "rejected"
    assert 0 < len(body["reason"]) <= 300
    assert not XML_FORBIDDEN.search(body["reason"])
    assert not Subscription.objects.exists()
    [log] = WebhookDelivery.objects.all()
    assert (log.outcome, log.status_code, log.signature_valid) == ("rejected", 400, True)
    assert log.event_id == ""
    assert log.subscription is None
    assert log.reason == body["reason"]
    assert len(log.body_excerpt) <= EXCERPT_BYTES
    for value in (log.reason, log.body_excerpt, log.event_type):
        assert not XML_FORBIDDEN.search(value)
    [line] = [record.getMessage() for record in caplog.records if "store webhook refused" in record.message]
    assert "\n" not in line
    assert len(line) < 400


@pytest.mark.parametrize("event", BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_a_signed_event_with_a_bad_field_is_refused_and_stores_nothing(
    client, subscriber, website_plan, caplog, event
):
    caplog.set_level(logging.WARNING, "subscriptions.webhook")

    response = signed_post(client, encoded(event))

    assert_refused_compactly(response, caplog)


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_signed_body_json_cannot_hold_safely_is_refused(client, subscriber, website_plan, caplog, body):
    caplog.set_level(logging.WARNING, "subscriptions.webhook")

    response = signed_post(client, body)

    assert_refused_compactly(response, caplog)


def test_the_reason_names_the_field_and_the_span_in_plain_words(client, subscriber, website_plan):
    response = signed_post(client, created(ends_at="9999-12-31T23:59:59-14:00"))

    assert response.json()["reason"] == (
        "data.ends_at must lie between 2000 and 2100 in UTC, not '9999-12-31T23:59:59-14:00'."
    )


def test_a_long_value_is_quoted_short_in_the_reason(client, subscriber, website_plan):
    response = signed_post(client, created(plan="x" * 5000))

    reason = response.json()["reason"]
    assert reason == "data.plan is 5000 characters long; at most 80 are accepted."
    response = signed_post(client, created(event_id="evt_2", email="<" * 200 + "@example.org"))
    assert len(response.json()["reason"]) < 150


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "stored_start", "stored_end"),
    [
        # An offset carries these into the span once in UTC: they are accepted.
        ("1999-12-31T23:30:00-01:00", ENDS, datetime(2000, 1, 1, 0, 30, tzinfo=UTC), None),
        (STARTS, "2100-12-31T23:00:00+14:00", None, datetime(2100, 12, 31, 9, 0, tzinfo=UTC)),
        (STARTS, "2101-01-01T09:00:00+14:00", None, datetime(2100, 12, 31, 19, 0, tzinfo=UTC)),
    ],
)
def test_the_span_is_judged_in_utc(
    client, subscriber, website_plan, starts_at, ends_at, stored_start, stored_end
):
    response = signed_post(client, created(starts_at=starts_at, ends_at=ends_at))

    assert response.status_code == 200, response.json()
    subscription = Subscription.objects.get()
    assert subscription.starts_at == (stored_start or datetime(2026, 11, 1, tzinfo=UTC))
    assert subscription.ends_at == (stored_end or datetime(2026, 12, 1, tzinfo=UTC))


def test_a_renewal_into_year_10000_is_refused_and_the_end_stays(client, subscriber, website_plan):
    signed_post(client, created())
    renewal = {"id": "evt_2", "type": "subscription.renewed",
               "data": {"reference": "sub_100", "ends_at": "9999-12-31T23:59:59-14:00"}}  # fmt: skip

    response = signed_post(client, renewal)

    assert response.status_code == 400
    assert Subscription.objects.get().ends_at == datetime(2026, 12, 1, tzinfo=UTC)
    client.force_login(subscriber)
    assert client.get("/accounts/").status_code == 200


def test_a_signed_refusal_keeps_the_start_of_its_body_for_staff(client, subscriber, website_plan):
    response = signed_post(client, created(coupon="x" * 5000))

    assert response.status_code == 400
    log = WebhookDelivery.objects.get()
    assert log.body_excerpt.startswith('{"id": "evt_1", "type": "subscription.created"')
    assert len(log.body_excerpt) == EXCERPT_BYTES


@pytest.mark.parametrize(
    "header",
    ["t=" + "9" * 400 + ",v1=00", "t=١٧٠٠٠٠٠٠٠٠,v1=00", "t=-5,v1=00", "t=1.5,v1=00", "t=,v1=00"],
    ids=["400 digits", "arabic-indic digits", "negative", "fraction", "empty"],
)
def test_a_timestamp_that_is_not_whole_ascii_seconds_is_refused(client, subscriber, website_plan, header):
    response = signed_post(client, created(), header=header)

    assert response.status_code == 401
    assert response.json()["reason"] == "The Store-Signature header has no valid t= timestamp."
    assert not Subscription.objects.exists()
