"""The editorial admin: articles with their workflow, and the sections, sources, sponsors and
old addresses around them.

The article's state is never a form field: it changes only through the buttons of the edit
page and the bulk actions, which call articles.services like every other entry point. Who may
do what comes from services.can_edit / can_publish, checked object by object.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorField
from simple_history.admin import SimpleHistoryAdmin

from articles import admin_frontpage, editing, notifications, services  # noqa: F401 (admin_frontpage registers the front page)
from articles.admin_views import ArticleEditorialViews
from articles.forms import ArticleAdminForm, BodyEditorWidget
from articles.models import (
    MINOR_EDIT_REASON,
    Article,
    ArticleAuthor,
    Correction,
    Section,
    SlugRedirect,
    Source,
    Sponsor,
)
from authors.models import Author
from newsroom import changes
from newsroom.admin import AnnouncesChanges
from newsroom.lib.numbers import parse_id
from newsroom.lib.paginators import EstimatedCountPaginator
from newsroom.lib.sanitize import clean_body_html

IMAGE_TYPES = "image/jpeg,image/png,image/webp,image/gif"
# An editor's note to the writer when an article goes back to draft (emailed, and kept in the
# audit log's detail).
RETURN_NOTE_MAX_LENGTH = 2000

# Image uploads are checked by newsroom.lib.images (through the model field's validator), whose
# messages say what is wrong and what is accepted; Django's own image form field would refuse
# non-images first with a vaguer message.
IMAGE_FIELD_OVERRIDES = {
    models.ImageField: {
        "form_class": forms.FileField,
        "widget": AdminFileWidget(attrs={"accept": IMAGE_TYPES}),
    }
}


def _local(moment):
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y, %H:%M}"


# Articles -----------------------------------------------------------------------------------


class StateFilter(admin.SimpleListFilter):
    """States as editors think of them: scheduled and lapsed articles are told apart."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("published", "Published"),
            ("withdrawn", "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        Status = Article.Status
        match self.value():
            case "draft":
                return queryset.filter(status=Status.DRAFT)
            case "review":
                return queryset.filter(status=Status.REVIEW)
            case "scheduled":
                return queryset.scheduled(at=now)
            case "published":
                return queryset.published(at=now)
            case "withdrawn":
                return queryset.filter(
                    Q(status=Status.WITHDRAWN) | Q(status=Status.PUBLISHED, withdraw_at__lte=now)
                )
        return queryset


class NewsroomAuthorFilter(admin.SimpleListFilter):
    """Filter by one of the newsroom's own writers (authors with an account).

    Listing every author who has a byline would read the whole byline table on each page load
    and offer thousands of partner and guest names; those are found through the search box,
    which searches bylines. A link may still name any author by id.
    """

    title = "newsroom author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return Author.objects.filter(user__isnull=False).order_by("name").values_list("pk", "name")

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        author_id = parse_id(value)
        if author_id is None:
            return queryset.none()
        return queryset.filter(authors__id=author_id)


class EditableWithArticle:
    """An inline may change what its article's editor may change, and nothing more."""

    def _article_editable(self, request, obj):
        # An article someone else is editing is read-only, inlines included (articles.editing).
        locked = getattr(request, "article_edit_lock", None) is not None
        return obj is None or (services.can_edit(request.user, obj) and not locked)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._article_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._article_editable(request, obj)


class BylineInline(EditableWithArticle, admin.TabularInline):
    model = ArticleAuthor
    fields = ["position", "author", "role"]
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "Byline, in order"
    formfield_overrides = {
        models.PositiveSmallIntegerField: {
            "widget": forms.NumberInput(attrs={"min": 0, "max": 99, "class": "vSmallIntegerField"})
        }
    }

    def get_extra(self, request, obj=None, **kwargs):
        return 2 if obj is None else 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["position"].label = "Order"
        formset.form.base_fields["position"].help_text = "Lower numbers come first."
        return formset


class CorrectionInline(EditableWithArticle, admin.StackedInline):
    """Corrections are appended, dated and signed; a published note is not rewritten."""

    model = Correction
    fields = ["text", "published_at", "signed"]
    readonly_fields = ["published_at", "signed"]
    extra = 0
    verbose_name_plural = "Corrections shown to readers"

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="added by")
    def signed(self, correction):
        return correction.created_by.get_full_name() if correction.created_by else "—"


@admin.register(Article)
class ArticleAdmin(ArticleEditorialViews, SimpleHistoryAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    object_history_list_template = "admin/articles/article/object_history_list.html"

    list_display = ["headline", "state", "section", "byline", "source", "publish_at"]
    list_filter = [
        StateFilter,
        "type_of_work",
        "section",
        "source",
        NewsroomAuthorFilter,
        ("publish_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["section", "source"]
    search_fields = ["headline", "standfirst", "author_names", "slug"]
    # No date_hierarchy: its list of years is a DISTINCT over every article's publish time on
    # each page load (3 s at a million articles); the publish_at filter above needs no query.
    prepopulated_fields = {"slug": ["headline"]}
    formfield_overrides = IMAGE_FIELD_OVERRIDES | {ProseEditorField: {"widget": BodyEditorWidget}}
    actions = ["publish_selected", "withdraw_selected"]
    list_per_page = 50
    # At a million articles COUNT(*) per page load is the slowest part of the list: the total
    # comes from the planner's estimate, and "Show all" needs no second count.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    save_on_top = False

    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "minor_edit", "loaded_version"]}),
        (
            "What kind of story",
            {
                "fields": ["type_of_work", "dateline", "sources_and_method"],
                "description": "Tell readers what they are reading, where it was reported and how.",
            },
        ),
        ("Where it appears", {"fields": ["section", "tags", "new_tags", "source", "original_url"]}),
        (
            "Image and video",
            {"fields": ["featured_image", "image_alt", "image_caption", "image_credit", "video_url"]},
        ),
        (
            "Publication",
            {
                "fields": [
                    "state",
                    "publish_at",
                    "withdraw_at",
                    "first_published_at",
                    "sponsor",
                    "is_premium",
                    "comments_open",
                    "comments_close_at",
                ]
            },
        ),
        (
            "Search engines and sharing",
            {"fields": ["seo_title", "seo_description", "licence_url"], "classes": ["collapse"]},
        ),
        ("Record", {"fields": ["record"], "classes": ["collapse"]}),
    ]
    always_read_only = ["state", "first_published_at", "record"]
    # Fields that exist only on the edit form; a read-only view has nothing to show for them.
    form_only_fields = {"loaded_version", "new_tags", "minor_edit"}

    class Media:
        css = {"all": ["articles/admin/editorial.css"]}

    # Lists --------------------------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")))
        )

    @admin.display(description="state", ordering="status")
    def state(self, article):
        return article.state_label

    @admin.display(description="authors")
    def byline(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all()) or "—"

    @admin.display(description="record")
    def record(self, article):
        if not article.pk:
            return "—"
        created_by = article.created_by.get_full_name() if article.created_by else "an automatic process"
        latest = article.latest_revision()
        parts = [f"Created by {created_by} on {_local(article.created_at)}."]
        if latest is not None:
            who = latest.history_user.get_full_name() if latest.history_user else "an automatic process"
            parts.append(f"Last changed by {who} on {_local(latest.history_date)}.")
        return " ".join(parts)

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published else None

    # Who may do what ---------------------------------------------------------------------

    def _is_editorial(self, request):
        # Moderators may read articles (to set a comment policy) but have no article admin.
        return request.user.has_perm("articles.change_article")

    def has_view_permission(self, request, obj=None):
        return self._is_editorial(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = self._is_editorial(request) and super().has_change_permission(request, obj)
        allowed = allowed and not self.locked_by_other(request, obj)
        return allowed and (obj is None or services.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or services.can_edit(request.user, obj))

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def history_view_title(self, request, obj):
        return f"Revisions of “{obj}”"

    def revert_disabled(self, request, obj=None):
        # Restoring goes through the compare page, which keeps the workflow state.
        return True

    def get_readonly_fields(self, request, obj=None):
        read_only = list(self.always_read_only)
        if not services.can_publish(request.user):
            read_only += ["publish_at", "withdraw_at"]
        return read_only

    def get_fieldsets(self, request, obj=None):
        if obj is None or self.has_change_permission(request, obj):
            return self.fieldsets
        # Read-only: the text as it reads rather than its HTML, and nothing only a form has.
        shown = {"body": "body_as_it_reads"}
        return [
            (
                name,
                {
                    **options,
                    "fields": [shown.get(f, f) for f in options["fields"] if f not in self.form_only_fields],
                },
            )
            for name, options in self.fieldsets
        ]

    @admin.display(description="body")
    def body_as_it_reads(self, article):
        # Cleaned again on the way out, as every body shown anywhere is: a row written before
        # today's rules (or by hand) must not bring markup of its own into the admin.
        return format_html('<div class="readonly-body">{}</div>', mark_safe(clean_body_html(article.body)))

    def get_inlines(self, request, obj):
        published = obj is not None and obj.first_published_at and obj.first_published_at <= timezone.now()
        return [BylineInline, CorrectionInline] if published else [BylineInline]

    def get_urls(self):
        return self.get_editorial_urls() + super().get_urls()

    # Editing: the lock and the unsaved copy (articles/editing.py) -------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is not None and self.has_change_permission(request, article):
            refused = self.enter_change_page(request, article)
            if refused is not None:
                return refused
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        restored = self.restored_values(request, obj)
        if restored:
            form = type(form.__name__, (form,), {"restored_values": restored})
        return form

    # Saving -------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj._change_reason = "Created"
        elif form.cleaned_data.get("minor_edit"):
            obj._minor_edit = True
            obj._change_reason = MINOR_EDIT_REASON
        # Where readers could see it before this save (an old address, a section it leaves),
        # announced with the change once the inlines are saved too (save_related).
        form.shown_before = changes.visible_urls(obj) if change else set()
        try:
            super().save_model(request, obj, form, change)
        finally:
            obj.__dict__.pop("_change_reason", None)
            obj.__dict__.pop("_minor_edit", None)
        # Saved for real: the unsaved copy the form may have been restored from is spent.
        editing.forget_autosave(user=request.user, article=obj if change else None)

    def delete_model(self, request, obj):
        shown_before = changes.visible_urls(obj)
        super().delete_model(request, obj)
        changes.article_withdrawn(obj, shown_before=shown_before)

    def delete_queryset(self, request, queryset):
        shown_before = [(article, changes.visible_urls(article)) for article in queryset]
        super().delete_queryset(request, queryset)
        for article, urls in shown_before:
            changes.article_withdrawn(article, shown_before=urls)

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            self._save_corrections(request, form.instance, formset)
            return
        super().save_formset(request, form, formset, change)
        if formset.model is ArticleAuthor:
            # Number the byline 0, 1, 2… in the order chosen; equal numbers keep the form's order.
            for position, byline in enumerate(form.instance.bylines.order_by("position", "id")):
                if byline.position != position:
                    ArticleAuthor.objects.filter(pk=byline.pk).update(position=position)

    def _save_corrections(self, request, article, formset):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for form in formset.deleted_forms:
            if form.instance.pk:
                form.instance.delete()
                formset.deleted_objects.append(form.instance)
        for form in formset.extra_forms:
            if form.has_changed() and not formset._should_delete_form(form):
                correction = services.add_correction(
                    article=article, text=form.cleaned_data["text"], by=request.user
                )
                formset.new_objects.append(correction)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_author_names()
        changes.article_edited(form.instance, shown_before=getattr(form, "shown_before", set()))

    # The workflow buttons -----------------------------------------------------------------

    def workflow_buttons(self, request, obj):
        """The submit buttons of the edit page: (name, label), the first one the default."""
        if obj is not None and not self.has_change_permission(request, obj):
            return []
        can_publish = services.can_publish(request.user)
        Status = Article.Status
        status = obj.status if obj is not None else Status.DRAFT
        scheduled = obj is not None and obj.state_label == "Scheduled"
        publish_label = (
            "Schedule" if obj and obj.publish_at and obj.publish_at > timezone.now() else "Publish"
        )
        if status == Status.DRAFT:
            buttons = [("_save_draft", "Save draft"), ("_submit_review", "Send for review")]
            if can_publish:
                buttons.append(("_publish", publish_label))
        elif status == Status.REVIEW:
            buttons = [("_save_draft", "Save"), ("_back_to_draft", "Back to draft")]
            if can_publish:
                buttons.append(("_publish", publish_label))
        elif status == Status.PUBLISHED:
            buttons = [("_save_draft", "Save changes")]
            if can_publish and scheduled:
                buttons.append(("_back_to_draft", "Take off the schedule"))
            if can_publish:
                buttons.append(("_withdraw", "Withdraw now"))
        else:
            buttons = [("_save_draft", "Save")]
            if can_publish:
                buttons += [("_back_to_draft", "Back to draft"), ("_publish", "Publish again")]
        return buttons

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_buttons"] = self.workflow_buttons(request, obj)
        context |= self.editing_context(request, obj)
        # An editor returning an article from review can write its writer a note.
        context["return_note_max_length"] = RETURN_NOTE_MAX_LENGTH
        context["can_return_with_note"] = (
            obj is not None and obj.status == Article.Status.REVIEW and services.can_publish(request.user)
        )
        if obj is not None and obj.pk:
            context["preview_url"] = reverse("admin:articles_article_preview", args=[obj.pk])
            if self.has_change_permission(request, obj):
                context["share_preview_url"] = reverse("admin:articles_article_share_preview", args=[obj.pk])
        form = context.get("adminform").form if context.get("adminform") else None
        if form is not None and getattr(form, "conflict", None) is not None:
            context["conflict_compare_url"] = reverse("admin:articles_article_compare", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _run_workflow(self, request, article):
        """Apply the transition the pressed button asks for, if any, and say what happened."""
        action = next(
            (
                name
                for name in ("_submit_review", "_publish", "_withdraw", "_back_to_draft")
                if name in request.POST
            ),
            None,
        )
        title = f"“{article.headline}”"
        try:
            if action == "_submit_review":
                services.submit_for_review(article=article, by=request.user)
                messages.success(request, f"Sent {title} for review.")
            elif action == "_publish":
                services.publish_article(article=article, by=request.user)
                if article.publish_at > timezone.now():
                    messages.success(request, f"Scheduled {title} for {_local(article.publish_at)}.")
                else:
                    messages.success(request, f"Published {title}.")
            elif action == "_withdraw":
                services.withdraw_article(article=article, by=request.user)
                messages.success(request, f"Withdrew {title}; readers no longer see it.")
            elif action == "_back_to_draft":
                note = request.POST.get("_return_note", "")[:RETURN_NOTE_MAX_LENGTH]
                services.send_back_to_draft(article=article, by=request.user, note=note)
                messages.success(request, f"{title} is a draft again.")
            else:
                messages.success(request, f"Saved {title}.")
        except services.WorkflowError as refusal:
            messages.error(request, f"Saved {title}, but: {' '.join(refusal.messages)}")
        except PermissionDenied as refusal:
            messages.error(request, f"Saved {title}, but: {refusal}")

    def response_add(self, request, obj, post_url_continue=None):
        if "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self._run_workflow(request, obj)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def response_change(self, request, obj):
        if "_popup" in request.POST:
            return super().response_change(request, obj)
        self._run_workflow(request, obj)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's page for one revision also saves a posted form as a "revert",
        # replacing the workflow state and skipping our checks; show the comparison instead.
        if request.method != "GET":
            raise PermissionDenied
        self._article_for(request, object_id)
        url = reverse("admin:articles_article_compare", args=[object_id])
        return HttpResponseRedirect(f"{url}?older={int(version_id)}")

    # Bulk actions -------------------------------------------------------------------------

    def _bulk(self, request, queryset, transition, done, verb):
        changed, refusals = [], []
        for article in queryset.order_by("pk"):
            try:
                transition(article=article, by=request.user)
            except (services.WorkflowError, PermissionDenied) as refusal:
                reason = " ".join(refusal.messages) if hasattr(refusal, "messages") else str(refusal)
                refusals.append(f"“{article.headline}”: {reason}")
            else:
                changed.append(article)
        if changed:
            count = len(changed)
            messages.success(request, f"{done} {count} article{'' if count == 1 else 's'}.")
        for refusal in refusals:
            messages.error(request, f"Not {verb} {refusal}")

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, services.publish_article, "Published or scheduled", "published:")

    @admin.action(description="Withdraw selected articles now", permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        self._bulk(request, queryset, services.withdraw_article, "Withdrew", "withdrawn:")


# Around articles ---------------------------------------------------------------------------


@admin.register(Section)
class SectionAdmin(AnnouncesChanges, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "sponsor"]
    list_editable = ["position"]
    list_select_related = ["sponsor"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "position", "sponsor", "editorial_email", "desk_editors"]
    filter_horizontal = ["desk_editors"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "desk_editors":
            # Only people who can act on a review request: those who may publish.
            kwargs["queryset"] = notifications.editors().order_by("email")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def announce(self, section):
        changes.section_changed(section)


@admin.register(Source)
class SourceAdmin(AnnouncesChanges, admin.ModelAdmin):
    list_display = ["name", "website", "import_active", "import_mode", "default_section"]
    list_filter = ["import_active", "import_mode"]
    list_select_related = ["default_section"]
    search_fields = ["name", "website"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = IMAGE_FIELD_OVERRIDES
    fieldsets = [
        (None, {"fields": ["name", "slug", "logo", "website", "attribution", "licence_url"]}),
        (
            "Feed import",
            {
                "fields": ["feed_url", "import_active", "import_mode", "default_section", "default_tags"],
                "description": "Articles from this partner's feed, fetched regularly while import is on.",
            },
        ),
    ]

    def announce(self, source):
        changes.source_changed(source)


@admin.register(Sponsor)
class SponsorAdmin(AnnouncesChanges, admin.ModelAdmin):
    list_display = ["name", "link"]
    search_fields = ["name"]
    formfield_overrides = IMAGE_FIELD_OVERRIDES

    @admin.display(description="link")
    def link(self, sponsor):
        return (
            format_html('<a href="{0}" rel="sponsored noopener">{0}</a>', sponsor.url) if sponsor.url else "—"
        )


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    """Old addresses kept working; they are made by slug changes, never by hand."""

    list_display = ["old_slug", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_slug", "article__headline", "article__slug"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The live pages' admin and the picture library's register themselves; kept in their own
# modules, as the editorial views are (the library's uses this module's image settings).
from articles import admin_pictures, live_admin  # noqa: E402, F401
