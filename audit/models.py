"""The audit log: who did what to which object, when and from where, for admin changes and the
editorial workflow. Moderation decisions are not copied here: their one record is the
moderation log (comments.ModerationLogEntry), which keeps the same facts.

Append-only. Entries are written by audit.services.record() and never changed: the model
refuses updates and deletes, and a database trigger refuses them too (for anyone who goes
round the ORM), with one exception: deleting an account clears the actor link of its
entries, which keep the actor's address in `actor_name`.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast, Upper
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        # The admin, bridged from Django's LogEntry (single objects) and from bulk actions.
        ADDED = "added", "Added in the admin"
        CHANGED = "changed", "Changed in the admin"
        DELETED = "deleted", "Deleted in the admin"
        BULK_ACTION = "bulk_action", "Bulk admin action"
        # The editorial workflow (articles.services).
        SUBMITTED = "submitted", "Sent for review"
        RETURNED_TO_DRAFT = "returned_to_draft", "Returned to draft"
        UNSCHEDULED = "unscheduled", "Taken off the schedule"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        WITHDRAWN = "withdrawn", "Withdrawn"
        WITHDRAWAL_SCHEDULED = "withdrawal_scheduled", "Withdrawal scheduled"
        CORRECTED = "corrected", "Correction added"
        RESTORED = "restored", "Revision restored"
        # Comment moderation: only on entries written before December 2026. Moderation is now
        # recorded once, in the moderation log (comments.ModerationLogEntry, which auditors
        # read in the admin); these kinds stay so the older entries keep their names.
        COMMENT_APPROVED = "comment_approved", "Comment approved"
        COMMENT_REMOVED = "comment_removed", "Comment removed"
        COMMENT_REVIEWED = "comment_reviewed", "Comment flag cleared"
        COMMENT_HIDDEN = "comment_hidden", "Comment hidden after reports"
        COMMENTER_SUSPENDED = "commenter_suspended", "Commenter suspended"
        SUSPENSION_LIFTED = "suspension_lifted", "Suspension lifted"

    created_at = models.DateTimeField("when", default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's address when they acted: still readable after the account is gone. Blank
    # for automatic processes (imports, scheduled jobs, readers' reports hiding a comment).
    actor_name = models.CharField("who", max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    object_type = models.CharField("type", max_length=100, help_text="app_label.model_name")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField("object", max_length=200)
    ip_address = models.GenericIPAddressField("client IP", null=True, blank=True)
    # Small and specific: the changed fields, the reason given, the bulk action it came from.
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unfiltered admin list, newest first, and the date filters.
            models.Index(fields=["-created_at", "-id"], name="audit_created_idx"),
            # The actor filter ("everything this person did"), newest first.
            models.Index(fields=["actor", "-created_at"], name="audit_actor_idx"),
            # The action filter, newest first.
            models.Index(fields=["action", "-created_at"], name="audit_action_idx"),
            # An object's story: every entry about one article or comment.
            models.Index(fields=["object_type", "object_id", "-created_at"], name="audit_object_idx"),
            # The admin search: Django's icontains is UPPER(column::text) LIKE UPPER('%term%'),
            # which these trigram indexes answer without reading the whole table.
            GinIndex(
                OpClass(Upper(Cast("object_repr", models.TextField())), name="gin_trgm_ops"),
                name="audit_object_repr_trgm",
            ),
            GinIndex(
                OpClass(Upper(Cast("actor_name", models.TextField())), name="gin_trgm_ops"),
                name="audit_actor_name_trgm",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def summary(self):
        """The detail as one line for people: "reason: Spam · note: …"."""
        parts = []
        for key, value in self.detail.items():
            if isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            parts.append(f"{key.replace('_', ' ')}: {value}")
        return " · ".join(parts)
