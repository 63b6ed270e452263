"""Appeals and notices of illegal content (EU Digital Services Act, Art. 16 and 20).

An appeal asks us to look again at a removal or a suspension: its author may file one per
decision, and a moderator other than the one who took the decision settles it, which this
module enforces whoever calls it. A notice is anyone telling us a comment is illegal; it goes
to the front of the moderation queue, its sender is told at once that we have it and later
what we decided. Both outcomes are logged and emailed after the commit, like every decision.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from comments.models import Appeal, Comment, ModerationLogEntry, Notice, StatementOfReasons, Suspension
from comments.services import CommentRefused, log_decision, moderation_recipients, remove_comment
from comments.tasks import send_comment_email
from newsroom import changes
from newsroom.lib.jobs import defer_on_commit
from newsroom.lib.urls import absolute_url

Action = ModerationLogEntry.Action
Decision = StatementOfReasons.Decision
APPEAL_MAX_LENGTH = 2000
_COMMENT_ANCHOR = re.compile(r"comment-([0-9]{1,18})")


def _excerpt(text, length=500):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# Appeals ----------------------------------------------------------------------------------


def removal_statement(*, comment, user):
    """The statement of the removal of `user`'s own comment, which they may appeal."""
    if comment.user_id is None or comment.user_id != user.pk:
        raise CommentRefused("You can appeal only decisions about your own comments.")
    statement = (
        comment.statements.filter(decision=Decision.REMOVED)
        .select_related("clause")
        .order_by("-created_at")
        .first()
    )
    if not comment.is_removed or statement is None:
        raise CommentRefused("This comment was not removed, so there is no decision to appeal.")
    return statement


def suspension_statement(*, suspension, user):
    """The statement of `user`'s own suspension, which they may appeal while it lasts."""
    if suspension.user_id != user.pk:
        raise CommentRefused("You can appeal only your own suspension.")
    statement = suspension.statements.filter(decision=Decision.SUSPENDED).select_related("clause").first()
    if statement is None:
        raise CommentRefused("There is no decision about this suspension to appeal.")
    if not Suspension.objects.active().filter(pk=suspension.pk).exists():
        raise CommentRefused("This suspension has ended or been lifted, so there is nothing to appeal.")
    return statement


def already_appealed(statement):
    return Appeal.objects.filter(statement=statement).first()


def file_appeal(*, statement, by, text):
    """The commenter's one appeal against a removal or a suspension."""
    text = (text or "").strip()
    if statement.user_id is None or statement.user_id != by.pk:
        raise CommentRefused("You can appeal only decisions about you.")
    if not statement.is_appealable:
        raise CommentRefused("Only removals and suspensions can be appealed.")
    if not text:
        raise CommentRefused("Tell us why you think the decision was wrong.")
    if len(text) > APPEAL_MAX_LENGTH:
        raise CommentRefused(
            f"Your appeal is {len(text):,} characters long; the limit is {APPEAL_MAX_LENGTH:,}."
        )
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(statement=statement, appellant=by, text=text)
    except IntegrityError:
        # Two presses at once: the one-to-one row lets only the first in.
        raise CommentRefused(
            "You have already appealed this decision. A moderator will reply by email."
        ) from None
    _alert_moderators_on_commit(
        f"{by.public_name} appealed: {statement.get_decision_display().lower()}.",
        _excerpt(text, 1000),
        "appeals",
    )
    return appeal


def may_decide_appeal(appeal, user):
    """Whether `user` may settle `appeal`: never the moderator who took the decision, nor the
    person appealing. None when they may; otherwise the reason, in words for them."""
    if appeal.statement.decided_by_id is not None and appeal.statement.decided_by_id == user.pk:
        return "You took the decision under appeal, so another moderator must decide the appeal."
    if appeal.appellant_id == user.pk:
        return "You cannot decide your own appeal."
    return None


def decide_appeal(*, appeal, by, reinstate, note=""):
    """Uphold the decision, or reinstate: the comment returns to its place in its thread (its
    thread, parent and order never changed), or the suspension is lifted."""
    note = (note or "").strip()
    if not reinstate and not note:
        raise CommentRefused("Say why the decision stands: the commenter is sent your reason.")
    now = timezone.now()
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("statement", "appellant")
            .get(pk=appeal.pk)
        )
        if appeal.decided_at is not None:
            raise CommentRefused("This appeal has already been decided.")
        refusal = may_decide_appeal(appeal, by)
        if refusal:
            raise CommentRefused(refusal)
        statement = appeal.statement
        comment = None
        if statement.decision == Decision.REMOVED and statement.comment_id:
            comment = (
                Comment.objects.select_for_update().select_related("article").get(pk=statement.comment_id)
            )
        if reinstate:
            _reinstate(statement, comment, by=by, note=note, now=now)
        else:
            log_decision(
                Action.APPEAL_UPHELD,
                by=by,
                comment=comment,
                subject=statement.user,
                reason=statement.clause,
                note=note,
            )
        appeal.outcome = Appeal.Outcome.REINSTATED if reinstate else Appeal.Outcome.UPHELD
        appeal.decided_at = now
        appeal.decided_by = by
        appeal.decision_note = note
        appeal.save(update_fields=["outcome", "decided_at", "decided_by", "decision_note"])
        if appeal.appellant is not None:
            defer_on_commit(
                send_comment_email,
                template="email/appeal_decided",
                context={
                    "name": appeal.appellant.public_name,
                    "reinstated": reinstate,
                    "decision": statement.decision,
                    "decision_label": statement.get_decision_display(),
                    "clause_name": statement.clause.name if statement.clause else "",
                    "appeal_text": appeal.text,
                    "note": note,
                    "comment_url": absolute_url(comment.get_absolute_url()) if comment and reinstate else "",
                    "guidelines_url": absolute_url(reverse("comments:guidelines")),
                },
                to=[appeal.appellant.email],
            )
    return appeal


def _reinstate(statement, comment, *, by, note, now):
    if comment is not None:
        comment.is_removed = False
        comment.removed_at = None
        comment.removal_reason = None
        comment.is_public = True
        comment.held_reason = ""
        comment.published_at = comment.published_at or now
        comment.save(
            update_fields=[
                "is_removed",
                "removed_at",
                "removal_reason",
                "is_public",
                "held_reason",
                "published_at",
            ]
        )
        log_decision(Action.APPEAL_REINSTATED, by=by, comment=comment, subject=comment.user, note=note)
        changes.comments_changed(comment.article_id)
    elif statement.suspension_id:
        suspension = Suspension.objects.select_for_update().get(pk=statement.suspension_id)
        if suspension.lifted_at is None:
            suspension.lifted_at = now
            suspension.save(update_fields=["lifted_at"])
        log_decision(Action.APPEAL_REINSTATED, by=by, subject=suspension.user, note=note)


# Notices of illegal content ------------------------------------------------------------------


def comment_at(location, *, hosts=()):
    """The comment a notice's location points at: its permalink, or the article page with
    `#comment-<id>`, on this site. None when it names no comment of ours."""
    try:
        parts = urlsplit((location or "").strip())
    except ValueError:
        return None
    ours = {urlsplit(settings.SITE_URL).netloc.lower(), *(host.lower() for host in hosts)}
    if parts.scheme not in {"http", "https"} or parts.netloc.lower() not in ours:
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    anchor = _COMMENT_ANCHOR.fullmatch(parts.fragment)
    if match.view_name == "comments:permalink":
        comment_id = match.kwargs["comment_id"]
    elif anchor:
        comment_id = int(anchor[1])
    else:
        return None
    comment = (
        Comment.objects.filter(pk=comment_id, deleted_at__isnull=True)
        .select_related("article__section")
        .first()
    )
    if comment is None or not comment.article.is_published:
        return None
    if match.view_name != "comments:permalink" and comment.article.get_absolute_url() != parts.path:
        return None
    return comment


def file_notice(*, comment, location, name, email, legal_ground, explanation):
    """Record a notice, acknowledge it to its sender at once and alert the moderators."""
    with transaction.atomic():
        notice = Notice.objects.create(
            comment=comment,
            location=location,
            name=name,
            email=email,
            legal_ground=legal_ground,
            explanation=explanation,
            good_faith=True,
        )
        defer_on_commit(
            send_comment_email,
            template="email/notice_received",
            context={
                "name": name,
                "location": location,
                "legal_ground": legal_ground,
                "explanation": explanation,
                "reference": notice.pk,
            },
            to=[email],
        )
        _alert_moderators_on_commit(
            "A notice of illegal content was sent about a comment.",
            _excerpt(comment.comment, 1000),
            "notices",
        )
    return notice


def decide_notice(*, notice, by, remove, clause=None, note=""):
    """Remove the comment under a rule of the guidelines, or take no action and say why. The
    sender of the notice is told either way; a removal also sends the commenter its statement."""
    note = (note or "").strip()
    if remove and clause is None:
        raise CommentRefused("Choose the rule of the guidelines the comment breaks before removing it.")
    if not remove and not note:
        raise CommentRefused("Say why no action is taken: the sender of the notice is sent your reason.")
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.decided_at is not None:
            raise CommentRefused("This notice has already been decided.")
        comment = (
            Comment.objects.select_related("article__section", "user").filter(pk=notice.comment_id).first()
        )
        if remove and comment is not None and not comment.is_removed and comment.deleted_at is None:
            remove_comment(
                comment=comment,
                by=by,
                reason=clause,
                note=note or "Removed after a notice of illegal content.",
            )
        elif not remove:
            log_decision(
                Action.NOTICE_NO_ACTION,
                by=by,
                comment=comment,
                subject=comment.user if comment else None,
                note=note,
            )
        notice.outcome = Notice.Outcome.REMOVED if remove else Notice.Outcome.NO_ACTION
        notice.clause = clause if remove else None
        notice.decided_at = timezone.now()
        notice.decided_by = by
        notice.decision_note = note
        notice.save(update_fields=["outcome", "clause", "decided_at", "decided_by", "decision_note"])
        defer_on_commit(
            send_comment_email,
            template="email/notice_decided",
            context={
                "name": notice.name,
                "location": notice.location,
                "removed": remove,
                "clause_name": clause.name if clause else "",
                "note": note,
                "reference": notice.pk,
            },
            to=[notice.email],
        )
    return notice


def _alert_moderators_on_commit(why, text, tab):
    recipients = moderation_recipients()
    if not recipients:
        return
    defer_on_commit(
        send_comment_email,
        template="email/moderation_item_waiting",
        context={
            "why": why,
            "text": text,
            "queue_url": absolute_url(reverse("comments:moderation-queue") + f"?tab={tab}"),
        },
        to=recipients,
    )
