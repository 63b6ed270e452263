"""The store's webhook: it tells us when a reader buys, renews or cancels a subscription.

Each request carries `Store-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`, the HMAC being of
`"<t>.<raw body>"` under SUBSCRIPTIONS_WEBHOOK_SECRET. Signing the time with the body lets us
refuse an old request replayed by someone who captured it; the event's `id` is its idempotency
key, so the store may deliver an event again (it will, after a timeout) without effect.

The body is one JSON object:

    {"id": "evt_123", "type": "subscription.created",
     "data": {"reference": "sub_9", "email": "reader@example.org", "plan": "website-monthly",
              "starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}}

`subscription.renewed` carries `reference` and the new `ends_at`; `subscription.cancelled`
only `reference`. Anything else (unknown fields, missing ones, wrong types) is refused with a
4xx and a reason, logged as a WebhookDelivery, and changes nothing.
"""

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from subscriptions import services
from subscriptions.models import Plan, Subscription, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Store-Signature"
MAX_BODY_BYTES = 64 * 1024

CREATED = "subscription.created"
RENEWED = "subscription.renewed"
CANCELLED = "subscription.cancelled"
# For each event type: the fields of `data` it must have, and those it may have.
EVENT_FIELDS = {
    CREATED: ({"reference", "email", "plan", "ends_at"}, {"starts_at"}),
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
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise Rejected(401, f"The {SIGNATURE_HEADER} header has no valid t= timestamp.") from None
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


def _parse_time(value, name):
    if not isinstance(value, str):
        raise Rejected(400, f"data.{name} must be a date and time as text, not {value!r}.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Rejected(400, f"data.{name} is not an ISO 8601 date and time: {value!r}.") from None
    if moment.tzinfo is None:
        raise Rejected(400, f"data.{name} must include a time zone offset: {value!r}.")
    return moment


def parse_event(body: bytes):
    """The event as (id, type, data) with times parsed, or Rejected(400) naming what is wrong."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Rejected(400, f"The body is not valid JSON: {error}.") from None
    if not isinstance(event, dict):
        raise Rejected(400, "The body must be a JSON object.")
    unknown = set(event) - TOP_LEVEL_FIELDS
    if unknown:
        raise Rejected(400, f"Unknown fields: {', '.join(sorted(unknown))}.")
    event_id, event_type, data = event.get("id"), event.get("type"), event.get("data")
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= 120 or "\x00" in event_id:
        raise Rejected(400, "id must be text of 1 to 120 characters (the event's idempotency key).")
    # A list or object here is unhashable: the membership test alone was a server error.
    if not isinstance(event_type, str) or event_type not in EVENT_FIELDS:
        raise Rejected(400, f"Unknown event type {event_type!r}; expected one of {', '.join(EVENT_FIELDS)}.")
    if not isinstance(data, dict):
        raise Rejected(400, "data must be a JSON object.")
    required, optional = EVENT_FIELDS[event_type]
    unknown = set(data) - required - optional
    if unknown:
        raise Rejected(400, f"Unknown fields in data for {event_type}: {', '.join(sorted(unknown))}.")
    missing = required - set(data)
    if missing:
        raise Rejected(400, f"Missing fields in data for {event_type}: {', '.join(sorted(missing))}.")
    for name in ("reference", "email", "plan"):
        # NUL ("\u0000" in JSON) cannot be stored or even looked up in PostgreSQL text.
        if name in data and (
            not isinstance(data[name], str) or not data[name].strip() or "\x00" in data[name]
        ):
            raise Rejected(400, f"data.{name} must be non-empty text, not {data[name]!r}.")
    for name in ("starts_at", "ends_at"):
        if name in data:
            data[name] = _parse_time(data[name], name)
    return event_id, event_type, data


def _subscription_by_reference(reference):
    subscription = Subscription.objects.select_for_update().filter(store_reference=reference).first()
    if subscription is None:
        raise Rejected(422, f"No subscription has the store reference {reference!r}.")
    return subscription


def apply_event(event_type, data, event_id):
    """Make the change the event describes. Raises Rejected(422) when it cannot apply."""
    reason = f"{event_type} from the store (event {event_id})"
    try:
        if event_type == CREATED:
            if Subscription.objects.filter(store_reference=data["reference"]).exists():
                raise Rejected(409, f"A subscription with the store reference {data['reference']!r} exists.")
            user = get_user_model().objects.filter(email__iexact=data["email"].strip()).first()
            if user is None:
                raise Rejected(422, f"No reader account has the address {data['email']!r}.")
            plan = Plan.objects.filter(slug=data["plan"]).first()
            if plan is None:
                raise Rejected(422, f"No plan has the slug {data['plan']!r}.")
            return services.start_subscription(
                user=user,
                plan=plan,
                starts_at=data.get("starts_at"),
                ends_at=data["ends_at"],
                store_reference=data["reference"],
                reason=reason,
            )
        subscription = _subscription_by_reference(data["reference"])
        if event_type == RENEWED:
            return services.renew_subscription(
                subscription=subscription, ends_at=data["ends_at"], reason=reason
            )
        return services.cancel_subscription(subscription=subscription, reason=reason)
    except ValidationError as error:
        raise Rejected(422, " ".join(error.messages)) from None


def handle_delivery(*, body: bytes, signature_header: str, remote_addr=None) -> Outcome:
    """Check, apply and log one delivery. Whatever the outcome, one WebhookDelivery row
    records it; only a processed event changes anything else."""
    log = WebhookDelivery(
        # PostgreSQL text cannot hold NUL, and a hostile body may carry one: stored, it was a 500.
        body_excerpt=body[:2000].decode("utf-8", errors="replace").replace("\x00", "\ufffd"),
        remote_addr=remote_addr or None,
    )
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
        event_id, event_type, data = parse_event(body)
        log.event_id, log.event_type = event_id, event_type
        try:
            with transaction.atomic():
                # Deliveries of one event wait for each other here, so the second sees the
                # first's outcome instead of applying the change on top of it.
                _lock_event(event_id)
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
        logger.warning("store webhook refused (%s): %s", rejection.status_code, rejection.reason)
        log.outcome, log.status_code, log.reason = (
            WebhookDelivery.Outcome.REJECTED,
            rejection.status_code,
            # A reason may quote the sender's field names, and PostgreSQL text cannot hold NUL.
            rejection.reason.replace("\x00", "\ufffd")[:300],
        )
        log.subscription = None
        log.save()
        return Outcome(rejection.status_code, "rejected", rejection.reason)


class _AlreadyProcessed(Exception):
    pass


def _lock_event(event_id):
    key = int.from_bytes(hashlib.sha256(f"store-event:{event_id}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _duplicate(log):
    log.outcome, log.status_code, log.reason = WebhookDelivery.Outcome.DUPLICATE, 200, "Already processed."
    log.save()
    return Outcome(200, "already processed")
