"""The audit log in the admin, for superusers only and read-only even for them; and the
wrapping that makes every bulk admin action leave one entry per object it touched."""

from dataclasses import replace
from functools import wraps

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.functional import cached_property

from audit.models import AuditEntry
from audit.services import batch, record
from newsroom.lib.numbers import parse_id
from newsroom.lib.paginators import EstimatedCountPaginator

# A filtered or searched list is counted up to this many rows: past it the count costs more
# than it tells (narrow the filters instead), and the list shows at most that many.
COUNT_CAP = 10_000


class CappedCountPaginator(EstimatedCountPaginator):
    """The unfiltered list is counted from the planner's estimate; a filtered one exactly, but
    never beyond COUNT_CAP rows, so "everything one editor did" stays fast at a million rows."""

    @cached_property
    def count(self):
        queryset = self.object_list
        if getattr(queryset, "query", None) is not None and queryset.query.where:
            return queryset.order_by()[:COUNT_CAP].count()
        return super().count


class ActorFilter(admin.SimpleListFilter):
    """Staff who may act in the admin, rather than every account (readers are thousands)."""

    title = "who"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True)).order_by("email")
        return [("none", "An automatic process"), *((str(user.pk), user.email) for user in staff)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            # actor IS NULL is served by the actor index; the name tells apart deleted accounts.
            return queryset.filter(actor__isnull=True, actor_name="")
        if parse_id(value) is not None:
            return queryset.filter(actor_id=parse_id(value))
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor_name",
        "action",
        "object_type",
        "object_repr",
        "ip_address",
        "summary",
    ]
    list_filter = [ActorFilter, "action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["object_repr", "actor_name"]
    search_help_text = "Words from the object's name (a headline, a comment) or the actor's address."
    fields = [
        "created_at", "actor_name", "action", "object_type", "object_id", "object_repr", "ip_address",
        "summary",
    ]  # fmt: skip
    readonly_fields = fields
    list_per_page = 100
    actions = None
    # A million rows: no COUNT(*) of the whole table on each page load (planner's estimate
    # instead, and capped counts of filtered lists), and no second count for "N total".
    paginator = CappedCountPaginator
    show_full_result_count = False

    @admin.display(description="detail")
    def summary(self, entry):
        return entry.summary or "—"

    def _is_superuser(self, request):
        return request.user.is_active and request.user.is_superuser

    # Superusers only, even if someone grants audit permissions to a group.
    def has_module_permission(self, request):
        return self._is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._is_superuser(request)

    # Append-only: nobody adds, changes or deletes entries through the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Bulk actions -------------------------------------------------------------------------------


def _finished(response):
    """An action is done when it returns nothing or a redirect; a page it returns instead (a
    confirmation, a form) means nothing has been done yet."""
    return response is None or 300 <= response.status_code < 400


def audited_action(action, description):
    """Wrap one admin action: entries recorded by what it calls (the article workflow, the
    admin's own LogEntry for a single deletion) name the bulk action; when it records nothing
    itself, each selected object gets an entry of its own (a deletion for those now gone)."""

    @wraps(action)
    def run(modeladmin, request, queryset):
        model = modeladmin.model
        selected = [(obj.pk, str(obj)) for obj in queryset.all()]
        with transaction.atomic(), batch(f"bulk action “{description}”") as current:
            response = action(modeladmin, request, queryset)
            if current.recorded or not _finished(response):
                return response
            remaining = set(
                model._base_manager.filter(pk__in=[pk for pk, _ in selected]).values_list("pk", flat=True)
            )
            for pk, text in selected:
                record(
                    AuditEntry.Action.BULK_ACTION if pk in remaining else AuditEntry.Action.DELETED,
                    object_type=model._meta.label_lower,
                    object_id=pk,
                    object_repr=text,
                    detail={"action": str(description)},
                )
        return response

    run.audited = True
    return run


def audit_bulk_actions(site):
    """Wrap the actions of every registered ModelAdmin, so an action added later, ours or a
    library's, is audited without anyone remembering to."""
    for model_admin in site._registry.values():
        get_actions = model_admin.get_actions
        if getattr(get_actions, "audited", False):
            continue

        def audited_get_actions(
            request, action_location=ActionLocation.CHANGE_LIST, _get_actions=get_actions
        ):
            actions = _get_actions(request, action_location=action_location)
            return {
                name: action
                if getattr(action.func, "audited", False)
                else replace(action, func=audited_action(action.func, action.description))
                for name, action in actions.items()
            }

        audited_get_actions.audited = True
        model_admin.get_actions = audited_get_actions
