"""The story budget: stories the desk plans to run, kept apart from articles.

A planned story is an intention (a slug-line, a desk, who writes it, when it is due). It may
later point at the article written for it, but nothing public ever reads this table: the
article reaches readers through its own workflow, the planned story never does.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def _start_of(day):
    """The first moment of a calendar day in the site's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def week_start(day):
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


DESK_MISSING = "Choose the desk this story belongs to."
ASSIGNEE_MISSING = "An assigned story needs a writer: choose who writes it."


class PlannedStoryQuerySet(models.QuerySet):
    def open(self):
        """Still to be written or edited: what a writer or the desk has yet to finish."""
        return self.exclude(status__in=PlannedStory.DONE_STATUSES)

    def overdue(self, at=None):
        """Due before `at` (now by default) and not yet edited or published."""
        return self.open().filter(due_at__lt=at or timezone.now())

    def assigned_to(self, user):
        return self.filter(assignee=user)

    def between(self, first_day, days):
        """Due on `first_day` or the `days - 1` days after it (local calendar days)."""
        return self.filter(
            due_at__gte=_start_of(first_day), due_at__lt=_start_of(first_day + timedelta(days=days))
        )

    def for_day(self, day):
        return self.between(day, 1)

    def for_week(self, day):
        """The Monday-to-Sunday week that holds `day`."""
        return self.between(week_start(day), 7)

    def for_budget(self):
        # The budget page shows each item's desk, writer and article.
        return self.select_related("desk", "assignee", "article").order_by("due_at", "desk__position", "pk")


class PlannedStory(models.Model):
    class Status(models.TextChoices):
        IDEA = "idea", "Idea"
        ASSIGNED = "assigned", "Assigned"
        FILED = "filed", "Filed"
        EDITED = "edited", "Edited"
        PUBLISHED = "published", "Published"

    # Once edited, a story is out of the writer's hands: it can no longer be late.
    DONE_STATUSES = (Status.EDITED, Status.PUBLISHED)

    slug_line = models.CharField(
        "slug-line",
        max_length=80,
        help_text="A few words the desk knows the story by, e.g. “council budget vote”.",
    )
    desk = models.ForeignKey(
        "articles.Section",
        on_delete=models.PROTECT,
        related_name="planned_stories",
        error_messages={"null": DESK_MISSING, "blank": DESK_MISSING},
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
        verbose_name="writer",
        help_text="Who writes it. Needed once the story is assigned.",
    )
    due_at = models.DateTimeField("due", help_text="When the copy is due on the desk.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IDEA)
    notes = models.TextField(
        blank=True, max_length=4000, help_text="Angle, sources, length, pictures wanted."
    )
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_stories",
        help_text="The article written for this story, once there is one.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlannedStoryQuerySet.as_manager()

    class Meta:
        verbose_name = "planned story"
        verbose_name_plural = "planned stories"
        ordering = ["due_at", "pk"]
        permissions = [("change_any_plannedstory", "Can plan, assign and change any planned story")]
        indexes = [
            # The budget's day and week views, and the overdue list: a range of due times.
            models.Index(fields=["due_at"], name="planning_due_at"),
            # A writer's open assignments on the desk page.
            models.Index(fields=["assignee", "status"], name="planning_assignee_status"),
        ]

    def __str__(self):
        return self.slug_line

    def clean(self):
        # A form rule, not a database constraint: when a writer's account is deleted their
        # assigned stories keep their status with no writer, for an editor to reassign.
        super().clean()
        if self.status == self.Status.ASSIGNED and self.assignee_id is None:
            raise ValidationError({"assignee": ASSIGNEE_MISSING})

    @property
    def is_overdue(self):
        return (
            self.status not in self.DONE_STATUSES and self.due_at is not None and self.due_at < timezone.now()
        )
