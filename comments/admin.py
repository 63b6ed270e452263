"""Staff tools for comments in the admin: the guidelines, the reasons and the policy are edited
here; comments, reports, suspensions and the log are shown read-only, since decisions go through
the moderation queue, which logs them and tells the people concerned."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from comments.models import (
    ArticleCommentPolicy,
    Comment,
    CommentPolicy,
    Guidelines,
    ModerationLogEntry,
    ModerationReason,
    Report,
    Suspension,
)
from newsroom import changes
from newsroom.admin import AnnouncesChanges
from newsroom.lib.singleton import SingletonModelAdmin


@admin.register(Guidelines)
class GuidelinesAdmin(AnnouncesChanges, SingletonModelAdmin):
    fields = ["title", "body", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]
    list_display = ["title", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ModerationReason)
class ModerationReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "description"]

    def has_delete_permission(self, request, obj=None):
        # Past reports and removals name their reason; retire a reason instead of deleting it.
        return False


@admin.register(CommentPolicy)
class CommentPolicyAdmin(AnnouncesChanges, SingletonModelAdmin):
    list_display = ["__str__", "moderation", "allow_anonymous", "close_after_days", "updated_at"]
    fieldsets = [
        ("Who may comment and when", {"fields": ["moderation", "allow_anonymous", "close_after_days"]}),
        (
            "Automatic checks",
            {
                "fields": [
                    "hold_first_comments",
                    "trusted_after_approved",
                    "hold_after_removed",
                    "max_links",
                    "blocked_words",
                    "suspect_words",
                    "reports_to_hide",
                ]
            },
        ),
        (
            "Automatic score",
            {
                "fields": ["hold_at_score"],
                "description": "A last check on comments the rules above would publish. Held "
                "comments show their score and its reason in the moderation queue.",
            },
        ),
    ]


@admin.register(ArticleCommentPolicy)
class ArticleCommentPolicyAdmin(AnnouncesChanges, admin.ModelAdmin):
    list_display = ["article", "moderation", "close_after_days", "closed_message", "qa_enabled"]
    list_filter = ["qa_enabled"]
    list_select_related = ["article"]
    # Ids, not a list of every account: moderators cannot browse the accounts, and a site's
    # readers are far too many for a select box.
    raw_id_fields = ["article", "qa_experts"]
    fieldsets = [
        (None, {"fields": ["article", "moderation", "close_after_days", "closed_message"]}),
        ("Reader Q&A", {"fields": ["qa_enabled", "qa_intro", "qa_experts"]}),
    ]
    search_fields = ["article__headline"]

    def announce(self, policy):
        # Only that article's comments region says whether and why its comments are open.
        changes.comments_changed(policy.article_id)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "author", "article", "state", "submit_date", "excerpt"]
    list_select_related = ["user", "article"]
    list_filter = ["is_public", "is_removed", "held_reason", "needs_review"]
    search_fields = ["comment", "user_name", "user_email", "user__email", "article__headline"]
    date_hierarchy = "submit_date"
    fields = [
        "article", "author", "comment", "submit_date", "edited_at", "state", "held_reason",
        "moderation_note", "needs_review", "published_at", "removed_at", "removal_reason", "deleted_at",
        "ip_address",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="commenter")
    def author(self, obj):
        return obj.author_name

    @admin.display(description="state")
    def state(self, obj):
        return obj.state_label

    @admin.display(description="text")
    def excerpt(self, obj):
        return obj.comment[:80]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": "Reader comments (decide in the moderation queue)"}
        return super().changelist_view(request, extra_context)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["comment", "reason", "reporter", "created_at", "resolved_at"]
    list_select_related = ["reason", "reporter", "comment__user"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["user", "reason", "starts_at", "ends_at", "lifted_at", "manage"]
    list_select_related = ["user"]
    search_fields = ["user__email", "reason"]

    @admin.display(description="")
    def manage(self, obj):
        url = reverse("comments:moderation-commenter", kwargs={"user_id": obj.user_id})
        return format_html('<a href="{}">Commenter record</a>', url)


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(ReadOnlyAdmin):
    """The one record of moderation decisions, as auditors read it: the audit log links here
    rather than keeping copies, so this list shows what the audit log shows of other actions
    (the moderator's address, even of a deleted account, and the client IP)."""

    list_display = [
        "created_at", "actor_name", "actor_address", "action", "comment", "subject", "reason", "note",
        "ip_address",
    ]  # fmt: skip
    list_select_related = ["actor", "subject", "reason", "comment__user"]
    list_filter = ["action", "reason"]
    search_fields = ["note", "actor_address", "subject__email"]
    date_hierarchy = "created_at"
