"""The editorial workflow: every state change of an article goes through one of these
functions, whether it starts in the admin form, a bulk action, a command or a test.

    draft ──submit──▶ in review ──publish──▶ published (scheduled while publish_at is ahead)
      ▲                  │                        │
      └──send back───────┘                        └──withdraw──▶ withdrawn ──publish──▶ published

Permissions are the caller's check (the admin asks `can_publish`); these functions check that
the article is fit for the transition and record who made it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list

from articles.models import Article, Correction

Status = Article.Status


class WorkflowError(ValidationError):
    """A transition that is not allowed from the article's state, or that it is not ready for."""


def can_publish(user):
    return user.has_perm("articles.publish_article")


def can_edit(user, article):
    """Editors edit anything; writers edit their own drafts and what they sent for review."""
    if user.has_perm("articles.edit_any_article"):
        return True
    if not user.has_perm("articles.change_article"):
        return False
    if article.pk is None:
        return True
    return article.created_by_id == user.pk and article.status in {Status.DRAFT, Status.REVIEW}


def _save_transition(article, by, reason, fields):
    article._change_reason = reason
    article._history_user = by  # simple-history's hook for saves made outside a request
    article.version += 1
    try:
        article.save(update_fields=[*fields, "version", "updated_at", "first_published_at"])
    finally:
        # simple-history would otherwise stamp this reason on the instance's next save too.
        del article._change_reason, article._history_user


@transaction.atomic
def submit_for_review(*, article, by):
    if article.status != Status.DRAFT:
        raise WorkflowError(
            f"Only a draft can be sent for review; this article is {article.state_label.lower()}."
        )
    article.status = Status.REVIEW
    _save_transition(article, by, "Sent for review", ["status"])
    return article


@transaction.atomic
def send_back_to_draft(*, article, by):
    if article.status not in {Status.REVIEW, Status.WITHDRAWN}:
        raise WorkflowError("Only an article in review or withdrawn can go back to draft.")
    article.status = Status.DRAFT
    _save_transition(article, by, "Returned to draft", ["status"])
    return article


@transaction.atomic
def publish_article(*, article, by, at=None):
    """Publish now, or schedule for `at` (or the article's own publish time if it is ahead)."""
    if by is not None and not can_publish(by):
        raise PermissionDenied("Only editors can publish.")
    if article.status == Status.PUBLISHED and article.is_published and at is None:
        raise WorkflowError("This article is already published.")
    missing = article.missing_for_publication()
    if missing:
        raise WorkflowError(f"This article cannot be published without {get_text_list(missing, 'and')}.")
    now = timezone.now()
    if at is not None:
        article.publish_at = at
    elif article.publish_at is None or article.status == Status.WITHDRAWN:
        article.publish_at = now
    if article.withdraw_at and article.withdraw_at <= article.publish_at:
        article.withdraw_at = None
    article.status = Status.PUBLISHED
    reason = "Scheduled" if article.publish_at > now else "Published"
    _save_transition(article, by, reason, ["status", "publish_at", "withdraw_at"])
    return article


@transaction.atomic
def withdraw_article(*, article, by, at=None):
    """Take an article down now, or at `at` in the future (it stays published until then)."""
    if by is not None and not can_publish(by):
        raise PermissionDenied("Only editors can withdraw articles.")
    if article.status != Status.PUBLISHED:
        raise WorkflowError("Only a published or scheduled article can be withdrawn.")
    now = timezone.now()
    if at is not None and at > now:
        article.withdraw_at = at
        _save_transition(
            article, by, f"Withdrawal scheduled for {timezone.localtime(at):%d %b %Y %H:%M}", ["withdraw_at"]
        )
    else:
        article.status = Status.WITHDRAWN
        article.withdraw_at = now
        _save_transition(article, by, "Withdrawn", ["status", "withdraw_at"])
    return article


@transaction.atomic
def add_correction(*, article, text, by):
    if not article.first_published_at:
        raise WorkflowError("Corrections are for published articles; edit the draft instead.")
    text = text.strip()
    if not text:
        raise WorkflowError("Write what was corrected.")
    correction = Correction.objects.create(article=article, text=text, created_by=by)
    return correction
