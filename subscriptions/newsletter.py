"""The free daily newsletter's list: sign-up with double opt-in, confirmation, unsubscribing.

Links in emails carry signed tokens, so neither confirming nor unsubscribing needs a login.
A confirmation token carries the address and the sections asked for: nothing about an
address changes until its owner follows the link, so nobody can sign up or re-section
someone else's address.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Section
from newsroom.lib.tasks import enqueue_on_commit
from newsroom.tasks import send_templated_email
from subscriptions.models import NewsletterSubscriber

CONFIRM_SALT = "subscriptions.newsletter.confirm"
UNSUBSCRIBE_SALT = "subscriptions.newsletter.unsubscribe"
CONFIRM_MAX_AGE_DAYS = 7

State = NewsletterSubscriber.State


class BadToken(Exception):
    pass


def normalise_email(email):
    return get_user_model().objects.normalize_email(email.strip())


def subscriber_for(email):
    return NewsletterSubscriber.objects.filter(email__iexact=email).first()


# Tokens ---------------------------------------------------------------------------------------


def confirm_token(email, section_ids):
    return signing.dumps({"e": email, "s": sorted(section_ids)}, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token):
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise BadToken(
            f"This confirmation link is more than {CONFIRM_MAX_AGE_DAYS} days old. "
            "Sign up again for a new one."
        ) from None
    except signing.BadSignature:
        raise BadToken("This confirmation link is not one we sent, or it was cut short.") from None
    return data["e"], data["s"]


def unsubscribe_token(subscriber_id):
    # No expiry: an unsubscribe link in an old email must still work.
    return signing.dumps(subscriber_id, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadToken("This unsubscribe link is not one we sent, or it was cut short.") from None


def unsubscribe_url(subscriber_id):
    return settings.SITE_URL + reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber_id)])


# Workflows ------------------------------------------------------------------------------------


@transaction.atomic
def request_sign_up(*, email, sections):
    """Record a pending sign-up (unless the address is already on the list) and email the
    confirmation link. What the page says afterwards is the same whatever the address's state,
    so the form does not tell strangers who is subscribed."""
    email = normalise_email(email)
    if subscriber_for(email) is None:
        NewsletterSubscriber.objects.create(email=email, state=State.PENDING)
    token = confirm_token(email, [section.pk for section in sections])
    enqueue_on_commit(
        send_templated_email,
        "email/newsletter_confirm",
        {
            "confirm_url": settings.SITE_URL + reverse("newsletter:confirm", args=[token]),
            "sections": [section.name for section in sections],
            "days": CONFIRM_MAX_AGE_DAYS,
        },
        [email],
    )


@transaction.atomic
def confirm(*, email, section_ids, user=None):
    """Put the address on the list with the sections from its confirmation (the latest wins)."""
    subscriber = NewsletterSubscriber.objects.select_for_update().filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = NewsletterSubscriber(email=email)
    account = user or get_user_model().objects.filter(email__iexact=email).first()
    subscriber.user = account or subscriber.user
    subscriber.state = State.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save()
    subscriber.sections.set(Section.objects.filter(pk__in=section_ids))
    return subscriber


def confirm_from_token(token):
    email, section_ids = read_confirm_token(token)
    return confirm(email=email, section_ids=section_ids)


def subscribe_signed_in_reader(*, user, sections):
    """A signed-in reader subscribing from their account: at once when their address is
    verified (they proved it is theirs), otherwise by the emailed link like anyone else.
    Returns True when they are subscribed now."""
    if user.has_verified_email:
        confirm(email=user.email, section_ids=[section.pk for section in sections], user=user)
        return True
    request_sign_up(email=user.email, sections=sections)
    return False


@transaction.atomic
def unsubscribe(subscriber):
    if subscriber.state != State.UNSUBSCRIBED:
        subscriber.state = State.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["state", "unsubscribed_at"])
    return subscriber


def subscriber_from_unsubscribe_token(token):
    subscriber_id = read_unsubscribe_token(token)
    subscriber = NewsletterSubscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        raise BadToken("This address is no longer on our list.")
    return subscriber


def reader_subscription(user):
    """The newsletter sign-up of a signed-in reader: linked to the account, or at its address."""
    return NewsletterSubscriber.objects.filter(user=user).order_by("-id").first() or subscriber_for(
        user.email
    )
