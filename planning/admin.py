"""The story budget in the admin: the list of planned stories, their form, and the budget page
(a day or a week of what is due, by desk).

Editors plan, assign and change any story. A writer reads the whole budget but changes only
the stories assigned to them, and only what a writer reports back: the status (up to filed),
the notes and the article written for it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from accounts.models import User
from accounts.roles import CHIEF_EDITOR, EDITOR, WRITER
from articles.models import Article
from planning import budget
from planning.models import DESK_MISSING, PlannedStory

# What a writer may report about their own assignment; edited and published are the desk's word.
WRITER_STATUSES = [PlannedStory.Status.ASSIGNED, PlannedStory.Status.FILED]
WRITER_FIELDS = ["status", "notes", "article"]


def can_plan(user):
    """Whether the user may add, assign and change any planned story (editors)."""
    return user.has_perm("planning.change_any_plannedstory")


class PlannedStoryForm(forms.ModelForm):
    class Meta:
        model = PlannedStory
        fields = ["slug_line", "desk", "assignee", "due_at", "status", "notes", "article"]
        error_messages = {
            "desk": {
                "required": DESK_MISSING,
                "invalid_choice": "That desk no longer exists: choose another.",
            },
            "slug_line": {"required": "Give the story a slug-line: a few words the desk knows it by."},
            "due_at": {"required": "Say when the story is due.", "invalid": "Enter the due date and time."},
        }


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("open", "Still open")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "open":
            return queryset.open()
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = "writer"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", "My assignments")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.assigned_to(request.user)
        return queryset


@admin.register(PlannedStory)
class PlannedStoryAdmin(admin.ModelAdmin):
    form = PlannedStoryForm
    change_list_template = "admin/planning/plannedstory/change_list.html"
    list_display = ["slug_line", "status", "desk", "assignee", "due_at", "deadline", "article"]
    list_filter = [MineFilter, OverdueFilter, "status", "desk", ("due_at", admin.DateFieldListFilter)]
    list_select_related = ["desk", "assignee", "article"]
    search_fields = ["slug_line", "notes"]
    fields = [
        "slug_line",
        "desk",
        "assignee",
        "due_at",
        "status",
        "notes",
        "article",
        "created_by",
        "created_at",
    ]
    list_per_page = 100

    class Media:
        css = {"all": ["planning/budget.css"]}

    @admin.display(description="deadline")
    def deadline(self, obj):
        # A word, not only a colour: the label reads the same to everyone and on paper.
        if obj.is_overdue:
            return format_html('<strong class="planning-overdue">{}</strong>', "Overdue")
        return "Done" if obj.status in PlannedStory.DONE_STATUSES else "On time"

    # Who may do what ---------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_plan(request.user) or obj.assignee_id == request.user.pk

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_plan(request.user)

    def get_readonly_fields(self, request, obj=None):
        always = ["created_by", "created_at"]
        if can_plan(request.user):
            return always
        return [name for name in self.fields if name not in WRITER_FIELDS]

    def get_autocomplete_fields(self, request):
        # Editors pick from every article; a writer's own few fit a plain list.
        return ["article"] if can_plan(request.user) else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = (
                User.objects.filter(is_active=True, groups__name__in=[WRITER, EDITOR, CHIEF_EDITOR])
                .distinct()
                .order_by("display_name", "email")
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})"
            return field
        elif db_field.name == "article" and not can_plan(request.user):
            kwargs["queryset"] = Article.objects.filter(created_by=request.user).order_by("-updated_at")
        elif db_field.name == "desk":
            kwargs["empty_label"] = "Choose a desk"
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "status" and not can_plan(request.user):
            # The story's current status stays on offer, so saving other fields never fails.
            story = getattr(request, "_planned_story", None)
            current = story.status if story else None
            field.choices = [
                (value, label)
                for value, label in field.choices
                if value in WRITER_STATUSES or value == current
            ]
        return field

    def get_object(self, request, object_id, from_field=None):
        story = super().get_object(request, object_id, from_field)
        request._planned_story = story
        return story

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # The budget page ---------------------------------------------------------------------

    def get_urls(self):
        budget_url = path(
            "budget/", self.admin_site.admin_view(self.budget_view), name="planning_plannedstory_budget"
        )
        return [budget_url, *super().get_urls()]

    def budget_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        page = budget.budget_page(request.GET)
        if page.problem:
            self.message_user(request, page.problem, level="warning")
        context = {
            **self.admin_site.each_context(request),
            "title": "Story budget",
            "opts": self.model._meta,
            "page": page,
            "can_plan": can_plan(request.user),
        }
        return TemplateResponse(request, "admin/planning/plannedstory/budget.html", context)
