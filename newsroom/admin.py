from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from newsroom.models import SisterPublication, SiteSettings, SuppressedAddress

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Editorial desk"


class SisterPublicationInline(admin.TabularInline):
    model = SisterPublication
    extra = 1


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    inlines = [SisterPublicationInline]
    fieldsets = [
        ("Footer", {"fields": ["about", "publisher_name"]}),
        ("Subscriptions", {"fields": ["subscribe_email", "subscribe_url"]}),
        ("Advertising", {"fields": ["advertise_email", "advertise_url"]}),
        ("Newsletter", {"fields": ["newsletter_blurb", "newsletter_url"]}),
        ("Comments", {"fields": ["comment_guidelines_url"]}),
    ]

    def has_add_permission(self, request):
        # There is one row; it is created with defaults the first time it is needed.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # A list of one row is a needless click: go straight to the form.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = SiteSettings.load()
        return redirect(reverse("admin:newsroom_sitesettings_change", args=[row.pk]))


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    """Who we no longer write to. Deleting a row lifts the suppression (say, once a reader whose
    mailbox was full writes in); adding one stops mail to an address by hand."""

    list_display = ["email", "reason", "provider", "created_at"]
    list_filter = ["reason", "provider"]
    search_fields = ["email"]
    readonly_fields = ["detail", "provider", "created_at"]
    fields = ["email", "reason", "detail", "provider", "created_at"]
