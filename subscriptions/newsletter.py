"""The free newsletter's list: sign-up with double opt-in, confirmation, preferences,
unsubscribing.

Links in emails carry signed tokens, so neither confirming, changing preferences nor
unsubscribing needs a login. A confirmation token carries the address and the choices asked
for: nothing about an address changes until its owner follows the link, so nobody can sign up
or re-section someone else's address. A preferences token carries the subscriber's id and
expires (NEWSLETTER_PREFERENCES_LINK_DAYS): every issue brings a fresh one, and a reader
without an issue at hand can have one emailed to the address on the list.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Section
from newsroom.lib.jobs import defer_on_commit
from newsroom.lib.urls import absolute_url
from newsroom.tasks import send_templated_email
from subscriptions.models import NewsletterSubscriber

CONFIRM_SALT = "subscriptions.newsletter.confirm"
UNSUBSCRIBE_SALT = "subscriptions.newsletter.unsubscribe"
PREFERENCES_SALT = "subscriptions.newsletter.preferences"
CONFIRM_MAX_AGE_DAYS = 7

State = NewsletterSubscriber.State
Frequency = NewsletterSubscriber.Frequency


class BadToken(Exception):
    pass


class ExpiredToken(BadToken):
    """A link we did send, but too long ago: the reader may ask for a fresh one."""


class NotOnList(BadToken):
    """A genuine link for an address that has since been deleted from the list."""


def normalise_email(email):
    return get_user_model().objects.normalize_email(email.strip())


def subscriber_for(email):
    return NewsletterSubscriber.objects.filter(email__iexact=email).first()


# Tokens ---------------------------------------------------------------------------------------


def confirm_token(email, section_ids, frequency=Frequency.DAILY):
    return signing.dumps(
        {"e": email, "s": sorted(section_ids), "f": frequency}, salt=CONFIRM_SALT, compress=True
    )


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
    # Links sent before readers could choose how often carry no frequency: they meant daily.
    frequency = data.get("f")
    return data["e"], data["s"], frequency if frequency in Frequency.values else Frequency.DAILY


def unsubscribe_token(subscriber_id):
    # No expiry: an unsubscribe link in an old email must still work.
    return signing.dumps(subscriber_id, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadToken("This unsubscribe link is not one we sent, or it was cut short.") from None


def unsubscribe_url(subscriber_id):
    return absolute_url(reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber_id)]))


def preferences_token(subscriber_id):
    return signing.dumps(subscriber_id, salt=PREFERENCES_SALT)


def read_preferences_token(token):
    days = settings.NEWSLETTER_PREFERENCES_LINK_DAYS
    try:
        subscriber_id = signing.loads(token, salt=PREFERENCES_SALT, max_age=days * 24 * 3600)
        # We only ever sign row ids; anything else was not made by preferences_token().
        if type(subscriber_id) is not int or not 0 < subscriber_id < 2**63:
            raise signing.BadSignature
        return subscriber_id
    except signing.SignatureExpired:
        raise ExpiredToken(
            f"This link to your newsletter choices is more than {days} days old, so it no longer "
            "works. We can email you a fresh one."
        ) from None
    except signing.BadSignature:
        raise BadToken(
            "This link is not one we sent, or it was cut short when it was copied. "
            "We can email you a fresh one."
        ) from None


def preferences_url(subscriber_id):
    return absolute_url(reverse("newsletter:preferences", args=[preferences_token(subscriber_id)]))


# Workflows ------------------------------------------------------------------------------------


@transaction.atomic
def request_sign_up(*, email, sections, frequency=Frequency.DAILY):
    """Record a pending sign-up (unless the address is already on the list) and email the
    confirmation link. What the page says afterwards is the same whatever the address's state,
    so the form does not tell strangers who is subscribed."""
    email = normalise_email(email)
    if subscriber_for(email) is None:
        NewsletterSubscriber.objects.create(email=email, state=State.PENDING)
    token = confirm_token(email, [section.pk for section in sections], frequency)
    defer_on_commit(
        send_templated_email,
        template="email/newsletter_confirm",
        context={
            "confirm_url": absolute_url(reverse("newsletter:confirm", args=[token])),
            "sections": [section.name for section in sections],
            "weekly": frequency == Frequency.WEEKLY,
            "days": CONFIRM_MAX_AGE_DAYS,
        },
        to=[email],
    )


@transaction.atomic
def confirm(*, email, section_ids, frequency=Frequency.DAILY, user=None):
    """Put the address on the list with the choices from its confirmation (the latest wins)."""
    subscriber = NewsletterSubscriber.objects.select_for_update().filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = NewsletterSubscriber(email=email)
    account = user or get_user_model().objects.filter(email__iexact=email).first()
    subscriber.user = account or subscriber.user
    subscriber.state = State.CONFIRMED
    subscriber.frequency = frequency
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save()
    subscriber.sections.set(Section.objects.filter(pk__in=section_ids))
    return subscriber


@transaction.atomic
def confirm_from_token(token):
    """Confirm from the emailed link. A newcomer to the list gets a welcome email with the link
    to their choices, so they can change them before the first issue comes."""
    email, section_ids, frequency = read_confirm_token(token)
    already = NewsletterSubscriber.objects.confirmed().filter(email__iexact=email).exists()
    subscriber = confirm(email=email, section_ids=section_ids, frequency=frequency)
    if not already:
        send_welcome(subscriber)
    return subscriber


def send_welcome(subscriber):
    defer_on_commit(
        send_templated_email,
        template="email/newsletter_welcome",
        context={
            "weekly": subscriber.frequency == Frequency.WEEKLY,
            "weekday": weekly_day_name(),
            "sections": [section.name for section in subscriber.sections.all()],
            "preferences_url": preferences_url(subscriber.pk),
            "unsubscribe_url": unsubscribe_url(subscriber.pk),
            "days": settings.NEWSLETTER_PREFERENCES_LINK_DAYS,
        },
        to=[subscriber.email],
    )


def weekly_day_name():
    return settings.NEWSLETTER_WEEKLY_DAY.capitalize()


def subscribe_signed_in_reader(*, user, sections, frequency=Frequency.DAILY):
    """A signed-in reader subscribing from their account: at once when their address is
    verified (they proved it is theirs), otherwise by the emailed link like anyone else.
    Returns True when they are subscribed now."""
    if user.has_verified_email:
        confirm(
            email=user.email,
            section_ids=[section.pk for section in sections],
            frequency=frequency,
            user=user,
        )
        return True
    request_sign_up(email=user.email, sections=sections, frequency=frequency)
    return False


@transaction.atomic
def save_preferences(subscriber, *, sections, frequency):
    subscriber.frequency = frequency
    subscriber.save(update_fields=["frequency"])
    subscriber.sections.set(sections)
    return subscriber


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


def subscriber_from_preferences_token(token):
    """The subscriber a preferences link belongs to. Raises BadToken (ExpiredToken, NotOnList)
    with words for the reader."""
    subscriber = NewsletterSubscriber.objects.filter(pk=read_preferences_token(token)).first()
    if subscriber is None:
        raise NotOnList(
            "This address is no longer on our newsletter list, so there are no choices to change "
            "and nothing has been changed."
        )
    return subscriber


def send_preferences_link(email):
    """Email a fresh preferences link if the address gets the newsletter. The caller tells
    everyone the same thing whatever happens here, so the form does not say who is subscribed."""
    subscriber = NewsletterSubscriber.objects.confirmed().filter(email__iexact=normalise_email(email)).first()
    if subscriber is None:
        return
    defer_on_commit(
        send_templated_email,
        template="email/newsletter_preferences_link",
        context={
            "preferences_url": preferences_url(subscriber.pk),
            "days": settings.NEWSLETTER_PREFERENCES_LINK_DAYS,
        },
        to=[subscriber.email],
    )


def reader_subscription(user):
    """The newsletter sign-up of a signed-in reader: linked to the account, or at its address."""
    return NewsletterSubscriber.objects.filter(user=user).order_by("-id").first() or subscriber_for(
        user.email
    )
