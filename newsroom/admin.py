from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import DataError, transaction
from django.http import HttpResponseRedirect
from procrastinate.contrib.django.admin import ProcrastinateJobAdmin
from procrastinate.contrib.django.models import ProcrastinateJob

from newsroom import changes
from newsroom.lib.singleton import SingletonModelAdmin
from newsroom.models import PolicyPage, SisterPublication, SiteSettings, SuppressedAddress

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Editorial desk"


class AnnouncesChanges:
    """For the admin of something readers see: every save (inlines and list edits included)
    and every deletion is announced to newsroom/changes.py by `announce(obj)`, which says
    what kind of change it was (the furniture around every page, unless overridden)."""

    def announce(self, obj):
        changes.furniture_changed()

    def save_related(self, request, form, formsets, change):
        # Called after save_model for the form, its inlines and each list-editable row alike.
        super().save_related(request, form, formsets, change)
        self.announce(form.instance)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.announce(obj)

    def delete_queryset(self, request, queryset):
        deleted = list(queryset)
        super().delete_queryset(request, queryset)
        for obj in deleted:
            self.announce(obj)


class SisterPublicationInline(admin.TabularInline):
    model = SisterPublication
    extra = 1


@admin.register(SiteSettings)
class SiteSettingsAdmin(AnnouncesChanges, SingletonModelAdmin):
    inlines = [SisterPublicationInline]
    fieldsets = [
        ("Footer", {"fields": ["about", "publisher_name"]}),
        ("Subscriptions", {"fields": ["subscribe_email", "subscribe_url"]}),
        ("Advertising", {"fields": ["advertise_email", "advertise_url"]}),
        ("Newsletter", {"fields": ["newsletter_blurb", "newsletter_url"]}),
        ("Comments", {"fields": ["comment_guidelines_url"]}),
        (
            "Rights and crawlers",
            {
                "fields": [
                    "licence_name",
                    "licence_url",
                    "tdm_reservation",
                    "tdm_policy_url",
                    "blocked_crawlers",
                ]
            },
        ),
    ]


@admin.register(PolicyPage)
class PolicyPageAdmin(AnnouncesChanges, admin.ModelAdmin):
    """The publisher's policies. Every save moves the site generation: the footer links to
    them and the site's JSON-LD names them on every page."""

    list_display = ["title", "kind", "updated_at"]
    fields = ["kind", "title", "body"]


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    """Who we no longer write to. Deleting a row lifts the suppression (say, once a reader whose
    mailbox was full writes in); adding one stops mail to an address by hand."""

    list_display = ["email", "reason", "provider", "created_at"]
    list_filter = ["reason", "provider"]
    search_fields = ["email"]
    readonly_fields = ["detail", "provider", "created_at"]
    fields = ["email", "reason", "detail", "provider", "created_at"]


# Procrastinate registers its read-only job pages itself; ours differ in one refusal.
admin.site.unregister(ProcrastinateJob)


@admin.register(ProcrastinateJob)
class JobAdmin(ProcrastinateJobAdmin):
    def changelist_view(self, request, extra_context=None):
        # The status column is a PostgreSQL enum that Django takes for text, so a status outside
        # it, in any lookup a hand-edited URL can name (status=, status__exact=, status__gte=),
        # fails in the database when the list is counted. Refuse it as the admin refuses any
        # bad filter value: a redirect with ?e=1, the transaction left usable.
        try:
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        except DataError:
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
