"""Shares and enquiries from submission to delivery.

Submitting stores the record and queues its delivery once the transaction commits; delivery
runs in the task worker and may be retried, so it sends only what has not been sent yet.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import notifications
from articles import services as editorial
from articles.models import Article
from enquiries import checks
from enquiries.models import Enquiry, ErrorReport, Share, ShareRecipient
from newsroom.lib.jobs import defer_on_commit
from newsroom.lib.mail import build_email
from newsroom.lib.sanitize import plain_text
from newsroom.lib.urls import absolute_url
from newsroom.models import SiteSettings
from newsroom.tasks import send_templated_email

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
        # Keyed on the share: it waits in the queue once and runs on one worker at a time.
        key = f"share:{share.pk}"
        defer_on_commit(send_share.configure(lock=key, queueing_lock=key), share_id=share.pk)
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
            "article_url": absolute_url(article.get_absolute_url()),
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
    furniture = SiteSettings.current()
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
        key = f"enquiry:{enquiry.pk}"
        defer_on_commit(send_enquiry.configure(lock=key, queueing_lock=key), enquiry_id=enquiry.pk)
    return enquiry


def enquiry_email(enquiry):
    article = enquiry.article
    return build_email(
        "email/enquiry",
        {
            "enquiry": enquiry,
            "kind": enquiry.get_kind_display(),
            "article_headline": article.headline if article else "",
            "article_url": absolute_url(article.get_absolute_url()) if article else "",
            "admin_url": absolute_url(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])),
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


# Reports of errors -------------------------------------------------------------------------
#
# A report is stored and its emails queued for after the commit: the reader's receipt, and the
# report itself to the section's desk. An editor then publishes a correction from it or
# declines it, and the reader is told which. The reader's receipt repeats none of their words,
# so the form cannot be used to send our name and someone's text to a stranger's address.


def desk_addresses(article):
    """Who is told of a report: the section's desk editors, else the section's editorial
    address, else every editor (as articles/notifications.py does for the review queue)."""
    section = article.section
    if section is not None:
        desk = sorted({person.email for person in section.desk_editors.all() if person.is_active})
        if desk:
            return desk
        if section.editorial_email:
            return [section.editorial_email]
    return sorted({person.email for person in notifications.editors()}) or [
        settings.ENQUIRIES_EDITORIAL_EMAIL
    ]


def _report_context(report):
    article = report.article
    return {
        "headline": article.headline,
        "article_url": absolute_url(article.get_absolute_url()),
        "report_id": report.pk,
    }


def submit_error_report(
    *, article, description, email, quote="", evidence="", name="", user=None, ip_address=None
):
    """Store the report in the corrections queue; the reader gets a receipt, the desk the report."""
    with transaction.atomic():
        report = ErrorReport.objects.create(
            article=article,
            description=description,
            quote=quote,
            evidence=evidence,
            name=name,
            email=email,
            user=user if user is not None and user.is_authenticated else None,
            ip_address=ip_address or None,
        )
        context = _report_context(report)
        defer_on_commit(
            send_templated_email, template="email/error_report_received", context=context, to=[email]
        )
        desk_context = {
            **context,
            "section": article.section.name if article.section else "",
            "description": description,
            "quote": quote,
            "evidence": evidence,
            "name": name,
            "email": email,
            "admin_url": absolute_url(reverse("admin:enquiries_errorreport_change", args=[report.pk])),
        }
        for address in desk_addresses(article):
            defer_on_commit(
                send_templated_email,
                template="email/error_report_desk",
                context=desk_context,
                to=[address],
                reply_to=[email],
            )
    return report


class ReportAlreadyHandled(ValidationError):
    """Another editor dealt with the report first (two tabs, two editors)."""


def _take_open_report(report):
    locked = (
        ErrorReport.objects.select_for_update(of=("self",))
        .select_related("article__section")
        .get(pk=report.pk)
    )
    if not locked.is_open:
        raise ReportAlreadyHandled(
            f"This report was already {locked.get_status_display().lower()}, so nothing was changed."
        )
    return locked


@transaction.atomic
def publish_correction_from_report(*, report, text, by):
    """One step: the correction goes on the article (and /corrections/, its feed and the
    article's "Updated" time, through add_correction), the report is closed with it, and the
    reader is told once it has all committed."""
    report = _take_open_report(report)
    correction = editorial.add_correction(article=report.article, text=text, by=by)
    report.status = ErrorReport.Status.CORRECTED
    report.correction = correction
    report.handled_by = by
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "correction", "handled_by", "handled_at"])
    defer_on_commit(
        send_templated_email,
        template="email/error_report_corrected",
        context={**_report_context(report), "correction": correction.text},
        to=[report.email],
    )
    return correction


@transaction.atomic
def decline_error_report(*, report, reason, by):
    """Close the report without a correction; the reader is told why."""
    reason = checks.normalise_newlines(reason).strip()
    if not reason:
        raise ValidationError("Say briefly why: the reader is told.")
    report = _take_open_report(report)
    report.status = ErrorReport.Status.DECLINED
    report.decline_reason = reason
    report.handled_by = by
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "decline_reason", "handled_by", "handled_at"])
    defer_on_commit(
        send_templated_email,
        template="email/error_report_declined",
        context={**_report_context(report), "reason": reason},
        to=[report.email],
    )
    return report
