"""Bounces and spam complaints reported by the mail provider, and the suppression list they fill.

Every provider reports them in its own format, signed in its own way, so the parsing and
checking is django-anymail's: its tracking webhook for the provider named by
MAIL_EVENTS_PROVIDER answers at /mail/events/<provider>/, checks the provider's signature (where
there is one) and the HTTP basic-auth secret in the URL the provider was given, and sends
anymail's `tracking` signal with the event in one normalised shape. We listen for the events
that mean "stop writing to this address" and record the address; newsroom/lib/mail.py and the
digest leave suppressed addresses out of every message.
"""

import logging

from anymail.signals import EventType, tracking
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.mailjet import MailjetTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from anymail.webhooks.sparkpost import SparkPostTrackingWebhookView
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt

from newsroom.models import SuppressedAddress

logger = logging.getLogger(__name__)

TRACKING_VIEWS = {
    "amazon_ses": AmazonSESTrackingWebhookView,
    "brevo": BrevoTrackingWebhookView,
    "mailgun": MailgunTrackingWebhookView,
    "mailjet": MailjetTrackingWebhookView,
    "postmark": PostmarkTrackingWebhookView,
    "sendgrid": SendGridTrackingWebhookView,
    "sparkpost": SparkPostTrackingWebhookView,
}

# anymail reports a soft bounce (a full mailbox, a greylisting server) as "deferred", and only a
# permanent failure as "bounced", so one hard bounce is enough to stop.
SUPPRESSING_EVENTS = {
    EventType.BOUNCED: SuppressedAddress.Reason.BOUNCED,
    EventType.COMPLAINED: SuppressedAddress.Reason.COMPLAINED,
    EventType.REJECTED: SuppressedAddress.Reason.REJECTED,
}


@csrf_exempt
def mail_events(request, provider):
    """The configured provider's tracking webhook; any other provider's address is not found."""
    view = TRACKING_VIEWS.get(provider)
    if view is None or provider != settings.MAIL_EVENTS_PROVIDER:
        raise Http404("No mail events are taken at this address.")
    return view.as_view()(request)


def _is_soft_bounce(event):
    # anymail reports Postmark's SoftBounce (a full mailbox; a HardBounce follows if it lasts)
    # as "bounced", where every other provider's soft bounce is "deferred".
    return isinstance(event.esp_event, dict) and event.esp_event.get("Type") == "SoftBounce"


def _short(text, limit):
    # What a provider says goes into an admin list: one line, printable, bounded.
    text = " ".join(str(text or "").split())
    text = "".join(character for character in text if character.isprintable())
    return text[:limit]


@receiver(tracking, dispatch_uid="newsroom-mail-suppression")
def suppress_on_bounce_or_complaint(sender, event, esp_name, **kwargs):
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if reason is None or _is_soft_bounce(event):
        return
    address = (event.recipient or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        logger.warning("%s reported a %s for something that is not an address; ignored", esp_name, reason)
        return
    if SuppressedAddress.objects.matching([address]).exists():
        return
    try:
        with transaction.atomic():
            SuppressedAddress.objects.create(
                email=address,
                reason=reason,
                detail=_short(event.mta_response or event.description or event.reject_reason, 300),
                provider=_short(esp_name, 40),
            )
    except IntegrityError:
        return  # the same report arrived twice at once
    logger.info("suppressed an address after a %s reported by %s", reason, esp_name)
