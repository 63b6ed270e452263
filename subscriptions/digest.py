"""The digest: each confirmed subscriber gets each of their issues exactly once.

Daily subscribers get an issue every day with the previous 24 hours' news; weekly subscribers
get one on NEWSLETTER_WEEKLY_DAY with the previous seven days'. Both go out at
NEWSLETTER_DIGEST_TIME and are the same machinery: an issue has a kind (daily or weekly), and
only subscribers of that frequency are its recipients.

How "exactly once" holds:
1. The issue of a kind for a date is one row (unique kind and date) whose articles are fixed
   when it is built.
2. Every confirmed subscriber of its frequency gets a delivery row for it, added by one
   INSERT … SELECT … ON CONFLICT DO NOTHING: running again adds only newcomers, and never
   loads the list.
3. The waiting rows are sent by one job per batch (NEWSLETTER_BATCH_SIZE consecutive ids),
   keyed on the issue and the batch: Procrastinate's queueing lock keeps one such job waiting,
   its lock one running, so looking again while batches wait or run queues nothing twice.
4. The send decision is one row's own UPDATE from "waiting" to "sending", committed just
   before its message goes out; a row that is no longer waiting is not sent. The same
   statement marks the previous message "sent", so this costs one round trip per message.
   When a send fails, the row in flight goes back to waiting and the batch's job fails; its
   retry (with back-off) carries on from there.
5. A worker killed outright can leave at most the one message in flight marked "sending";
   its job is taken again (newsroom.tasks.retry_stalled_jobs) and never resends that row (the
   mail server may have taken it); the send log counts them.

Memory stays flat however long the list: a job holds one batch, a batch's messages go over one
mail connection, and the rendered issue is kept once per distinct choice of sections, with only
the unsubscribe and preferences links differing between recipients.
"""

import contextlib
import logging
import smtplib
from collections import Counter
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued

from articles.models import Article
from newsroom.lib.mail import build_email, deliverable, list_unsubscribe_headers
from newsroom.lib.sanitize import plain_text
from newsroom.lib.urls import absolute_url
from subscriptions.access import teaser_html
from subscriptions.models import DigestDelivery, DigestIssue, DigestRun, NewsletterSubscriber
from subscriptions.newsletter import preferences_url, unsubscribe_url

logger = logging.getLogger(__name__)

Delivery = DigestDelivery.State
Kind = DigestIssue.Kind
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_ATTEMPTS = 3
EXCERPT_CHARACTERS = 280
UNSUBSCRIBE_PLACEHOLDER = "@@UNSUBSCRIBE_URL@@"
PREFERENCES_PLACEHOLDER = "@@PREFERENCES_URL@@"
RENDER_CACHE_SIZE = 512


class DigestInterrupted(Exception):
    """A send failed part-way; what was sent is recorded and the rest waits for the next run."""


def send_time():
    hour, minute = (int(part) for part in settings.NEWSLETTER_DIGEST_TIME.split(":"))
    return time(hour, minute)


def issue_window(day, kind=Kind.DAILY):
    """The articles an issue covers: the 24 hours (or, weekly, the seven days) up to that
    day's send time."""
    end = timezone.make_aware(datetime.combine(day, send_time()))
    return end - timedelta(days=7 if kind == Kind.WEEKLY else 1), end


def digest_due(now=None):
    """The date whose daily issue should be going out now, or None before today's send time."""
    local = timezone.localtime(now or timezone.now())
    return local.date() if local.time() >= send_time() else None


def is_weekly_day(day):
    return day.weekday() == WEEKDAYS.index(settings.NEWSLETTER_WEEKLY_DAY)


def issue_for(day, kind=Kind.DAILY):
    """The day's issue of this kind, built (articles fixed) the first time it is asked for."""
    start, end = issue_window(day, kind)
    existing = DigestIssue.objects.filter(kind=kind, date=day).first()
    if existing is not None:
        return existing
    published = Article.objects.published(at=end).filter(publish_at__gte=start, publish_at__lt=end)
    if kind == Kind.WEEKLY:
        article_ids = weekly_selection(published, start, end)
    else:
        article_ids = list(
            published.order_by("section__position", "section__name", "-publish_at", "-id").values_list(
                "pk", flat=True
            )
        )
    issue, _ = DigestIssue.objects.get_or_create(
        kind=kind,
        date=day,
        defaults={"window_start": start, "window_end": end, "article_ids": article_ids},
    )
    return issue


def weekly_selection(published, start, end):
    """A week of news is too much for one email: from each section, the week's most-read
    articles (the newest first among equals), at most NEWSLETTER_WEEKLY_ARTICLES_PER_SECTION."""
    reads_that_week = Q(
        read_counts__day__gte=timezone.localdate(start), read_counts__day__lte=timezone.localdate(end)
    )
    ranked = (
        published.annotate(week_reads=Coalesce(Sum("read_counts__count", filter=reads_that_week), 0))
        .order_by("section__position", "section__name", "section_id", "-week_reads", "-publish_at", "-id")
        .values_list("pk", "section_id")
    )
    limit = settings.NEWSLETTER_WEEKLY_ARTICLES_PER_SECTION
    taken = Counter()
    chosen = []
    for article_id, section_id in ranked:
        if taken[section_id] < limit:
            taken[section_id] += 1
            chosen.append(article_id)
    return chosen


def add_recipients(issue):
    """A delivery row for every confirmed subscriber of the issue's frequency who has none
    for this issue yet."""
    deliveries = DigestDelivery._meta.db_table
    subscribers = NewsletterSubscriber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {deliveries} (issue_id, subscriber_id, state, attempts, last_error) "  # noqa: S608 - table names from our own models
            f"SELECT %s, id, %s, 0, '' FROM {subscribers} WHERE state = %s AND frequency = %s "
            f"ON CONFLICT (issue_id, subscriber_id) DO NOTHING",
            [issue.pk, Delivery.PENDING, NewsletterSubscriber.State.CONFIRMED, issue.kind],
        )
        return cursor.rowcount


class IssueRenderer:
    """Renders an issue once per distinct set of articles and stamps in each recipient."""

    def __init__(self, issue):
        self.issue = issue
        by_id = {
            article.pk: article
            for article in Article.objects.published()
            .filter(pk__in=issue.article_ids)
            .select_related("section")
        }
        # The order fixed when the issue was built; withdrawn since then: left out.
        self.articles = [by_id[pk] for pk in issue.article_ids if pk in by_id]
        self._rendered = {}

    def articles_for(self, section_ids):
        if not section_ids:
            return self.articles
        return [article for article in self.articles if article.section_id in section_ids]

    def _render(self, articles):
        key = tuple(article.pk for article in articles)
        rendered = self._rendered.get(key)
        if rendered is None:
            if len(self._rendered) >= RENDER_CACHE_SIZE:
                self._rendered.clear()
            message = build_email(
                "email/newsletter_digest",
                {
                    "date": self.issue.date,
                    "weekly": self.issue.kind == Kind.WEEKLY,
                    "items": [self._item(article) for article in articles],
                    "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
                    # Readers have no account: the link signs them in to their choices alone.
                    "preferences_url": PREFERENCES_PLACEHOLDER,
                },
                to=[],
            )
            rendered = (message.subject, message.body, message.alternatives[0][0])
            self._rendered[key] = rendered
        return rendered

    @staticmethod
    def _item(article):
        # Premium articles: headline and standfirst only; their text is for subscribers.
        excerpt = "" if article.is_premium else plain_text(teaser_html(article.body, paragraphs=1))
        if len(excerpt) > EXCERPT_CHARACTERS:
            excerpt = excerpt[:EXCERPT_CHARACTERS].rsplit(" ", 1)[0] + "…"
        return {
            "headline": article.headline,
            "standfirst": plain_text(article.standfirst),
            "excerpt": excerpt,
            "is_premium": article.is_premium,
            "section": article.section.name if article.section_id else "",
            "url": absolute_url(article.get_absolute_url()),
        }

    def message_for(self, subscriber_id, email, section_ids):
        """The recipient's message, or None when none of their sections has news today."""
        articles = self.articles_for(section_ids)
        if not articles:
            return None
        subject, text, html = self._render(articles)
        url = unsubscribe_url(subscriber_id)
        links = {UNSUBSCRIBE_PLACEHOLDER: url, PREFERENCES_PLACEHOLDER: preferences_url(subscriber_id)}

        def stamped(rendered):
            for placeholder, link in links.items():
                rendered = rendered.replace(placeholder, link)
            return rendered

        message = EmailMultiAlternatives(
            subject=subject,
            body=stamped(text),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
            # RFC 8058: mail clients offer an unsubscribe button that POSTs to the link.
            headers=list_unsubscribe_headers(url, mailto=settings.NEWSLETTER_UNSUBSCRIBE_MAILTO),
        )
        message.attach_alternative(stamped(html), "text/html")
        return message


def sections_of(subscriber_ids):
    through = NewsletterSubscriber.sections.through
    chosen = {}
    for subscriber_id, section_id in through.objects.filter(
        newslettersubscriber_id__in=subscriber_ids
    ).values_list("newslettersubscriber_id", "section_id"):
        chosen.setdefault(subscriber_id, set()).add(section_id)
    return chosen


def _set_state(ids, state, **fields):
    if ids:
        DigestDelivery.objects.filter(pk__in=ids).update(state=state, **fields)


def _take_for_sending(delivery_id, *, previous_sent=None):
    """The send decision: whether this delivery was still waiting and is now "sending",
    committed before its message goes out. Marks the previous message of the batch "sent" in
    the same statement. Once per message, 100,000 times an issue: plain SQL, as building the
    ORM's UPDATE cost more than running it."""
    table = DigestDelivery._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH sent AS (UPDATE {table} SET state = %s, sent_at = %s WHERE id = %s AND state = %s) "  # noqa: S608 - our table name
            f"UPDATE {table} SET state = %s, claimed_at = %s WHERE id = %s AND state = %s RETURNING id",
            [
                Delivery.SENT,
                now,
                previous_sent,
                Delivery.SENDING,
                Delivery.SENDING,
                now,
                delivery_id,
                Delivery.PENDING,
            ],
        )
        return cursor.fetchone() is not None


def _mark_sent(delivery_id):
    table = DigestDelivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, sent_at = %s WHERE id = %s AND state = %s",  # noqa: S608 - our table name
            [Delivery.SENT, timezone.now(), delivery_id, Delivery.SENDING],
        )


def send_batch(batch, renderer, run):
    """Send one batch over one mail connection, counting in `run` (unsaved). Raises
    DigestInterrupted when the mail server fails, after recording exactly what was sent."""
    chosen = sections_of([subscriber_id for _, subscriber_id, _, _ in batch])
    # Checked at sending, not when the issue's rows were added: a bounce or complaint reported
    # since then (even during this run) stops the next message to that address.
    allowed = {email.lower() for email in deliverable([email for _, _, email, _ in batch])}
    outgoing, skipped = [], []
    for delivery_id, subscriber_id, email, state in batch:
        message = None
        # Confirmed: not unsubscribed since the run began.
        if state == NewsletterSubscriber.State.CONFIRMED and email.lower() in allowed:
            message = renderer.message_for(subscriber_id, email, chosen.get(subscriber_id, set()))
        if message is None:
            skipped.append(delivery_id)
        else:
            outgoing.append((delivery_id, message))
    if skipped:
        DigestDelivery.objects.filter(pk__in=skipped, state=Delivery.PENDING).update(state=Delivery.SKIPPED)
    run.skipped += len(skipped)
    if not outgoing:
        return
    in_flight, accepted = None, None
    mail_connection = mailers.default
    try:
        with mail_connection:
            for delivery_id, message in outgoing:
                if not _take_for_sending(delivery_id, previous_sent=accepted):
                    accepted = None
                    continue  # another run has dealt with it
                in_flight, accepted = delivery_id, None
                try:
                    mail_connection.send_messages([message])
                except smtplib.SMTPRecipientsRefused as refused:
                    # The server will never take this address; the rest of the batch goes on.
                    in_flight = None
                    _set_state([delivery_id], Delivery.FAILED, last_error=str(refused)[:500])
                    run.failed += 1
                    continue
                # Accepted by the server: whatever happens next, it is never sent again.
                in_flight, accepted = None, delivery_id
                run.sent += 1
        if accepted is not None:
            _mark_sent(accepted)
    except Exception as error:
        if accepted is not None:
            _mark_sent(accepted)
        if in_flight is not None:
            # The server refused or dropped it, so it did not go: it waits for the next run,
            # unless it has failed too often and would hold the issue up for ever.
            DigestDelivery.objects.filter(pk=in_flight).update(
                attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:500]
            )
            DigestDelivery.objects.filter(pk=in_flight, attempts__gte=MAX_ATTEMPTS).update(
                state=Delivery.FAILED
            )
            DigestDelivery.objects.filter(pk=in_flight, state=Delivery.SENDING).update(state=Delivery.PENDING)
        # The rest of the batch was never taken for sending: it is still waiting.
        raise DigestInterrupted(f"{type(error).__name__}: {error}") from error


def send_digest(day, *, kind=Kind.DAILY, batch_size=None):
    """Queue the day's issue of this kind for everyone who has not had it: one job per batch
    of waiting deliveries (subscriptions.tasks.send_digest_batch), which the worker sends.
    Returns the run's log row, whose counts the batches add to as they go; None when the issue
    has already gone to everyone (so a second run does and records nothing)."""
    batch_size = batch_size or settings.NEWSLETTER_BATCH_SIZE
    issue = issue_for(day, kind)
    if issue.completed_at is not None:
        return None
    run = DigestRun.objects.create(issue=issue)
    if issue.article_ids:
        run.recipients_added = add_recipients(issue)
        run.save(update_fields=["recipients_added"])
        for batch_number in waiting_batches(issue, batch_size):
            queue_batch(issue, run, batch_number, batch_size)
    if complete_if_done(issue):
        DigestRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(finished_at=timezone.now())
    run.refresh_from_db()
    return run


def waiting_batches(issue, size):
    """The numbers of the batches (delivery id // size) that still have someone waiting."""
    return (
        DigestDelivery.objects.filter(issue=issue, state=Delivery.PENDING)
        .annotate(batch=F("id") / size)
        .values_list("batch", flat=True)
        .order_by("batch")
        .distinct()
    )


def queue_batch(issue, run, batch_number, size):
    """Defer the job of one batch, keyed on it; a batch already waiting from an earlier look
    is left as it is. Called outside any transaction (the worker's job, the command): the
    refused duplicate would break a surrounding one."""
    from subscriptions.tasks import send_digest_batch

    key = f"digest:{issue.pk}:{size}:{batch_number}"
    with contextlib.suppress(AlreadyEnqueued):
        send_digest_batch.configure(lock=key, queueing_lock=key).defer(
            issue_id=issue.pk,
            run_id=run.pk,
            first_id=batch_number * size,
            last_id=(batch_number + 1) * size - 1,
        )


def send_queued_batch(*, issue_id, run_id, first_id, last_id):
    """The job's work: send the waiting deliveries of one batch, add what happened to the run,
    and mark the issue complete when nobody is left waiting."""
    issue = DigestIssue.objects.get(pk=issue_id)
    batch = list(
        DigestDelivery.objects.filter(issue=issue, state=Delivery.PENDING, pk__gte=first_id, pk__lte=last_id)
        .order_by("id")
        .values_list("pk", "subscriber_id", "subscriber__email", "subscriber__state")
    )
    counts = DigestRun(issue=issue)
    error = None
    try:
        if batch:
            send_batch(batch, IssueRenderer(issue), counts)
    except DigestInterrupted as interrupted:
        error = interrupted
        logger.exception("%s digest for %s stopped part-way", issue.kind, issue.date)
        raise
    finally:
        DigestRun.objects.filter(pk=run_id).update(
            sent=F("sent") + counts.sent,
            skipped=F("skipped") + counts.skipped,
            failed=F("failed") + counts.failed,
            errors=Concat("errors", Value(f"{error}\n" if error else "")),
            finished_at=timezone.now(),
        )
        complete_if_done(issue)
    return counts.sent


def complete_if_done(issue):
    """Mark the issue complete once no delivery waits; whether it is."""
    if DigestDelivery.objects.filter(issue=issue, state=Delivery.PENDING).exists():
        return False
    DigestIssue.objects.filter(pk=issue.pk, completed_at__isnull=True).update(completed_at=timezone.now())
    return True


def unconfirmed_count(issue):
    """Deliveries a killed run left "sending": perhaps sent, never resent."""
    return DigestDelivery.objects.filter(issue=issue, state=Delivery.SENDING).count()
