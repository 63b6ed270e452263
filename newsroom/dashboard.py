"""The desk: what the admin's home page shows each member of staff above the list of models.

A writer finds their drafts (those an editor sent back first, with the editor's note), what
they have waiting for review, and the planned stories assigned to them (overdue ones marked);
an editor, what waits for review (oldest first, with who sent it and when), what is scheduled
in the next two days, what was published today, today's corrections and the corrections
pending (readers' error reports still open for the sections they look after, oldest first);
a moderator, what waits in each tab of the moderation queue. Someone with several roles sees
each part. A fixed number of queries for each part, however many articles there are.
"""

from datetime import timedelta

from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from articles.models import Article, Correction
from audit.models import AuditEntry
from comments.models import Appeal, Comment, Notice
from enquiries.models import ErrorReport
from planning.models import PlannedStory

SCHEDULED_AHEAD = timedelta(hours=48)
# Each list shows at most this many; its count says how many there are in all.
LISTED = 15

Audited = AuditEntry.Action


def _latest(action, field):
    """The `field` of each article's most recent audit entry of `action`, as a subquery."""
    return Subquery(
        AuditEntry.objects.filter(
            action=action, object_type="articles.article", object_id=Cast(OuterRef("pk"), CharField())
        )
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )


def _listed(queryset):
    return {"count": queryset.count(), "articles": list(queryset[:LISTED])}


def writer_desk(user):
    mine = Article.objects.filter(created_by=user).select_related("section")
    drafts = (
        mine.filter(status=Article.Status.DRAFT)
        .annotate(
            returned_at=_latest(Audited.RETURNED_TO_DRAFT, "created_at"),
            returned_by=_latest(Audited.RETURNED_TO_DRAFT, "actor__display_name"),
            return_note=_latest(Audited.RETURNED_TO_DRAFT, "detail__note"),
        )
        .order_by("-updated_at")
    )
    assignments = PlannedStory.objects.assigned_to(user).open().select_related("desk").order_by("due_at")
    return {
        "drafts": _listed(drafts),
        "in_review": _listed(mine.in_review().order_by("-updated_at")),
        "assignments": {"count": assignments.count(), "stories": list(assignments[:LISTED])},
    }


def editor_desk(now, user):
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    waiting = (
        Article.objects.in_review()
        .select_related("section")
        .annotate(
            sent_at=_latest(Audited.SUBMITTED, "created_at"),
            sent_by=_latest(Audited.SUBMITTED, "actor__display_name"),
            sent_by_address=_latest(Audited.SUBMITTED, "actor_name"),
        )
        .order_by("sent_at", "updated_at")
    )
    return {
        "waiting": _listed(waiting),
        "scheduled": _listed(
            Article.objects.scheduled(at=now)
            .filter(publish_at__lte=now + SCHEDULED_AHEAD)
            .select_related("section")
            .order_by("publish_at")
        ),
        "published_today": _listed(
            Article.objects.published(at=now)
            .filter(publish_at__gte=today)
            .select_related("section")
            .order_by("-publish_at")
        ),
        "corrections_today": list(
            Correction.objects.filter(published_at__gte=today)
            .select_related("article")
            .order_by("-published_at")
        ),
        "corrections_pending": _pending_reports(user),
    }


def _pending_reports(user):
    reports = (
        ErrorReport.objects.open().looked_after_by(user).select_related("article").order_by("created_at")
    )
    return {"count": reports.count(), "reports": list(reports[:LISTED])}


def moderator_desk():
    return {
        **Comment.objects.queue_counts(),
        "notices": Notice.objects.pending().count(),
        "appeals": Appeal.objects.pending().count(),
    }


def desk_for(user, now=None):
    now = now or timezone.now()
    desk = {}
    if user.has_perm("articles.change_article"):
        desk["writer"] = writer_desk(user)
    if user.has_perm("articles.publish_article"):
        desk["editor"] = editor_desk(now, user)
    if user.has_perm("comments.moderate_comment"):
        desk["moderator"] = moderator_desk()
    return desk
