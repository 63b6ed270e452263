"""Generated and hostile deliveries to the store's webhook: malformed JSON, wrong types,
missing and unknown fields, control characters and lone surrogates, dates out of span, huge
numbers, deep nesting, bad and forged signatures. Every delivery is logged compactly (limits
are cleared between examples; tests/subscriptions/test_webhook_refusals.py covers them), and
only a valid, signed event changes a subscription."""

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from newsroom.lib.text import XML_FORBIDDEN
from subscriptions.models import (
    EARLIEST_SUBSCRIPTION_DATE,
    LATEST_SUBSCRIPTION_DATE,
    Plan,
    Subscription,
    WebhookDelivery,
)
from subscriptions.webhook import sign
from tests.factories import UserFactory
from tests.security.hostile import Example, assert_no_server_error, nasty_text

pytestmark = pytest.mark.django_db

SECRET = "whsec-fuzz-0123456789abcdef"

# Text no field may hold: controls, lone surrogates (json.dumps writes them as \\ud800 escapes,
# which json.loads turns back into lone surrogates) and the two non-characters XML forbids.
forbidden_text = st.text(
    st.one_of(st.characters(categories=["Cc", "Cs"]), st.sampled_from(["\ufffe", "\uffff", "a", "_"])),
    min_size=1,
    max_size=12,
)
json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text, forbidden_text
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
times = st.one_of(
    st.sampled_from(["2026-12-01T00:00:00+00:00", "2026-12-01T00:00:00", "9999-12-31T23:59:59+14:00",
                     "0001-01-01T00:00:00-23:59", "2026-02-30T00:00:00Z", "tomorrow",
                     "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2100-12-31T23:59:59-14:00",
                     "1999-12-31T23:30:00-01:00", "2101-01-01T09:00:00+14:00", "2026-12-01T00:00:00\x00Z"]),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    json_values,
)  # fmt: skip
events = st.fixed_dictionaries(
    {
        "id": st.one_of(st.builds(lambda n: f"evt_{n}", st.integers(0, 10**6)), json_values),
        "type": st.one_of(
            st.sampled_from(["subscription.created", "subscription.renewed", "subscription.cancelled"]),
            json_values,
        ),
        "data": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "reference": st.one_of(st.sampled_from(["sub_1", "sub_2"]), json_values),
                    "email": st.one_of(st.just("buyer@example.org"), json_values),
                    "plan": st.one_of(st.just("website-monthly"), json_values),
                    "starts_at": times,
                    "ends_at": times,
                },
            ),
            json_values,
        ),
    },
    optional={"extra": json_values},
)
bodies = st.one_of(
    events.map(lambda event: json.dumps(event).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=300),
    nasty_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.builds(lambda n: b'{"id": "' + b"x" * n + b'"}', st.integers(60_000, 70_000)),
    # Numbers past what Python converts, and nesting past what its parser recurses into.
    st.builds(lambda n: b'{"id": ' + b"9" * n + b"}", st.integers(4_000, 6_000)),
    st.builds(lambda n: b"[" * n + b"]" * n, st.integers(900, 30_000)),
)


def signatures(body):
    now = int(time.time())
    return st.one_of(
        st.just(sign(body, SECRET, now)),
        st.just(sign(body, SECRET, now - 10_000)),
        st.just(sign(body, "not-our-secret", now)),
        st.just(sign(body, SECRET, now).replace("v1=", "v1=0")),
        st.just(f"t={now},v1=,v1=" + "0" * 64),
        st.just("t=" + "9" * 400 + ",v1=00"),
        nasty_text,
        st.just(""),
    )


@pytest.fixture
def store(db, settings):
    settings.SUBSCRIPTIONS_WEBHOOK_SECRET = SECRET
    settings.SUBSCRIPTIONS_WEBHOOK_TOLERANCE_SECONDS = 300
    UserFactory(email="buyer@example.org")
    return Plan.objects.create(
        name="Website", slug="website-monthly", price="8.00", currency="gbp", unlocks=Plan.Unlocks.WEBSITE
    )


@given(data=st.data())
def test_the_webhook_survives_any_delivery(client, store, data):
    body = data.draw(bodies)
    header = data.draw(signatures(body))
    logged = WebhookDelivery.objects.count()
    with Example(Subscription, User, Plan) as example:
        response = example.request(client.post,
            "/subscriptions/webhook/", body, content_type="application/json",
            headers={"Store-Signature": header},
        )  # fmt: skip
        assert_no_server_error(response)
        assert WebhookDelivery.objects.count() == logged + 1, "every delivery is logged once"
        log = WebhookDelivery.objects.order_by("-id").first()
        for value in (log.reason, log.body_excerpt, log.event_id, log.event_type):
            assert not XML_FORBIDDEN.search(value)
        if not log.signature_valid:
            assert log.body_excerpt == "", "what an unsigned request says is not kept"
        for subscription in Subscription.objects.all():
            assert EARLIEST_SUBSCRIPTION_DATE <= subscription.starts_at < subscription.ends_at
            assert subscription.ends_at < LATEST_SUBSCRIPTION_DATE
        if response.status_code != 200:
            assert response.json()["status"] == "rejected"
            assert 0 < len(response.json()["reason"]) <= 300
            example.assert_unchanged(response)
