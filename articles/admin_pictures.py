"""The picture library in the admin: pictures with their descriptions, and the chooser the
article's text editor opens to put one into the text.

The chooser is a small page in a window of its own. Choosing a picture hands its address,
description and caption back to the editor that opened it (static/articles/admin/
picture-chooser.js); django-prose-editor's own "Browse..." button in its picture dialog opens
the same page and understands the same answer (the CKEditor file browser convention).
"""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from articles.admin import IMAGE_FIELD_OVERRIDES
from articles.models import PICTURE_ALT_MISSING, Picture
from articles.templatetags.reading import image_rendition

# The copy of a picture that goes into a text: wide enough for the article column.
BODY_GEOMETRY = "1200"
THUMBNAIL_GEOMETRY = "160x160"
CHOOSER_LISTED = 60


def _rendition(picture, geometry):
    """A resized copy of the picture, or None when its file cannot be read (sorl-thumbnail
    then hands back a copy with no size and no file behind it)."""
    rendition = image_rendition(picture.image, geometry)
    return rendition if rendition is not None and rendition.size else None


def body_url(picture):
    rendition = _rendition(picture, BODY_GEOMETRY)
    return rendition.url if rendition else ""


class PictureForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = ["image", "alt_text", "caption", "credit"]
        error_messages = {
            "alt_text": {"required": PICTURE_ALT_MISSING},
            "image": {"required": "Choose the picture's file to upload."},
        }


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ["thumbnail", "alt_text", "caption", "credit", "uploaded_by", "created_at"]
    list_display_links = ["thumbnail", "alt_text"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit"]
    fields = ["image", "alt_text", "caption", "credit"]
    formfield_overrides = IMAGE_FIELD_OVERRIDES
    list_per_page = 50

    @admin.display(description="picture")
    def thumbnail(self, picture):
        rendition = _rendition(picture, THUMBNAIL_GEOMETRY)
        if rendition is None:
            return "(cannot be shown)"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" class="picture-thumbnail">',
            rendition.url,
            rendition.width,
            rendition.height,
        )

    def has_change_permission(self, request, obj=None):
        # Writers add pictures and mend their own; editors look after the whole library.
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed or request.user.has_perm("articles.edit_any_article"):
            return allowed
        return obj.uploaded_by_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        chooser = path(
            "choose/", self.admin_site.admin_view(self.chooser_view), name="articles_picture_choose"
        )
        return [chooser, *super().get_urls()]

    @staticmethod
    def _callback_number(request):
        """The number the opening editor asked to be answered under; anything else is dropped."""
        number = request.GET.get("CKEditorFuncNum", "")
        return number if re.fullmatch(r"-?\d{1,9}", number) else ""

    def chooser_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:100]
        pictures = Picture.objects.all()
        if query:
            pictures, _ = self.get_search_results(request, pictures, query)
        pictures = list(pictures[:CHOOSER_LISTED])
        choices = [
            {
                "picture": picture,
                "thumbnail": _rendition(picture, THUMBNAIL_GEOMETRY),
                "url": body_url(picture),
                "caption": picture.caption_with_credit,
            }
            for picture in pictures
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Choose a picture",
            "opts": self.model._meta,
            "query": query,
            "choices": [choice for choice in choices if choice["url"]],
            "callback": self._callback_number(request),
            "can_add": self.has_add_permission(request),
            "is_popup": True,
        }
        return TemplateResponse(request, "admin/articles/picture/choose.html", context)
