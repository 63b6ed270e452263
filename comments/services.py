"""Workflows on comments that span models: posting, editing, reporting, moderating.

Each one saves, logs what a moderator did, and after the transaction commits bumps the
article's cache generation (so cached pages show the change) and queues the emails.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd import signed

from audit.services import current_client_ip
from comments.models import (
    Comment,
    EffectivePolicy,
    ModerationLogEntry,
    Report,
    StatementOfReasons,
    Suspension,
    ThreadFollow,
)
from comments.moderation import Decision, decide
from comments.statements import record_statement
from comments.tasks import send_comment_email
from newsroom import changes
from newsroom.lib.jobs import defer_on_commit
from newsroom.lib.locks import lock_until_commit
from newsroom.lib.urls import absolute_url

Action = ModerationLogEntry.Action
UNFOLLOW_SALT = "comments.unfollow"
CONFIRMATION_DAYS = 7


class CommentRefused(Exception):
    """A comment (or its confirmation) that cannot be accepted; the message says why."""


def _guidelines_url():
    return absolute_url(reverse("comments:guidelines"))


def _excerpt(text, length=300):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def moderation_recipients():
    """Addresses for moderation alerts. Entries are plain addresses ("Name <address>" works);
    an old-style (name, address) pair is read by its address, never character by character."""
    recipients = []
    for entry in settings.COMMENTS_MODERATION_EMAILS:
        address = entry[-1] if isinstance(entry, (list, tuple)) else entry
        if address and address not in recipients:
            recipients.append(address)
    return recipients


def comment_counts(articles):
    """Published comment counts for a list of articles (or ids), in one query: {id: count}."""
    ids = [getattr(article, "pk", article) for article in articles]
    counts = dict.fromkeys(ids, 0)
    rows = (
        Comment.objects.visible()
        .filter(article_id__in=ids)
        .order_by()
        .values("article_id")
        .annotate(total=Count("pk"))
    )
    for row in rows:
        counts[row["article_id"]] = row["total"]
    return counts


# Posting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posted:
    comment: Comment
    decision: Decision


def _create(*, article, data, user, ip_address, policy):
    """Decide, save and schedule what follows. `data` is what xtd's form gives a new comment."""
    decision = decide(
        policy=policy, text=data["comment"], article=article, user=user, email=data["user_email"]
    )
    now = timezone.now()
    fields = {
        key: data[key]
        for key in ("content_type", "object_pk", "site_id", "user_name", "user_email", "comment")
    }
    comment = Comment(
        **fields,
        article=article,
        user=user if user is not None and user.is_authenticated else None,
        ip_address=ip_address,
        submit_date=data.get("submit_date") or now,
        parent_id=data.get("parent_id") or 0,
        followup=bool(data.get("followup")),
        is_public=decision.publish,
        held_reason=decision.held_reason,
        moderation_note=decision.moderator_note,
        needs_review=decision.needs_review,
        published_at=now if decision.publish else None,
    )
    with transaction.atomic():
        comment.save()  # xtd works out thread, level and order here
        if comment.followup:
            follow_thread(comment=comment, user=comment.user, email=comment.user_email)
        if decision.publish:
            changes.comments_changed(article.pk)
            _notify_followers_on_commit(comment)
        else:
            _alert_moderators_on_commit(comment, decision.moderator_note or decision.reader_message)
            _state_hold(comment, decision.held_reason, decision.reader_message)
    return Posted(comment=comment, decision=decision)


def _state(comment, decision, *, explanation, by=None, clause=None, held_by_check=""):
    """Tell a comment's author (by account or by the address they gave) what was decided about
    it and why: the statement of reasons (comments/statements.py)."""
    record_statement(
        decision=decision,
        user=comment.user if comment.user_id else None,
        address=comment.user.email if comment.user_id else comment.user_email,
        by=by,
        clause=clause,
        held_by_check=held_by_check,
        comment=comment,
        explanation=explanation,
    )


def _state_hold(comment, held_reason, explanation):
    """A comment the automatic checks keep from readers: its author is told which check and why."""
    _state(comment, StatementOfReasons.Decision.HELD, held_by_check=held_reason, explanation=explanation)


def post_comment(*, form, article, user, ip_address):
    """A signed-in reader's comment, from a valid CommentForm. Published or held at once."""
    data = form.get_comment_create_data(site_id=settings.SITE_ID)
    return _create(article=article, data=data, user=user, ip_address=ip_address, policy=form.policy)


def request_confirmation(*, form, article, ip_address):
    """A comment without an account: nothing is stored until its author opens the signed link
    we email and presses the button there (django-comments-xtd's confirmation: the comment
    travels inside the link)."""
    pending = form.get_comment_object(site_id=settings.SITE_ID)
    pending.ip_address = ip_address
    key = signed.dumps(pending, compress=True, extra_key=settings.COMMENTS_XTD_SALT)
    if isinstance(key, bytes):
        key = key.decode()
    defer_on_commit(
        send_comment_email,
        template="email/comment_confirm",
        context={
            "name": pending.user_name,
            "article_title": article.headline,
            "article_url": absolute_url(article.get_absolute_url()),
            "comment_text": pending.comment,
            "confirm_url": absolute_url(reverse("comments:confirm", kwargs={"key": key})),
            "days": CONFIRMATION_DAYS,
            "guidelines_url": _guidelines_url(),
        },
        to=[pending.user_email],
    )
    return pending


def pending_comment(*, key):
    """The comment a confirmation link carries, unsaved, once the link is checked: ours,
    whole, and young enough. Reading it stores nothing, so the page that shows it may be
    opened by anyone or anything (mail scanners follow links)."""
    try:
        pending = signed.loads(key, extra_key=settings.COMMENTS_XTD_SALT)
    except Exception:
        # A tampered, truncated or foreign link: signed.loads raises several kinds of error.
        raise CommentRefused(
            "This confirmation link is not valid. Copy the whole address from the email, or post the "
            "comment again."
        ) from None
    if pending.submit_date < timezone.now() - timedelta(days=CONFIRMATION_DAYS):
        raise CommentRefused(
            f"This confirmation link is more than {CONFIRMATION_DAYS} days old. Post the comment again."
        )
    return pending


def already_confirmed(pending):
    """The comment stored from this confirmation link before, or None."""
    return Comment.objects.filter(
        user_email=pending.user_email, submit_date=pending.submit_date, object_pk=pending.object_pk
    ).first()


@transaction.atomic
def confirm_comment(*, key):
    """Store the comment carried by a confirmation link, when its author presses the button on
    the page the link opens. Confirming twice stores it once, even at the same moment: the
    second press waits for the first to be stored and then finds it."""
    pending = pending_comment(key=key)
    lock_until_commit("comment-confirmation", pending.user_email, pending.submit_date, pending.object_pk)
    existing = already_confirmed(pending)
    if existing is not None:
        return Posted(comment=existing, decision=Decision(publish=existing.is_public))
    article = pending.content_object
    policy = EffectivePolicy.for_article(article)
    closure = policy.closure(article)
    if closure.closed:
        raise CommentRefused(closure.message)
    if not policy.site.allow_anonymous:
        raise CommentRefused("Comments without an account are no longer accepted. Sign in to comment.")
    parent_id = pending.parent_id or 0
    if parent_id and not Comment.objects.visible().filter(pk=parent_id, article=article).exists():
        raise CommentRefused("The comment you replied to is no longer shown, so your reply was not posted.")
    return _create(
        article=article, data=dict(pending), user=None, ip_address=pending.ip_address, policy=policy
    )


# Author's own changes ------------------------------------------------------------------------


def edit_comment(*, comment, text, by):
    """Change the text within the edit window. The new text is checked like a new comment's
    words and links; returns the Decision when the edit puts the comment on hold."""
    if not comment.can_be_edited_by(by):
        raise CommentRefused(
            f"Comments can be changed for {settings.COMMENTS_EDIT_MINUTES} minutes after posting; "
            "this one can no longer be changed."
        )
    if text == comment.comment:
        return None
    policy = EffectivePolicy.for_article(comment.article)
    decision = decide(policy=policy, text=text, article=comment.article, user=by, editing=comment)
    comment.comment = text
    comment.edited_at = timezone.now()
    fields = ["comment", "edited_at"]
    held = None
    # Rules about what the text says; who wrote it was judged when it was posted.
    content_rule = decision.held_reason in {
        Comment.HeldReason.BLOCKED_WORD,
        Comment.HeldReason.LINKS,
        Comment.HeldReason.SCORE,
    }
    if content_rule and comment.is_public:
        comment.is_public = False
        comment.held_reason = decision.held_reason
        comment.moderation_note = decision.moderator_note
        fields += ["is_public", "held_reason", "moderation_note"]
        held = decision
        _alert_moderators_on_commit(comment, decision.moderator_note)
    if decision.needs_review:
        comment.needs_review = True
        comment.moderation_note = decision.moderator_note
        fields += ["needs_review", "moderation_note"]
    with transaction.atomic():
        comment.save(update_fields=sorted(set(fields)))
        if held is not None:
            _state_hold(comment, held.held_reason, held.reader_message)
        changes.comments_changed(comment.article_id)
    return held


def delete_comment(*, comment, by):
    """The author takes their comment down. Its text goes; where replies hang from it, a
    "comment deleted" line keeps the thread readable."""
    if not comment.can_be_deleted_by(by):
        raise CommentRefused("You can delete only your own comments.")
    now = timezone.now()
    with transaction.atomic():
        comment.deleted_at = now
        comment.comment = ""
        comment.save(update_fields=["deleted_at", "comment"])
        comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
        changes.comments_changed(comment.article_id)


# Following -----------------------------------------------------------------------------------


def follow_thread(*, comment, user=None, email):
    thread = comment if comment.level == 0 else Comment.objects.get(pk=comment.thread_id)
    follow, _ = ThreadFollow.objects.get_or_create(
        thread=thread, email=email.lower(), defaults={"user": user}
    )
    return follow


def unfollow_url(follow):
    token = signing.dumps({"follow": follow.pk}, salt=UNFOLLOW_SALT)
    return absolute_url(reverse("comments:unfollow", kwargs={"token": token}))


def follow_for_unfollow_link(*, token):
    """The follow an unfollow link names, or None when it is already gone. Reading it changes
    nothing: the page the link opens asks before it stops anything."""
    try:
        follow_id = signing.loads(token, salt=UNFOLLOW_SALT)["follow"]
    except (signing.BadSignature, KeyError, TypeError):
        raise CommentRefused(
            "This unfollow link is not valid. Copy the whole address from the email."
        ) from None
    return ThreadFollow.objects.select_related("thread__article").filter(pk=follow_id).first()


def unfollow(*, token):
    """Stop reply emails for one thread, from the signed link in any of them. Returns the
    thread's root comment, or None when the follow was already gone."""
    follow = follow_for_unfollow_link(token=token)
    if follow is None:
        return None
    thread = follow.thread
    follow.delete()
    return thread


def _notify_followers_on_commit(comment):
    """Email everyone following the thread, except the reply's author, once it is published."""
    if comment.level == 0:
        return
    follows = ThreadFollow.objects.filter(thread_id=comment.thread_id).exclude(
        email__iexact=comment.user_email
    )
    article = comment.article
    for follow in follows:
        unsubscribe = unfollow_url(follow)
        defer_on_commit(
            send_comment_email,
            template="email/comment_reply",
            context={
                "author_name": comment.author_name,
                "article_title": article.headline,
                "comment_text": comment.comment,
                "comment_url": absolute_url(comment.get_absolute_url()),
                "unfollow_url": unsubscribe,
                "guidelines_url": _guidelines_url(),
            },
            to=[follow.email],
            # RFC 8058: mail programs offer their own button, which POSTs to the link.
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def _alert_moderators_on_commit(comment, why):
    recipients = moderation_recipients()
    if not recipients:
        return
    defer_on_commit(
        send_comment_email,
        template="email/comment_moderation_needed",
        context={
            "article_title": comment.article.headline,
            "author_name": comment.author_name,
            "comment_text": _excerpt(comment.comment, 1000),
            "why": why,
            "queue_url": absolute_url(reverse("comments:moderation-queue") + "?tab=held"),
            "guidelines_url": _guidelines_url(),
        },
        to=recipients,
    )


# The moderation log --------------------------------------------------------------------------


def log_decision(action, *, by, comment=None, subject=None, reason=None, note=""):
    """Write the one record of a moderation decision, in the decision's own transaction: the
    moderators' log and the auditors' view both read it (the audit log keeps no copy). `by`
    None means the site decided by itself (readers' reports hiding a comment)."""
    return ModerationLogEntry.objects.create(
        action=action,
        actor=by,
        actor_address=by.email if by is not None else "",
        ip_address=current_client_ip(),
        comment=comment,
        subject=subject,
        reason=reason,
        note=note,
    )


# Reports -------------------------------------------------------------------------------------


def report_comment(*, comment, reporter, reason, note=""):
    """Record a reader's report; at the policy's threshold a published comment is hidden until
    a moderator decides. Returns (report, hidden_now)."""
    if comment.user_id == reporter.pk:
        raise CommentRefused("You cannot report your own comment; you can edit or delete it instead.")
    if Report.objects.filter(comment=comment, reporter=reporter).exists():
        raise CommentRefused("You have already reported this comment. A moderator will look at it.")
    policy = EffectivePolicy.for_article(comment.article)
    with transaction.atomic():
        report = Report.objects.create(comment=comment, reporter=reporter, reason=reason, note=note)
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        open_reports = locked.reports.filter(resolved_at__isnull=True).count()
        hide = (
            locked.is_visible and policy.site.reports_to_hide and open_reports >= policy.site.reports_to_hide
        )
        if hide:
            locked.is_public = False
            locked.held_reason = Comment.HeldReason.REPORTS
            locked.save(update_fields=["is_public", "held_reason"])
            # The readers' reports did it, not the last reader: no actor.
            log_decision(
                Action.HIDDEN,
                by=None,
                comment=locked,
                subject=locked.user,
                note=f"Hidden after {open_reports} reports.",
            )
            changes.comments_changed(locked.article_id)
            _alert_moderators_on_commit(locked, f"Hidden after {open_reports} reports from readers.")
            _state_hold(
                locked,
                Comment.HeldReason.REPORTS,
                f"{open_reports} readers reported it, so it is hidden until a moderator decides.",
            )
    return report, bool(hide)


# Moderators ----------------------------------------------------------------------------------


def _resolve_reports(comment, now):
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)


def approve_comment(*, comment, by, note=""):
    now = timezone.now()
    first_time = comment.published_at is None
    with transaction.atomic():
        comment.is_public = True
        comment.is_removed = False
        comment.removal_reason = None
        comment.removed_at = None
        comment.held_reason = ""
        comment.needs_review = False
        comment.published_at = comment.published_at or now
        comment.save(
            update_fields=[
                "is_public", "is_removed", "removal_reason", "removed_at", "held_reason",
                "needs_review", "published_at",
            ]
        )  # fmt: skip
        _resolve_reports(comment, now)
        log_decision(Action.APPROVED, by=by, comment=comment, subject=comment.user, note=note)
        changes.comments_changed(comment.article_id)
        if first_time:
            _notify_followers_on_commit(comment)


def remove_comment(*, comment, by, reason, note=""):
    """Take a comment down for breaking a rule; its author is told which one and why."""
    now = timezone.now()
    with transaction.atomic():
        comment.is_removed = True
        comment.removed_at = now
        comment.removal_reason = reason
        comment.needs_review = False
        comment.save(update_fields=["is_removed", "removed_at", "removal_reason", "needs_review"])
        _resolve_reports(comment, now)
        log_decision(Action.REMOVED, by=by, comment=comment, subject=comment.user, reason=reason, note=note)
        changes.comments_changed(comment.article_id)
        _state(comment, StatementOfReasons.Decision.REMOVED, by=by, clause=reason, explanation=note)


def hold_comment(*, comment, by, reason, note=""):
    """Take a published comment off the page while a moderator looks into it (a claim to check,
    a question to a colleague); its author is told which rule it may break. Approving or
    removing it later settles it."""
    if not comment.is_visible:
        return
    with transaction.atomic():
        comment.is_public = False
        comment.held_reason = Comment.HeldReason.MODERATOR
        comment.save(update_fields=["is_public", "held_reason"])
        log_decision(Action.HELD, by=by, comment=comment, subject=comment.user, reason=reason, note=note)
        changes.comments_changed(comment.article_id)
        _state(comment, StatementOfReasons.Decision.HELD, by=by, clause=reason, explanation=note)


def mark_reviewed(*, comment, by, note=""):
    """A moderator looked and leaves the comment as it is: its reports and flag are cleared."""
    now = timezone.now()
    with transaction.atomic():
        comment.needs_review = False
        comment.save(update_fields=["needs_review"])
        _resolve_reports(comment, now)
        log_decision(Action.REVIEWED, by=by, comment=comment, subject=comment.user, note=note)


def feature_comment(*, comment, by):
    """Make a visible comment an editors' pick: it leads the default order of its article's
    discussion and appears under Featured. Marking a pick again changes nothing."""
    if not comment.is_visible:
        raise CommentRefused("Only a comment readers can see can be an editors' pick.")
    if comment.featured_at is not None:
        return
    with transaction.atomic():
        comment.featured_at = timezone.now()
        comment.featured_by = by
        comment.save(update_fields=["featured_at", "featured_by"])
        log_decision(Action.FEATURED, by=by, comment=comment, subject=comment.user)
        changes.comments_changed(comment.article_id)


def unfeature_comment(*, comment, by):
    """Take a comment out of the editors' picks; it goes back to its place by date."""
    if comment.featured_at is None:
        return
    with transaction.atomic():
        comment.featured_at = None
        comment.featured_by = None
        comment.save(update_fields=["featured_at", "featured_by"])
        log_decision(Action.UNFEATURED, by=by, comment=comment, subject=comment.user)
        changes.comments_changed(comment.article_id)


def suspend_commenter(*, user, by, duration, reason, clause):
    """Bar a reader from commenting for `duration` (a timedelta), or for good when None, under
    the guidelines' rule `clause`; the reader is sent the statement of reasons."""
    now = timezone.now()
    with transaction.atomic():
        suspension = Suspension.objects.create(
            user=user,
            reason=reason,
            clause=clause,
            starts_at=now,
            ends_at=now + duration if duration else None,
            created_by=by,
        )
        until = "permanently" if duration is None else f"for {duration.days} days"
        log_decision(
            Action.SUSPENDED, by=by, subject=user, reason=clause, note=f"Suspended {until}: {reason}"
        )
        record_statement(
            decision=StatementOfReasons.Decision.SUSPENDED,
            user=user,
            address=user.email,
            by=by,
            clause=clause,
            suspension=suspension,
            explanation=reason,
        )
    return suspension


def lift_suspension(*, suspension, by):
    with transaction.atomic():
        suspension.lifted_at = timezone.now()
        suspension.save(update_fields=["lifted_at"])
        log_decision(Action.LIFTED, by=by, subject=suspension.user, note=f"Lifted: {suspension.reason}")
