"""The store's webhook: it tells us when a reader buys, renews or cancels a subscription.

Each request carries `Store-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`, the HMAC being of
`"<t>.<raw body>"` under SUBSCRIPTIONS_WEBHOOK_SECRET. Signing the time with the body lets us
refuse an old request replayed by someone who captured it; the event's `id` is its idempotency
key, so the store may deliver an event again (it will, after a timeout) without effect.

The body is one JSON object:

    {"id": "evt_123", "type": "subscription.created",
     "data": {"reference": "sub_9", "email": "reader@example.org", "plan": "website-monthly",
              "starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}}

A purchase that began with our "Subscribe" button also carries `"checkout"`: the signed
reference we gave the store (subscriptions/checkout.py). It names the reader, whatever address
the store has; one we did not issue is refused. Without it, the address finds the account that
has confirmed it; otherwise the purchase waits unclaimed and the address is emailed how to
claim it by confirming the address in an account.

`subscription.renewed` carries `reference` and the new `ends_at`; `subscription.cancelled`
only `reference`. Every field is checked before anything is looked up or stored: ids and
references are short ASCII identifiers, the plan a slug, the email an address, times ISO 8601
with an offset that lie in the years 2000 to 2100 once in UTC, and no text holds a control
character or a lone surrogate. Anything else (unknown fields, missing ones, repeated ones,
wrong types, numbers) is refused with a 4xx and a short reason, and changes nothing.

Signed deliveries are recorded as WebhookDelivery rows, refused or not. Unsigned ones are
anyone's: they are recorded without their body and within limits (see handle_delivery).
"""

import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from newsroom.lib import ratelimit
from newsroom.lib.locks import lock_until_commit
from newsroom.lib.text import XML_FORBIDDEN
from subscriptions import checkout, services
from subscriptions.models import (
    EARLIEST_SUBSCRIPTION_DATE,
    LATEST_SUBSCRIPTION_DATE,
    Plan,
    Subscription,
    WebhookDelivery,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Store-Signature"
# Anyone can send a request that is refused before its signature is checked, as fast as they
# like: each client address has this many refusals a REFUSAL_PERIOD answered in full, then
# 429s that leave no record; and whatever the addresses, at most REFUSAL_ROWS_PER_MINUTE of
# those refusals are recorded a minute (the log line still says each one).
UNSIGNED_REFUSALS_PER_ADDRESS = 20
REFUSAL_PERIOD = 60
REFUSAL_ROWS_PER_MINUTE = 100
# The start of a signed body is kept with its delivery; a whole event is a few hundred bytes.
EXCERPT_BYTES = 1000
TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
MAX_BODY_BYTES = 64 * 1024

CREATED = "subscription.created"
RENEWED = "subscription.renewed"
CANCELLED = "subscription.cancelled"
# For each event type: the fields of `data` it must have, and those it may have.
EVENT_FIELDS = {
    CREATED: ({"reference", "email", "plan", "ends_at"}, {"starts_at", "checkout"}),
    RENEWED: ({"reference", "ends_at"}, set()),
    CANCELLED: ({"reference"}, set()),
}
TOP_LEVEL_FIELDS = {"id", "type", "data"}


class Rejected(Exception):
    def __init__(self, status_code, reason):
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    status_code: int
    status: str
    reason: str = ""
    retry_after: int | None = None  # seconds, for a 429

    def as_json(self):
        return {"status": self.status, **({"reason": self.reason} if self.reason else {})}


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The header value the store sends with `body` at `timestamp` (also used by tests and
    by anyone writing a store integration)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(body: bytes, header: str, *, secret: str, tolerance: int, now: float | None = None):
    """Raise Rejected unless `header` signs `body` with our secret at a time near now."""
    if not header:
        raise Rejected(401, f"The {SIGNATURE_HEADER} header is missing.")
    parts = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    # Whole seconds in ASCII digits: int() would also take other scripts' digits, and a
    # timestamp of hundreds of digits cannot be compared with the clock.
    timestamp = parts.get("t", [""])[0]
    if not TIMESTAMP.fullmatch(timestamp):
        raise Rejected(401, f"The {SIGNATURE_HEADER} header has no valid t= timestamp.")
    timestamp = int(timestamp)
    signatures = parts.get("v1", [])
    if not signatures:
        raise Rejected(401, f"The {SIGNATURE_HEADER} header has no v1= signature.")
    expected = sign(body, secret, timestamp).split("v1=", 1)[1]
    # Constant-time comparison: a timing difference must not reveal how much of a guess is right.
    if not any(hmac.compare_digest(expected.encode(), candidate.encode()) for candidate in signatures):
        raise Rejected(401, "The signature does not match the body.")
    age = (now if now is not None else time.time()) - timestamp
    if abs(age) > tolerance:
        raise Rejected(
            401,
            f"The signature's timestamp is {int(abs(age))} seconds {'old' if age > 0 else 'ahead'}; "
            f"at most {tolerance} are accepted.",
        )


# What each field may hold. The checks run before anything is looked up or stored, so a value
# the database, the pages or the logs cannot hold (a NUL, a lone surrogate, a year the app
# cannot show, a number of 5,000 digits) is refused with a reason instead of failing later.
IDENTIFIER = re.compile(r"[A-Za-z0-9_.:-]{1,120}", re.ASCII)
IDENTIFIER_RULE = "1 to 120 letters, digits and the marks - _ . :"
PLAN_SLUG = re.compile(r"[A-Za-z0-9_-]{1,80}", re.ASCII)  # as a SlugField takes
MAX_EMAIL_LENGTH = 254
MAX_TIME_LENGTH = 40
# No field is a number, but a number anywhere must not cost more than reading it: Python
# refuses to convert more than 4,300 digits, and that refusal was a server error.
MAX_NUMBER_DIGITS = 20


def _shown(value):
    """A value quoted in a reason: escaped as Python writes it, and short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value, name, max_length):
    if not isinstance(value, str) or not value.strip():
        raise Rejected(400, f"{name} must be non-empty text, not {_shown(value)}.")
    if len(value) > max_length:
        raise Rejected(400, f"{name} is {len(value)} characters long; at most {max_length} are accepted.")
    if XML_FORBIDDEN.search(value):
        raise Rejected(400, f"{name} holds a control character or a lone surrogate: {_shown(value)}.")
    return value


def _identifier(value, name):
    _text(value, name, 120)
    if not IDENTIFIER.fullmatch(value):
        raise Rejected(400, f"{name} must be {IDENTIFIER_RULE}, not {_shown(value)}.")
    return value


def _plan_slug(value, name):
    _text(value, name, 80)
    if not PLAN_SLUG.fullmatch(value):
        raise Rejected(400, f"{name} must be a plan's slug (letters, digits, - and _), not {_shown(value)}.")
    return value


def _email(value, name):
    _text(value, name, MAX_EMAIL_LENGTH)
    try:
        validate_email(value.strip())
    except ValidationError:
        raise Rejected(400, f"{name} is not an email address: {_shown(value)}.") from None
    return value.strip()


def _moment(value, name):
    _text(value, name, MAX_TIME_LENGTH)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Rejected(400, f"{name} is not an ISO 8601 date and time: {_shown(value)}.") from None
    if moment.tzinfo is None:
        raise Rejected(400, f"{name} must include a time zone offset: {_shown(value)}.")
    span = f"between {EARLIEST_SUBSCRIPTION_DATE:%Y} and {LATEST_SUBSCRIPTION_DATE.year - 1} in UTC"
    try:
        # An offset can carry a date over a year's edge: 9999-12-31T23:59:59-14:00 is in
        # year 10,000 in UTC, which Python cannot represent.
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise Rejected(400, f"{name} must lie {span}, not {_shown(value)}.") from None
    if not EARLIEST_SUBSCRIPTION_DATE <= moment < LATEST_SUBSCRIPTION_DATE:
        raise Rejected(400, f"{name} must lie {span}, not {_shown(value)}.")
    return moment


DATA_FIELDS = {
    "reference": _identifier,
    "email": _email,
    "plan": _plan_slug,
    "starts_at": _moment,
    "ends_at": _moment,
    "checkout": _identifier,
}


def _number(digits):
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise Rejected(400, f"The body holds a number of {len(digits)} digits; no field takes a number.")
    return int(digits)


def _refuse_constant(name):
    raise Rejected(400, f"The body is not valid JSON: {name} is not a JSON value.")


def _object_without_repeats(pairs):
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise Rejected(400, "The body names a field twice in one object.")
    return dict(pairs)


def _decode(body):
    try:
        return json.loads(
            body.decode("utf-8"),
            parse_int=_number,
            parse_constant=_refuse_constant,
            object_pairs_hook=_object_without_repeats,
        )
    except UnicodeDecodeError:
        raise Rejected(400, "The body is not valid JSON: it is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise Rejected(400, f"The body is not valid JSON: {error}.") from None
    except RecursionError:
        raise Rejected(400, "The body is nested too deeply to read.") from None


def parse_event(body: bytes):
    """The event as (id, type, data), every field checked and times parsed into UTC, or
    Rejected(400) naming what is wrong."""
    event = _decode(body)
    if not isinstance(event, dict):
        raise Rejected(400, "The body must be a JSON object.")
    unknown = set(event) - TOP_LEVEL_FIELDS
    if unknown:
        raise Rejected(400, f"Unknown fields: {_names(unknown)}.")
    event_id, event_type, data = event.get("id"), event.get("type"), event.get("data")
    if not isinstance(event_id, str) or not IDENTIFIER.fullmatch(event_id):
        raise Rejected(400, f"id must be text of {IDENTIFIER_RULE} (the event's idempotency key).")
    # A list or object here is unhashable: the membership test alone was a server error.
    if not isinstance(event_type, str) or event_type not in EVENT_FIELDS:
        raise Rejected(
            400, f"Unknown event type {_shown(event_type)}; expected one of {', '.join(EVENT_FIELDS)}."
        )
    if not isinstance(data, dict):
        raise Rejected(400, "data must be a JSON object.")
    required, optional = EVENT_FIELDS[event_type]
    unknown = set(data) - required - optional
    if unknown:
        raise Rejected(400, f"Unknown fields in data for {event_type}: {_names(unknown)}.")
    missing = required - set(data)
    if missing:
        raise Rejected(400, f"Missing fields in data for {event_type}: {', '.join(sorted(missing))}.")
    checked = {name: DATA_FIELDS[name](value, f"data.{name}") for name, value in data.items()}
    return event_id, event_type, checked


def _names(fields):
    """Unknown field names, as the sender wrote them but escaped and few."""
    shown = [_shown(name)[1:-1] for name in sorted(fields)[:5]]
    return ", ".join(shown) + (f" and {len(fields) - 5} more" if len(fields) > 5 else "")


def _subscription_by_reference(reference):
    subscription = Subscription.objects.select_for_update().filter(store_reference=reference).first()
    if subscription is None:
        raise Rejected(422, f"No subscription has the store reference {reference!r}.")
    return subscription


def _complete_checkout(data, plan, reason):
    """A purchase that began at our checkout: it belongs to the reader who started it."""
    try:
        attempt = checkout.attempt_for_reference(data["checkout"], for_update=True)
    except checkout.BadReference as error:
        raise Rejected(422, f"data.checkout: {error}") from None
    if attempt.state == attempt.State.PAID:
        raise Rejected(409, "data.checkout: that checkout has already been paid for by another purchase.")
    if attempt.plan_id != plan.pk:
        raise Rejected(
            422, f"data.plan is {plan.slug!r} but the reader chose {attempt.plan.slug!r} at checkout."
        )
    subscription = services.start_subscription(
        user=attempt.user,
        plan=plan,
        starts_at=data.get("starts_at"),
        ends_at=data["ends_at"],
        store_reference=data["reference"],
        reason=f"{reason}, checkout {attempt.pk}",
    )
    # Paid even if the reader had come back saying they cancelled, or took a day: the store's
    # signed word that the money arrived is what counts.
    checkout.mark_paid(attempt, subscription)
    return subscription


def apply_event(event_type, data, event_id):
    """Make the change the event describes. Raises Rejected(422) when it cannot apply."""
    reason = f"{event_type} from the store (event {event_id})"
    try:
        if event_type == CREATED:
            if Subscription.objects.filter(store_reference=data["reference"]).exists():
                raise Rejected(409, f"A subscription with the store reference {data['reference']!r} exists.")
            plan = Plan.objects.filter(slug=data["plan"]).first()
            if plan is None:
                raise Rejected(422, f"No plan has the slug {data['plan']!r}.")
            if "checkout" in data:
                return _complete_checkout(data, plan, reason)
            # Only an account that has proved the address is its own: anyone can sign up with
            # someone else's address and never confirm it. The purchase otherwise waits for
            # whoever confirms the address (subscriptions/checkout.py).
            user = get_user_model().objects.filter(email__iexact=data["email"]).first()
            if user is not None and not user.has_verified_email:
                user = None
            subscription = services.start_subscription(
                user=user,
                plan=plan,
                starts_at=data.get("starts_at"),
                ends_at=data["ends_at"],
                store_reference=data["reference"],
                claim_email="" if user else data["email"],
                reason=reason if user else f"{reason}, waiting for {data['email']} to claim it",
            )
            if user is None:
                checkout.email_claim_link(subscription)
            return subscription
        subscription = _subscription_by_reference(data["reference"])
        if event_type == RENEWED:
            return services.renew_subscription(
                subscription=subscription, ends_at=data["ends_at"], reason=reason
            )
        return services.cancel_subscription(subscription=subscription, reason=reason)
    except ValidationError as error:
        raise Rejected(422, " ".join(error.messages)) from None


def handle_delivery(*, body: bytes, signature_header: str, remote_addr=None) -> Outcome:
    """Check, apply and log one delivery; only a processed event changes anything else.

    A signed delivery is always recorded as a WebhookDelivery with the start of its body. A
    refusal before the signature is verified is anyone's request: it is recorded without its
    body, at most REFUSAL_ROWS_PER_MINUTE such rows are kept a minute, and an address that
    passes UNSIGNED_REFUSALS_PER_ADDRESS a minute is answered 429 and recorded nowhere."""
    log = WebhookDelivery(remote_addr=remote_addr or None)
    try:
        secret = settings.SUBSCRIPTIONS_WEBHOOK_SECRET
        if not secret:
            raise Rejected(503, "The webhook is not configured (no shared secret is set).")
        if len(body) > MAX_BODY_BYTES:
            raise Rejected(413, f"The body is {len(body)} bytes; at most {MAX_BODY_BYTES} are accepted.")
        verify_signature(
            body, signature_header, secret=secret, tolerance=settings.SUBSCRIPTIONS_WEBHOOK_TOLERANCE_SECONDS
        )
        log.signature_valid = True
        log.body_excerpt = _excerpt(body)
        event_id, event_type, data = parse_event(body)
        log.event_id, log.event_type = event_id, event_type
        try:
            with transaction.atomic():
                # Deliveries of one event wait for each other here, so the second sees the
                # first's outcome instead of applying the change on top of it.
                lock_until_commit("store-event", event_id)
                if WebhookDelivery.objects.filter(
                    event_id=event_id, outcome=WebhookDelivery.Outcome.PROCESSED
                ).exists():
                    raise _AlreadyProcessed
                log.subscription = apply_event(event_type, data, event_id)
                log.outcome, log.status_code = WebhookDelivery.Outcome.PROCESSED, 200
                log.save()
        except _AlreadyProcessed:
            return _duplicate(log)
        except IntegrityError:
            # Ours was rolled back whole. Usually another delivery of the same event committed
            # first; otherwise a concurrent event claimed the same store reference.
            log.pk, log.subscription = None, None
            if WebhookDelivery.objects.filter(
                event_id=event_id, outcome=WebhookDelivery.Outcome.PROCESSED
            ).exists():
                return _duplicate(log)
            raise Rejected(
                409, "A concurrent change to the same subscription won; send the event again."
            ) from None
        return Outcome(200, "processed")
    except Rejected as rejection:
        if not log.signature_valid:
            verdict = ratelimit.hit(
                "store-webhook-unsigned",
                remote_addr or "unknown",
                limit=UNSIGNED_REFUSALS_PER_ADDRESS,
                period=REFUSAL_PERIOD,
            )
            if not verdict.allowed:
                return _too_many(remote_addr, verdict)
        return _refuse(log, rejection)


def _excerpt(body):
    # Signed bodies only, decoded as text the database and the admin can hold: PostgreSQL
    # text cannot hold NUL, and stored, it was a 500.
    text = body[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    return XML_FORBIDDEN.sub("\ufffd", text)


def _refuse(log, rejection):
    # Reasons quote the sender's values escaped (_shown), so they are printable and short.
    reason = rejection.reason[:300]
    logger.warning(
        "store webhook refused (%s) from %s: %s", rejection.status_code, log.remote_addr or "unknown", reason
    )
    log.outcome, log.status_code, log.reason = WebhookDelivery.Outcome.REJECTED, rejection.status_code, reason
    log.subscription = None
    # A signed refusal is the store's own request, always worth keeping; unsigned ones are
    # kept while they are few, whatever addresses they come from.
    if (
        log.signature_valid
        or ratelimit.hit(
            "store-webhook-refusal-rows", "all", limit=REFUSAL_ROWS_PER_MINUTE, period=60
        ).allowed
    ):
        log.save()
    return Outcome(rejection.status_code, "rejected", rejection.reason)


def _too_many(remote_addr, verdict):
    # Once per address and period: the flood itself must not flood the log.
    first_this_period = ratelimit.hit(
        "store-webhook-flood-logged", remote_addr or "unknown", limit=1, period=REFUSAL_PERIOD
    ).allowed
    if first_this_period:
        logger.warning(
            "store webhook: %s passed %s refused deliveries in %s seconds; the rest are answered "
            "429 and not recorded",
            remote_addr or "unknown",
            UNSIGNED_REFUSALS_PER_ADDRESS,
            REFUSAL_PERIOD,
        )
    return Outcome(
        429,
        "rejected",
        f"Too many refused deliveries from this address; try again in {verdict.retry_after} seconds.",
        retry_after=verdict.retry_after,
    )


class _AlreadyProcessed(Exception):
    pass


def _duplicate(log):
    log.outcome, log.status_code, log.reason = WebhookDelivery.Outcome.DUPLICATE, 200, "Already processed."
    log.save()
    return Outcome(200, "already processed")
