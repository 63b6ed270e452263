"""Paying at the external store, and purchases finding their reader's account.

A reader who chooses a plan gets a CheckoutAttempt and is sent to STORE_CHECKOUT_URL with a
reference: the attempt's random token, signed with our secret key, so nobody can name an
attempt they were not given or make one up. The store sends the reference back in its
subscription.created webhook (the `checkout` field), which links the purchase to that reader
whatever address they typed at the store, and the reader comes back to /subscriptions/return/,
whose page reads the attempt, never the store's word in the query string, for what happened.

Someone who pays at the store without an account here (no checkout reference, no account with
the address) gets an unclaimed subscription and an email; once an account verifies that
address, by signing up or adding it, the subscription becomes theirs (claim_for_address).
"""

import logging
import secrets
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newsroom.lib.jobs import defer_on_commit
from newsroom.lib.urls import absolute_url
from newsroom.tasks import send_templated_email
from subscriptions.models import CheckoutAttempt, Subscription

logger = logging.getLogger(__name__)

SIGNING_SALT = "subscriptions.checkout"


class BadReference(Exception):
    """A reference we did not issue, or one changed on the way."""


def store_configured():
    return bool(settings.STORE_CHECKOUT_URL)


def reference_for(attempt):
    # Signer's output uses only letters, digits, - _ and :, which the webhook's identifier
    # rule accepts.
    return signing.Signer(salt=SIGNING_SALT).sign(attempt.token)


def attempt_for_reference(reference, *, for_update=False):
    """The attempt a reference names, or BadReference when it is forged, damaged or unknown."""
    try:
        token = signing.Signer(salt=SIGNING_SALT).unsign(reference)
    except signing.BadSignature:
        raise BadReference("The checkout reference is not one we issued.") from None
    attempts = CheckoutAttempt.objects.select_related("plan", "subscription")
    if for_update:
        attempts = attempts.select_for_update(of=("self",))
    attempt = attempts.filter(token=token).first()
    if attempt is None:
        raise BadReference("The checkout reference names no checkout of ours.")
    return attempt


def start_checkout(*, user, plan):
    return CheckoutAttempt.objects.create(user=user, plan=plan, token=secrets.token_urlsafe(24))


def return_url(attempt):
    return absolute_url(f"{reverse('subscriptions:return')}?ref={quote(reference_for(attempt), safe='')}")


def store_checkout_url(attempt):
    """Where the reader pays: the configured template, every value URL-encoded by us."""
    return settings.STORE_CHECKOUT_URL.format(
        plan=quote(attempt.plan.slug, safe=""),
        reference=quote(reference_for(attempt), safe=""),
        return_url=quote(return_url(attempt), safe=""),
    )


def store_origin():
    """scheme://host[:port] of the checkout address, which our pages' forms may send readers to."""
    scheme, _, rest = settings.STORE_CHECKOUT_URL.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"


def mark_paid(attempt, subscription):
    attempt.state = CheckoutAttempt.State.PAID
    attempt.subscription = subscription
    attempt.finished_at = timezone.now()
    attempt.save(update_fields=["state", "subscription", "finished_at"])


def cancel_if_pending(attempt):
    """The reader came back saying they cancelled. Only a pending attempt changes, and only to
    cancelled: the query string can say anything, so it never grants or takes away access."""
    updated = CheckoutAttempt.objects.filter(pk=attempt.pk, state=CheckoutAttempt.State.PENDING).update(
        state=CheckoutAttempt.State.CANCELLED, finished_at=timezone.now()
    )
    attempt.refresh_from_db()
    return bool(updated)


def email_claim_link(subscription):
    """Tell someone who bought without an account how to get at what they bought."""
    # Queued once the purchase is committed: a refused or rolled-back event emails nobody, and
    # a mail server that is down does not make the store's delivery fail.
    defer_on_commit(
        send_templated_email,
        template="email/subscription_claim",
        context={
            "plan": subscription.plan.name,
            "email": subscription.claim_email,
            "signup_url": absolute_url(reverse("account_signup")),
            "login_url": absolute_url(reverse("account_login")),
        },
        to=[subscription.claim_email],
    )


def claim_for_address(user, email):
    """Attach every unclaimed subscription bought under `email` to `user`, who has just proved
    the address is theirs. Returns how many were claimed."""
    claimed = 0
    with transaction.atomic():
        unclaimed = Subscription.objects.select_for_update().filter(
            user__isnull=True, claim_email__iexact=email
        )
        for subscription in unclaimed:
            subscription.user = user
            subscription.claim_email = ""
            subscription._change_reason = f"Claimed by {email} after verifying the address"
            subscription.save(update_fields=["user", "claim_email", "updated_at"])
            claimed += 1
    if claimed:
        logger.info("%s claimed %s subscription(s) bought before the account existed", user.pk, claimed)
    return claimed


def claim_on_email_confirmed(request, email_address, **kwargs):
    """allauth's email_confirmed signal: a verified address claims what was bought under it."""
    claim_for_address(email_address.user, email_address.email)
