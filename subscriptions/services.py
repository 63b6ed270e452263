"""Changes to subscriptions, whoever makes them (the store's webhook, staff in the admin, the
account deletion), and the reminder sweep."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newsroom.lib.mail import build_email
from newsroom.lib.urls import absolute_url
from subscriptions.models import Subscription

logger = logging.getLogger(__name__)

State = Subscription.State


def _save(subscription, reason, fields=None):
    subscription._change_reason = reason  # simple-history keeps it with the new version
    try:
        if fields is None:
            subscription.full_clean()
            subscription.save()
        else:
            # The fields are not all checked (a subscription outlives its reader's account),
            # but the rules the database enforces are, so a breach reads as a plain reason.
            subscription.validate_constraints()
            subscription.save(update_fields=[*fields, "updated_at"])
    finally:
        del subscription._change_reason
    return subscription


@transaction.atomic
def start_subscription(
    *, user, plan, ends_at, starts_at=None, store_reference="", claim_email="", reason="Started"
):
    subscription = Subscription(
        user=user,
        claim_email=claim_email,
        plan=plan,
        starts_at=starts_at or timezone.now(),
        ends_at=ends_at,
        store_reference=store_reference,
        state=State.ACTIVE,
    )
    return _save(subscription, reason)


@transaction.atomic
def renew_subscription(*, subscription, ends_at, reason="Renewed"):
    """Extend to a later end date; a lapsed or cancelled subscription becomes current again."""
    if ends_at <= subscription.ends_at:
        raise ValidationError(
            f"A renewal must move the end date later than {subscription.ends_at.isoformat()}, "
            f"not to {ends_at.isoformat()}."
        )
    subscription.ends_at = ends_at
    subscription.state = State.ACTIVE
    subscription.cancelled_at = None
    return _save(subscription, reason, ["ends_at", "state", "cancelled_at"])


@transaction.atomic
def cancel_subscription(*, subscription, reason="Cancelled", at=None):
    """Access stops at once; the row stays, with its history, for the accounts."""
    if subscription.state == State.CANCELLED:
        return subscription
    subscription.state = State.CANCELLED
    subscription.cancelled_at = at or timezone.now()
    return _save(subscription, reason, ["state", "cancelled_at"])


def send_due_reminders(*, at=None):
    """Email each subscriber whose subscription ends within SUBSCRIPTIONS_REMINDER_DAYS, once
    per term. Safe to run as often as you like, from several processes at once: each
    subscription is locked while it is reminded and marked with the end date it was told of.

    Returns how many reminders were sent.
    """
    sent = 0
    due_ids = list(Subscription.objects.due_for_reminder(at=at).values_list("pk", flat=True))
    for pk in due_ids:
        with transaction.atomic():
            subscription = (
                Subscription.objects.due_for_reminder(at=at)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("plan", "user")
                .filter(pk=pk)
                .first()
            )
            if subscription is None:  # reminded meanwhile by another run, or changed
                continue
            message = build_email(
                "email/subscription_reminder",
                {
                    "name": subscription.user.public_name,
                    "plan": subscription.plan.name,
                    "ends_on": timezone.localdate(subscription.ends_at),
                    "subscribe_url": absolute_url(reverse("subscriptions:plans")),
                },
                to=[subscription.user.email],
            )
            message.send()
            # Saved after the send: a failed send leaves the term to be reminded next time.
            Subscription.objects.filter(pk=pk).update(reminded_for_end=subscription.ends_at)
            sent += 1
    return sent
