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

from articles import notifications
from articles.models import Article, Correction, Section, Source, Sponsor
from audit.models import AuditEntry
from audit.services import record
from newsroom import changes

Status = Article.Status
Audited = AuditEntry.Action


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
    try:
        # Article.save bumps the version, so an editor's open form sees this change as newer.
        article.save(update_fields=[*fields, "updated_at", "first_published_at"])
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
    record(Audited.SUBMITTED, article, actor=by)
    notifications.review_requested(article, by=by)
    return article


@transaction.atomic
def send_back_to_draft(*, article, by, note=""):
    """From review or withdrawn back to draft; also takes a scheduled article off the schedule.
    Returned from review, the writer is told, with `note` (what to change) if one is given."""
    scheduled = (
        article.status == Status.PUBLISHED and article.publish_at and article.publish_at > timezone.now()
    )
    if article.status not in {Status.REVIEW, Status.WITHDRAWN} and not scheduled:
        raise WorkflowError("Only an article in review, scheduled or withdrawn can go back to draft.")
    if scheduled:
        if by is not None and not can_publish(by):
            raise PermissionDenied("Only editors can take an article off the schedule.")
        if article.first_published_at and article.first_published_at > timezone.now():
            # Set by the scheduling save; it was never actually seen by readers.
            article.first_published_at = None
    from_review = article.status == Status.REVIEW
    article.status = Status.DRAFT
    _save_transition(article, by, "Taken off the schedule" if scheduled else "Returned to draft", ["status"])
    record(
        Audited.UNSCHEDULED if scheduled else Audited.RETURNED_TO_DRAFT,
        article,
        actor=by,
        detail={"note": note.strip()},
    )
    if from_review:
        notifications.returned_to_writer(article, by=by, note=note.strip())
    if scheduled:
        # The next scheduled change, which bounds every cached page's life, may have moved.
        changes.article_edited(article)
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
    shown_before = changes.visible_urls(article)
    if at is not None:
        article.publish_at = at
    elif article.publish_at is None or article.status == Status.WITHDRAWN:
        article.publish_at = now
    if article.withdraw_at and article.withdraw_at <= article.publish_at:
        article.withdraw_at = None
    article.status = Status.PUBLISHED
    scheduled = article.publish_at > now
    _save_transition(
        article, by, "Scheduled" if scheduled else "Published", ["status", "publish_at", "withdraw_at"]
    )
    record(
        Audited.SCHEDULED if scheduled else Audited.PUBLISHED,
        article,
        actor=by,
        detail={"publish_at": article.publish_at.isoformat()},
    )
    if scheduled:
        # Nothing shows it yet, but the next scheduled change has moved.
        changes.article_edited(article, shown_before=shown_before)
    else:
        changes.article_published(article)
    notifications.published(article, by=by, scheduled=scheduled)
    return article


@transaction.atomic
def withdraw_article(*, article, by, at=None):
    """Take an article down now, or at `at` in the future (it stays published until then)."""
    if by is not None and not can_publish(by):
        raise PermissionDenied("Only editors can withdraw articles.")
    if article.status != Status.PUBLISHED:
        raise WorkflowError("Only a published or scheduled article can be withdrawn.")
    now = timezone.now()
    shown_before = changes.visible_urls(article)
    if at is not None and at > now:
        article.withdraw_at = at
        _save_transition(
            article, by, f"Withdrawal scheduled for {timezone.localtime(at):%d %b %Y %H:%M}", ["withdraw_at"]
        )
        record(Audited.WITHDRAWAL_SCHEDULED, article, actor=by, detail={"withdraw_at": at.isoformat()})
        changes.article_edited(article, shown_before=shown_before)
    else:
        article.status = Status.WITHDRAWN
        article.withdraw_at = now
        _save_transition(article, by, "Withdrawn", ["status", "withdraw_at"])
        record(Audited.WITHDRAWN, article, actor=by)
        changes.article_withdrawn(article, shown_before=shown_before)
    return article


@transaction.atomic
def add_correction(*, article, text, by):
    if not article.first_published_at:
        raise WorkflowError("Corrections are for published articles; edit the draft instead.")
    text = text.strip()
    if not text:
        raise WorkflowError("Write what was corrected.")
    correction = Correction.objects.create(article=article, text=text, created_by=by)
    record(Audited.CORRECTED, article, actor=by, detail={"correction": text[:200]})
    changes.article_edited(article)
    return correction


# What a revision brings back. The workflow state (status and its times) is not content:
# restoring an old wording must not unpublish or republish the article.
RESTORED_FIELDS = [
    "headline", "slug", "standfirst", "body", "section", "source", "original_url",
    "featured_image", "image_alt", "image_caption", "image_credit", "video_url", "sponsor",
    "is_premium", "comments_open", "comments_close_at", "seo_title", "seo_description",
]  # fmt: skip
_RESTORED_RELATIONS = {"section": Section, "source": Source, "sponsor": Sponsor}


@transaction.atomic
def restore_revision(*, article, revision, by):
    """Put an earlier revision's content back; the restore is itself a new revision."""
    if by is not None and not can_edit(by, article):
        raise PermissionDenied("You cannot change this article.")
    if revision.id != article.pk:
        raise WorkflowError("That revision belongs to another article.")
    if (
        revision.slug != article.slug
        and Article.objects.filter(slug=revision.slug).exclude(pk=article.pk).exists()
    ):
        raise WorkflowError(
            f"The revision's slug “{revision.slug}” is now used by another article; change that one first."
        )
    shown_before = changes.visible_urls(article)
    gone = []
    for name in RESTORED_FIELDS:
        field = Article._meta.get_field(name)
        value = getattr(revision, field.attname)
        related = _RESTORED_RELATIONS.get(name)
        if related and value is not None and not related.objects.filter(pk=value).exists():
            # Deleted since: keep what the article has now rather than point at nothing.
            gone.append(field.verbose_name)
            continue
        setattr(article, field.attname, value)
    when = timezone.localtime(revision.history_date)
    article._change_reason = f"Restored the revision of {when:%d %b %Y %H:%M}"
    article._history_user = by
    try:
        article.save()
    finally:
        del article._change_reason, article._history_user
    record(
        Audited.RESTORED,
        article,
        actor=by,
        detail={"revision": f"{when:%d %b %Y %H:%M}", "kept_current": gone},
    )
    changes.article_edited(article, shown_before=shown_before)
    return gone
