"""The import log, read-only: what each run did, per source, and why items were skipped or failed."""

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.html import format_html

from syndication.models import ImportRun, ItemProblem, SourceImport

COUNTS = ("fetched", "new", "updated", "unchanged", "skipped", "failed")


class ReadOnlyAdmin(admin.ModelAdmin):
    """The log is written by the import alone; people read it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SourceImportInline(ReadOnlyInline):
    model = SourceImport
    fields = ["source", "status", *COUNTS, "error"]
    readonly_fields = fields
    ordering = ["source__name"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at", "trigger", "finished_at", "source_count", *[f"total_{name}" for name in COUNTS],
        "feeds_failed",
    ]  # fmt: skip
    list_filter = ["trigger"]
    date_hierarchy = "started_at"
    fields = ["trigger", "started_at", "finished_at"]
    readonly_fields = fields
    inlines = [SourceImportInline]

    def get_queryset(self, request):
        # One query for every column: per-row counting was what made log lists slow to open.
        return (
            super()
            .get_queryset(request)
            .annotate(
                source_count=Count("source_imports"),
                feeds_failed=Count(
                    "source_imports", filter=Q(source_imports__status=SourceImport.Status.FAILED)
                ),
                **{f"total_{name}": Sum(f"source_imports__{name}") for name in COUNTS},
            )
        )

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, run):
        return run.source_count

    @admin.display(description="feeds failed", ordering="feeds_failed")
    def feeds_failed(self, run):
        return run.feeds_failed

    @admin.display(description="fetched")
    def total_fetched(self, run):
        return run.total_fetched or 0

    @admin.display(description="new")
    def total_new(self, run):
        return run.total_new or 0

    @admin.display(description="updated")
    def total_updated(self, run):
        return run.total_updated or 0

    @admin.display(description="unchanged")
    def total_unchanged(self, run):
        return run.total_unchanged or 0

    @admin.display(description="skipped")
    def total_skipped(self, run):
        return run.total_skipped or 0

    @admin.display(description="items failed")
    def total_failed(self, run):
        return run.total_failed or 0


class ItemProblemInline(ReadOnlyInline):
    model = ItemProblem
    fields = ["kind", "title", "guid", "reason", "article_link"]
    readonly_fields = fields
    show_change_link = False

    @admin.display(description="article")
    def article_link(self, problem):
        if problem.article_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[problem.article_id]),
            problem.article,
        )


@admin.register(SourceImport)
class SourceImportAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "source", "status", *COUNTS, "error"]
    list_filter = ["status", "source"]
    list_select_related = ["source"]
    search_fields = ["source__name", "error"]
    date_hierarchy = "started_at"
    fields = ["run", "source", "feed_url", "status", "error", *COUNTS, "started_at", "finished_at"]
    readonly_fields = fields
    inlines = [ItemProblemInline]
