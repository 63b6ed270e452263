"""The front page in the admin: the home page's lead and top stories and each section's lead,
as ordered slots of one page per place, each with an optional end time.

Every save is announced to newsroom/changes.py as front_page_changed, which drops the cached
home page; nothing else is touched. Editors (and the chief editor) hold the permissions;
writers do not (accounts/roles.py).
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html_join

from articles import frontpage
from articles.models import Article, FrontPage, FrontPageSlot
from newsroom import changes

HOME_PLACES = [(1, "Lead story"), *((n + 1, f"Top story {n}") for n in range(1, frontpage.TOP_STORIES + 1))]
SECTION_PLACES = [(1, "Lead of the section")]


class SlotForm(forms.ModelForm):
    position = forms.TypedChoiceField(label="Place", coerce=int, choices=HOME_PLACES)

    class Meta:
        model = FrontPageSlot
        fields = ["position", "article", "expires_at"]

    def validate_constraints(self):
        # "A story once per page" is checked across the whole page by SlotFormSet.clean, in
        # plain words; the row-by-row check against the database would refuse two slots that
        # swap their stories in one save (the constraint is deferred to the commit for that).
        pass

    def clean_article(self):
        article = self.cleaned_data["article"]
        if article.status != Article.Status.PUBLISHED:
            raise forms.ValidationError(
                f"“{article.headline}” is not published ({article.get_status_display().lower()}), so "
                "readers would not see it here. Publish it first, or choose another story."
            )
        if article.withdraw_at and article.withdraw_at <= timezone.now():
            raise forms.ValidationError(
                f"“{article.headline}” has been withdrawn, so readers would not see it here. "
                "Choose another story."
            )
        return article

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at and expires_at <= timezone.now() and "expires_at" in self.changed_data:
            raise forms.ValidationError(
                "That time has already passed. Choose a later time, or leave it blank to keep the "
                "story in its place until you change it."
            )
        return expires_at


class SlotFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        places = SECTION_PLACES if self.instance.section_id else HOME_PLACES
        form.fields["position"].choices = places
        if index is not None and form.instance.pk is None:
            # An empty row offers the next place, so an untouched row is left out on save
            # and the rows of a new page read lead, top story 1, top story 2.
            form.initial["position"] = places[min(index, len(places) - 1)][0]

    def validate_unique(self):
        # Replaced by clean() below, which names the story and says what to do.
        pass

    def clean(self):
        super().clean()
        articles, places = set(), set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            article, place = data.get("article"), data.get("position")
            if article is not None:
                if article.pk in articles:
                    form.add_error(
                        "article",
                        f"“{article.headline}” is already in another place on this page. A story is "
                        "shown once: choose a different story here, or remove one of the two.",
                    )
                articles.add(article.pk)
                section = self.instance.section
                if section is not None and article.section_id != section.pk:
                    form.add_error(
                        "article",
                        f"“{article.headline}” is not in {section.name}. Choose a story from this section.",
                    )
            if place is not None:
                if place in places:
                    form.add_error(
                        "position", "Another story already has this place. Give each story its own place."
                    )
                places.add(place)


class SlotInline(admin.TabularInline):
    model = FrontPageSlot
    form = SlotForm
    formset = SlotFormSet
    autocomplete_fields = ["article"]
    verbose_name = "chosen story"
    verbose_name_plural = "Chosen stories"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "article":
            # Stories are written in the article admin; here they are only chosen.
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_view_related = False
        return field

    def get_max_num(self, request, obj=None, **kwargs):
        return obj.slot_count if obj else frontpage.HOME_SLOTS

    def get_extra(self, request, obj=None, **kwargs):
        count = obj.slot_count if obj else frontpage.HOME_SLOTS
        return max(count - (obj.slots.count() if obj else 0), 0)


@admin.register(FrontPage)
class FrontPageAdmin(admin.ModelAdmin):
    inlines = [SlotInline]
    list_display = ["__str__", "chosen"]
    readonly_fields = ["shows"]
    description = (
        "Choose the stories for each place, in order. A place left empty, or whose time has run "
        "out, shows the newest story, as before. A story chosen here is not repeated lower down "
        "the home page."
    )

    def get_fieldsets(self, request, obj=None):
        # A page's place is fixed once made (its slots were chosen for it): only a new page
        # asks which place it is for.
        return [(None, {"fields": ["shows"] if obj else ["section"], "description": self.description})]

    @admin.display(description="what readers see")
    def shows(self, page):
        if page.section_id:
            return f"The first story of the {page.section.name} block on the home page."
        return f"The home page's lead story and the {frontpage.TOP_STORIES} top stories beside it."

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section").prefetch_related("slots__article")

    @admin.display(description="chosen stories")
    def chosen(self, page):
        slots = page.slots.all()
        if not slots:
            return "None: the newest stories show."
        return format_html_join("; ", "{}. {}", ((slot.position, slot.article.headline) for slot in slots))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes.front_page_changed(form.instance.section)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        changes.front_page_changed(obj.section)

    def delete_queryset(self, request, queryset):
        sections = [page.section for page in queryset]
        super().delete_queryset(request, queryset)
        for section in sections:
            changes.front_page_changed(section)
