from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.db.models import Count

from authors.models import Author
from newsroom import changes
from newsroom.admin import AnnouncesChanges


@admin.register(Author)
class AuthorAdmin(AnnouncesChanges, admin.ModelAdmin):
    list_display = ["name", "role", "organisation", "user", "article_count"]
    list_filter = ["organisation"]
    list_select_related = ["user"]
    # Also what the byline autocomplete of the article form searches.
    search_fields = ["name", "organisation", "role"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name", "slug", "role", "organisation", "bio", "photo",
        "expertise", "contact", "fediverse_handle", "user",
    ]  # fmt: skip
    # newsroom.lib.images checks the photo and says what is wrong with it in plain words.
    formfield_overrides = {
        models.ImageField: {
            "form_class": forms.FileField,
            "widget": AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        }
    }

    def announce(self, author):
        changes.author_changed(author)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Authors with accounts are staff who write; a plain list keeps it usable for
            # editors, who may not browse user accounts.
            kwargs["queryset"] = db_field.related_model.objects.filter(is_staff=True).order_by("email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        # One query for the counts of the whole page.
        # (An aggregate drops Meta.ordering, so the order is given again.)
        return super().get_queryset(request).annotate(article_total=Count("bylines")).order_by("name", "pk")

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, author):
        return author.article_total
