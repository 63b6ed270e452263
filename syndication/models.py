from django.db import models
from django.db.models import F

from articles.models import Source


class FeedState(models.Model):
    """What we remember about a source's feed between runs, for conditional requests."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="feed_state")
    # The validators below belong to this address; a new feed URL starts afresh.
    feed_url = models.URLField("feed URL", max_length=500, blank=True)
    etag = models.CharField("ETag", max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Feed state of {self.source}"

    def validators_for(self, url):
        """The ETag and Last-Modified to send, when they were received from this very URL."""
        if url != self.feed_url:
            return "", ""
        return self.etag, self.last_modified


class ImportRun(models.Model):
    """One run of the import, over every active source or one of them."""

    class Trigger(models.TextChoices):
        COMMAND = "command", "Command line"
        SCHEDULE = "schedule", "Scheduled task"

    trigger = models.CharField(max_length=10, choices=Trigger)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = [F("started_at").desc()]
        indexes = [
            # The admin's list, newest first, and the pruning of old runs.
            models.Index(F("started_at").desc(), name="importrun_started_idx"),
        ]

    def __str__(self):
        return f"Import of {self.started_at:%d %b %Y %H:%M}"


class SourceImport(models.Model):
    """What one run did with one source's feed."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        IMPORTED = "imported", "Imported"
        NOT_MODIFIED = "not_modified", "Not modified since last fetch"
        FAILED = "failed", "Feed failed"
        BUSY = "busy", "Skipped: another import of this source was running"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="source_imports")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="imports")
    feed_url = models.URLField("feed URL", max_length=500)
    status = models.CharField(max_length=12, choices=Status, default=Status.RUNNING)
    error = models.TextField("feed error", blank=True)
    fetched = models.PositiveIntegerField("items in the feed", default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField("items failed", default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "source__name"]
        indexes = [
            # The admin's per-source history: one source's imports, newest first.
            models.Index("source", F("started_at").desc(), name="sourceimport_source_idx"),
        ]

    def __str__(self):
        return f"{self.source} in {self.run}"

    @property
    def error_count(self):
        return self.failed + (1 if self.status == self.Status.FAILED else 0)

    def summary(self):
        if self.status == self.Status.FAILED:
            return f"failed: {self.error}"
        if self.status == self.Status.NOT_MODIFIED:
            return "not modified since the last fetch"
        if self.status == self.Status.BUSY:
            return "skipped: another import of this source was running"
        return (
            f"{self.fetched} fetched, {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped, {self.failed} failed"
        )


class ItemProblem(models.Model):
    """An item a run skipped or could not import, or imported with a warning, and why."""

    class Kind(models.TextChoices):
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"
        WARNING = "warning", "Imported with a warning"

    source_import = models.ForeignKey(SourceImport, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(max_length=10, choices=Kind)
    guid = models.CharField("GUID or link", max_length=500, blank=True)
    title = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title or self.guid}"
