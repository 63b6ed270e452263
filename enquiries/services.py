"""Shares and enquiries from submission to delivery.

Submitting stores the record and queues its delivery once the transaction commits; delivery
runs in the task worker and may be retried, so it sends only what has not been sent yet.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from enquiries.models import Enquiry, Share, ShareRecipient
from newsroom.lib.mail import build_email
from newsroom.lib.sanitize import plain_text
from newsroom.lib.tasks import enqueue_on_commit
from newsroom.models import SiteSettings

logger = logging.getLogger(__name__)


# Email this article ------------------------------------------------------------------------


def share_article(*, article, sender_name, sender_email, recipients, note="", user=None, ip_address=None):
    """Log the share and queue one email per recipient."""
    from enquiries.tasks import send_share

    with transaction.atomic():
        share = Share.objects.create(
            article=article,
            sender_name=sender_name,
            sender_email=sender_email,
            note=note,
            user=user if user is not None and user.is_authenticated else None,
            ip_address=ip_address or None,
        )
        ShareRecipient.objects.bulk_create([ShareRecipient(share=share, email=email) for email in recipients])
        enqueue_on_commit(send_share, share.pk)
    return share


def share_email(share, article, recipient):
    """What one recipient gets. Only the headline, the standfirst and the link, whatever the
    article: premium text is never emailed, and nothing else of the article is either. The
    subject and headers come from us; the sender's words appear in the body only."""
    return build_email(
        "email/share_article",
        {
            "sender_name": share.sender_name,
            "sender_email": share.sender_email,
            "note": share.note,
            "headline": article.headline,
            "standfirst": plain_text(article.standfirst),
            "article_url": settings.SITE_URL + article.get_absolute_url(),
            "share_id": share.pk,
        },
        to=[recipient.email],
        reply_to=[share.sender_email],
    )


def deliver_share(share):
    """Send the share to each recipient not yet sent to; returns how many were sent now.

    Each recipient is taken by one conditional UPDATE of its `sent_at`, committed before its
    email goes out: a retry running beside a slow first attempt finds it taken, and a worker
    killed after the mail server accepted the email (but before it could say so) has already
    recorded it, so the recipient never gets it twice. A send that fails gives it back."""
    article = Article.objects.published().select_related("section").filter(pk=share.article_id).first()
    if article is None:
        logger.info("share %s not sent: its article is no longer published", share.pk)
        return 0
    sent = 0
    pending = share.recipients.filter(sent_at__isnull=True).values_list("pk", flat=True)
    for recipient_id in list(pending):
        taken = ShareRecipient.objects.filter(pk=recipient_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not taken:
            continue
        recipient = ShareRecipient.objects.get(pk=recipient_id)
        try:
            share_email(share, article, recipient).send()
        except Exception:
            # The mail server did not take it: the task's retry sends it.
            ShareRecipient.objects.filter(pk=recipient_id).update(sent_at=None)
            raise
        sent += 1
    return sent


# Enquiries ---------------------------------------------------------------------------------


def team_address(kind, article=None):
    """Where an enquiry of this kind goes: the section's editorial address for an article,
    otherwise the address configured for the team (the footer's, when the setting is blank)."""
    if kind == Enquiry.Kind.ARTICLE:
        section = article.section if article is not None else None
        return (section.editorial_email if section else "") or settings.ENQUIRIES_EDITORIAL_EMAIL
    furniture = SiteSettings.cached()["settings"]
    if kind == Enquiry.Kind.SUBSCRIBE:
        return (
            settings.ENQUIRIES_SUBSCRIPTIONS_EMAIL
            or furniture.subscribe_email
            or settings.ENQUIRIES_EDITORIAL_EMAIL
        )
    return (
        settings.ENQUIRIES_ADVERTISING_EMAIL
        or furniture.advertise_email
        or settings.ENQUIRIES_EDITORIAL_EMAIL
    )


def submit_enquiry(*, kind, name, email, message, phone="", article=None, user=None, ip_address=None):
    """Store the enquiry and queue the email to the team that answers it."""
    from enquiries.tasks import send_enquiry

    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            kind=kind,
            article=article,
            name=name,
            email=email,
            phone=phone,
            message=message,
            user=user if user is not None and user.is_authenticated else None,
            ip_address=ip_address or None,
            sent_to=team_address(kind, article),
        )
        enqueue_on_commit(send_enquiry, enquiry.pk)
    return enquiry


def enquiry_email(enquiry):
    article = enquiry.article
    return build_email(
        "email/enquiry",
        {
            "enquiry": enquiry,
            "kind": enquiry.get_kind_display(),
            "article_headline": article.headline if article else "",
            "article_url": settings.SITE_URL + article.get_absolute_url() if article else "",
            "admin_url": settings.SITE_URL + reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]),
        },
        to=[enquiry.sent_to],
        reply_to=[enquiry.email],
    )


def deliver_enquiry(enquiry_id):
    """Email the enquiry to its team once; returns whether it was sent now."""
    with transaction.atomic():
        enquiry = (
            Enquiry.objects.select_for_update(of=("self",))
            .select_related("article__section")
            .filter(pk=enquiry_id)
            .first()
        )
        if enquiry is None or enquiry.emailed_at is not None:
            return False
        enquiry_email(enquiry).send()
        enquiry.emailed_at = timezone.now()
        enquiry.save(update_fields=["emailed_at"])
    return True


def mark_enquiries(queryset, state):
    """Set the state of the given enquiries; returns how many changed."""
    return queryset.exclude(state=state).update(state=state)
