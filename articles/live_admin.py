"""The admin of live coverage: live pages (an article's coverage times and closing summary) and
their entries. Who may do what is the article's own rule (articles/live.py: can_post), so no
new permission is needed: whoever may edit the article may run its live page.

Entries are saved through articles.live, which sanitises them, keeps one pinned entry and
announces the change; an edit carries the version it started from, so a second editor's save
over a newer one is refused with their text kept in the form.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import live
from articles.forms import BodyEditorWidget
from articles.models import Article, LiveCoverage, LiveEntry
from newsroom import changes


def _may_use_article_admin(request):
    # Moderators may read articles (for comment policies) but have no article admin.
    return request.user.has_perm("articles.change_article")


class FollowsArticle:
    """Permissions of a row that belongs to an article: the article's editor's, no more."""

    def has_module_permission(self, request):
        return _may_use_article_admin(request)

    def has_view_permission(self, request, obj=None):
        return _may_use_article_admin(request)

    def has_add_permission(self, request):
        return _may_use_article_admin(request)

    def has_change_permission(self, request, obj=None):
        return _may_use_article_admin(request) and (obj is None or live.can_post(request.user, obj.article))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class ArticleChoiceForm(forms.ModelForm):
    """Checks that the person saving may edit the article chosen (the admin sets `user`)."""

    user = None

    def clean_article(self):
        article = self.cleaned_data["article"]
        if self.user is not None and not live.can_post(self.user, article):
            raise forms.ValidationError(
                f"You cannot edit “{article}”, so you cannot change its live page. Ask an editor."
            )
        return article


class LiveCoverageForm(ArticleChoiceForm):
    class Meta:
        model = LiveCoverage
        fields = ["article", "started_at", "ends_at", "ended", "summary"]

    def clean(self):
        cleaned = super().clean()
        ends_at = cleaned.get("ends_at")
        if (
            "ended" in self.changed_data
            and not cleaned.get("ended")
            and ends_at
            and ends_at <= timezone.now()
        ):
            # Unticking "ended" resumes the coverage: the end time ending it set is dropped.
            cleaned["ends_at"] = None
            self.instance.ends_at = None
        return cleaned


@admin.register(LiveCoverage)
class LiveCoverageAdmin(FollowsArticle, admin.ModelAdmin):
    form = LiveCoverageForm
    list_display = ["article", "started_at", "state", "entries_link"]
    list_select_related = ["article"]
    search_fields = ["article__headline"]
    autocomplete_fields = ["article"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return ["article"] if obj else []

    @admin.display(description="state")
    def state(self, coverage):
        return "Ended" if coverage.has_ended else "Live"

    @admin.display(description="entries")
    def entries_link(self, coverage):
        return format_html(
            '<a href="{}?article__id__exact={}">Entries</a> · <a href="{}?article={}">Add an entry</a>',
            reverse("admin:articles_liveentry_changelist"),
            coverage.article_id,
            reverse("admin:articles_liveentry_add"),
            coverage.article_id,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Whether the page is live, and its summary, are part of the article's own piece.
        changes.article_edited(obj.article)

    def delete_model(self, request, obj):
        article = obj.article  # the coverage's key is the article's: gone after the delete
        super().delete_model(request, obj)
        changes.article_edited(article)

    def delete_queryset(self, request, queryset):
        articles = [coverage.article for coverage in queryset.select_related("article")]
        super().delete_queryset(request, queryset)
        # A bulk delete skips LiveCoverage.delete(), which would do this for one row.
        LiveCoverage.articles_no_longer_live([article.pk for article in articles])
        for article in articles:
            changes.article_edited(article)


class LiveEntryForm(ArticleChoiceForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LiveEntry
        fields = ["article", "headline", "body", "author", "pinned", "correction_note"]
        widgets = {"body": BodyEditorWidget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "article" in self.fields:
            self.fields["article"].queryset = Article.objects.filter(live__isnull=False)
            self.fields["article"].help_text = "A live page (make one under “Live pages”)."
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        else:
            self.fields.pop("correction_note", None)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            newer = live.check_version(self.instance, cleaned.get("loaded_version"))
            if newer is not None:
                saved_by = newer.created_by.get_full_name() if newer.created_by else "another editor"
                # The next save from this form knowingly replaces the newer text; the editor's
                # own text stays in the form meanwhile.
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_version")] = str(newer.version)
                raise forms.ValidationError(
                    "%(by)s saved this entry while you were editing it, so your changes were "
                    "not saved. Your text is still below. The saved text now reads: “%(text)s” "
                    "Compare the two, then save again to replace it with yours.",
                    params={"text": newer.plain_body[:500] or "(empty)", "by": saved_by},
                    code="conflict",
                )
        return cleaned


@admin.register(LiveEntry)
class LiveEntryAdmin(FollowsArticle, admin.ModelAdmin):
    form = LiveEntryForm
    list_display = ["__str__", "article", "posted", "signed", "pinned", "corrected"]
    list_filter = ["pinned"]
    list_select_related = ["article", "author", "created_by"]
    search_fields = ["headline", "body", "article__headline"]
    autocomplete_fields = ["author"]
    readonly_fields = ["posted", "signed"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_fields(self, request, obj=None):
        fields = ["article", "headline", "body", "author", "pinned"]
        if obj is not None:
            fields = ["posted", "signed", *fields, "correction_note"]
        return [*fields, "loaded_version"]

    def get_readonly_fields(self, request, obj=None):
        return ["posted", "signed", "article"] if obj else []

    @admin.display(description="posted", ordering="published_at")
    def posted(self, entry):
        if entry.pk is None:
            return "—"
        return f"{timezone.localtime(entry.published_at):%d %b %Y, %H:%M}"

    @admin.display(description="signed")
    def signed(self, entry):
        return entry.signed_by or "—"

    @admin.display(description="corrected", boolean=True)
    def corrected(self, entry):
        return entry.was_corrected

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        unpinned = live.save_entry(entry=obj, by=request.user)
        if unpinned is not None:
            self.message_user(
                request,
                f"Only one entry can be pinned: “{unpinned}” is no longer pinned.",
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        live.delete_entries([obj])

    def delete_queryset(self, request, queryset):
        live.delete_entries(list(queryset))
