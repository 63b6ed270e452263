"""The article form of the admin: tags picked with autocomplete (plus new ones typed in), and
the version number that catches a save over somebody else's newer change."""

from html.parser import HTMLParser

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_prose_editor.widgets import (
    AdminProseEditorWidget,
    prose_editor_admin_media,
    prose_editor_js,
    prose_editor_presets,
)
from js_asset import Media, Script
from taggit.models import Tag
from taggit.utils import parse_tags

from articles.models import Article
from newsroom.lib.sanitize import clean_body_html

MAX_TAG_LENGTH = Tag._meta.get_field("name").max_length
FORM_TIMES = ("publish_at", "withdraw_at", "comments_close_at")


def describe_change(revision):
    """“Eddie Editor at 14:02 on 3 May 2026 (Published)”, from a revision, in plain words."""
    if revision is None:
        return "someone else"
    who = revision.history_user.get_full_name() if revision.history_user else None
    when = timezone.localtime(revision.history_date)
    text = f"{who or 'an automatic process'} at {when:%H:%M} on {when.day} {when:%B %Y}"
    if revision.history_change_reason:
        text += f" ({revision.history_change_reason})"
    return text


# See the script: it keeps the editor within our Content Security Policy. It must run after
# the editor's core module and before the module that creates the editors.
EDITOR_CSP_SCRIPT = Script("articles/admin/prose-editor-csp.js", type="module")
# The "Insert a picture from the library" button of a text that may hold pictures.
PICTURE_CHOOSER_SCRIPT = Script("articles/admin/picture-chooser.js", type="module")
PICTURES_MISSING_ALT = "Every picture in the text needs a description for readers who cannot see it."


class _PictureReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.undescribed = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            self.undescribed += 1

    handle_startendtag = handle_starttag


def undescribed_pictures(html):
    """How many <img> elements of an HTML fragment have no description (alt text)."""
    reader = _PictureReader()
    reader.feed(html or "")
    reader.close()
    return reader.undescribed


class BodyEditorWidget(AdminProseEditorWidget):
    @property
    def media(self):
        creators = [script for script in prose_editor_presets()[self.preset] if script != prose_editor_js]
        return prose_editor_admin_media + Media(
            js=[prose_editor_js, EDITOR_CSP_SCRIPT, *creators, PICTURE_CHOOSER_SCRIPT]
        )

    def takes_pictures(self):
        return "Figure" in (self.config or {}).get("extensions", {})

    def get_config(self):
        # django-prose-editor adds its NoSpellCheck extension to every editor, which sets
        # spellcheck="false" on the writing area: our writers want the browser's spell checker.
        config = super().get_config()
        if "extensions" in config:
            config["extensions"] = {
                name: options for name, options in config["extensions"].items() if name != "NoSpellCheck"
            }
        if self.takes_pictures():
            # The editor's own picture dialog gets a "Browse..." button that opens the library.
            config["extensions"]["Figure"] = {"pickerUrl": reverse("admin:articles_picture_choose")}
        return config

    def render(self, name, value, attrs=None, renderer=None):
        editor = super().render(name, value, attrs, renderer)
        if not self.takes_pictures():
            return editor
        return format_html(
            '{}<p class="body-picture"><button type="button" class="button" data-chooser-url="{}">'
            "Insert a picture from the library</button></p>",
            editor,
            reverse("admin:articles_picture_choose"),
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["spellcheck"] = "true"
        return context


class ArticleAdminForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        help_text="Start typing to find a tag.",
    )
    minor_edit = forms.BooleanField(
        label="Minor edit",
        required=False,
        help_text="A typo or layout fix: left out of the public change log, and the “Updated” "
        "time stays as it is.",
    )
    new_tags = forms.CharField(
        label="New tags",
        required=False,
        max_length=500,
        help_text="Tags not in the list yet, separated by commas.",
    )

    class Meta:
        model = Article
        # The admin narrows this to its fieldsets; status is never a form field.
        fields = [
            "headline", "slug", "standfirst", "body", "section", "tags", "source", "original_url",
            "featured_image", "image_alt", "image_caption", "image_credit", "video_url", "sponsor",
            "is_premium", "comments_open", "comments_close_at", "seo_title", "seo_description",
            "licence_url", "publish_at", "withdraw_at",
        ]  # fmt: skip

    # Filled by the admin when the editor asks to restore their unsaved copy (articles.editing).
    restored_values = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if not self.is_bound:
            self.initial.update({name: v for name, v in self.restored_values.items() if name in self.fields})
        if "tags" in self.fields:
            # Built here, not on the class: the widget needs the admin site, loaded after forms.
            widget = AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site)
            widget.choices = self.fields["tags"].choices
            self.fields["tags"].widget = widget
        if "loaded_version" in self.fields and self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        for name in self._shown_times():
            # What the form shows, so an untouched time does not count as changed.
            self.initial[name] = getattr(self.instance, name).replace(microsecond=0)

    def _shown_times(self):
        """The editorial times of a saved article that carry more than the form shows: the
        admin's time input has whole seconds, and a time the clock set ("Publish now") has a
        fraction of one, which the form would silently drop on every save."""
        if not self.instance.pk:
            return []
        return [
            name
            for name in FORM_TIMES
            if name in self.fields
            and getattr(self.instance, name)
            and getattr(self.instance, name).microsecond
        ]

    def clean_body(self):
        body = self.cleaned_data["body"]
        # Counted in the text as it will be stored: pictures from elsewhere are dropped anyway.
        missing = undescribed_pictures(clean_body_html(body))
        if missing:
            # The text comes back as typed, so nothing is lost while the descriptions are added.
            count = "One picture has" if missing == 1 else f"{missing} pictures have"
            raise forms.ValidationError(
                f"{PICTURES_MISSING_ALT} {count} none: click the picture, then the picture button "
                "in the toolbar, and fill in “Alternative Text”."
            )
        return body

    def clean_new_tags(self):
        names = parse_tags(self.cleaned_data["new_tags"])
        too_long = [name for name in names if len(name) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"The tag “{too_long[0]}” is longer than {MAX_TAG_LENGTH} characters; shorten it."
            )
        unaddressable = [name for name in names if not Tag().slugify(name)]
        if unaddressable:
            raise forms.ValidationError(
                f"The tag “{unaddressable[0]}” has no letters or digits to make its web address from; "
                "use a word."
            )
        return names

    def clean(self):
        cleaned = super().clean()
        for name in self._shown_times():
            # Unchanged as far as the form can tell: keep the stored time exactly, so the
            # revision history does not list it as changed (and nothing moves by a fraction
            # of a second, which preview revocation and scheduling compare against).
            stored = getattr(self.instance, name)
            if cleaned.get(name) == stored.replace(microsecond=0):
                cleaned[name] = stored
        if self.instance.pk and "loaded_version" in self.fields:
            self._check_version(cleaned.get("loaded_version"))
        return cleaned

    def _check_version(self, loaded_version):
        # Locked until the admin's transaction ends, so two saves cannot both pass this check.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or loaded_version is None or loaded_version == current:
            return
        self.conflict = self.instance.latest_revision()
        # The next save from this form knowingly replaces the newer version; the editor's
        # input stays in the form meanwhile.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = str(current)
        raise forms.ValidationError(
            f"{describe_change(self.conflict)} changed this article after you opened it. "
            "Your edits are still in the form below and nothing has been saved. Open the article "
            "in another tab to see their version; save again to replace it with yours.",
            code="edit_conflict",
        )

    def _save_m2m(self):
        super()._save_m2m()
        if self.cleaned_data.get("new_tags"):
            self.instance.tags.add(*self.cleaned_data["new_tags"])


# Generous limits: an autosave is a safety copy, refused only when it is clearly not an
# article's text; the edit form's own limits apply when the article is saved.
AUTOSAVE_FIELD_MAX_LENGTH = 5_000
AUTOSAVE_BODY_MAX_LENGTH = 1_000_000


class AutosaveForm(forms.Form):
    """The text fields the edit page sends every few seconds (articles.editing.AUTOSAVED_FIELDS)."""

    headline = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_FIELD_MAX_LENGTH)
    slug = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_FIELD_MAX_LENGTH)
    standfirst = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_FIELD_MAX_LENGTH)
    body = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_BODY_MAX_LENGTH)
    image_alt = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_FIELD_MAX_LENGTH)
    image_caption = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_FIELD_MAX_LENGTH)
    image_credit = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_FIELD_MAX_LENGTH)
    seo_title = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_FIELD_MAX_LENGTH)
    seo_description = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_FIELD_MAX_LENGTH)
    loaded_version = forms.IntegerField(required=False, min_value=1)

    def fields_sent(self):
        """The cleaned values of the fields the request carried (a field left out is not
        emptied), the version as text for the JSON column."""
        sent = {name: value for name, value in self.cleaned_data.items() if name in self.data}
        if sent.get("loaded_version") is not None:
            sent["loaded_version"] = str(sent["loaded_version"])
        else:
            sent.pop("loaded_version", None)
        return sent

    def problem(self):
        """What is wrong, in one sentence for the page's status line."""
        name, errors = next(iter(self.errors.items()))
        label = name.replace("_", " ").capitalize()
        return f"The draft copy was not kept. {label}: {errors[0]}"
