"""Shares are a read-only log for abuse review; enquiries are read and marked answered; the
advertising options page is edited by editors and superusers."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django_prose_editor.fields import ProseEditorField

from articles.forms import BodyEditorWidget
from enquiries import services
from enquiries.models import AdvertisingOption, Enquiry, RateCard, Share, ShareRecipient
from newsroom.admin import AnnouncesChanges
from newsroom.lib.singleton import SingletonModelAdmin


class ShareRecipientInline(admin.TabularInline):
    model = ShareRecipient
    fields = ["email", "sent_at"]
    readonly_fields = ["email", "sent_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DeliveryFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("pending", "Not yet sent to everyone"), ("sent", "Sent to everyone")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(recipients__sent_at__isnull=True).distinct()
        if self.value() == "sent":
            return queryset.exclude(recipients__sent_at__isnull=True)
        return queryset


class NoteFilter(admin.SimpleListFilter):
    title = "note"
    parameter_name = "note"

    def lookups(self, request, model_admin):
        return [("yes", "With a note"), ("no", "Without a note")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(note="")
        if self.value() == "no":
            return queryset.filter(note="")
        return queryset


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    """Every "Email this article", exactly as submitted. Search by sender, recipient or IP
    address to see everything one person or one connection has sent."""

    list_display = [
        "created_at",
        "sender_name",
        "sender_email",
        "recipient_list",
        "article",
        "ip_address",
        "user",
        "delivery",
    ]
    list_filter = [DeliveryFilter, NoteFilter, ("user", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["sender_name", "sender_email", "recipients__email", "=ip_address", "article__headline"]
    search_help_text = "Sender's name or address, a recipient's address, an IP address or a headline."
    list_select_related = ["article", "user"]
    date_hierarchy = "created_at"
    fields = ["created_at", "article", "sender_name", "sender_email", "note", "user", "ip_address"]
    readonly_fields = fields
    inlines = [ShareRecipientInline]
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("recipients")
            .annotate(unsent=Count("recipients", filter=Q(recipients__sent_at__isnull=True)))
        )

    @admin.display(description="recipients")
    def recipient_list(self, share):
        return ", ".join(recipient.email for recipient in share.recipients.all())

    @admin.display(description="sent", boolean=True)
    def delivery(self, share):
        return share.unsent == 0

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The log is the evidence when someone complains about what was sent in our name.
        return request.user.is_superuser


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "name", "email", "article", "state", "sent_to", "emailed_at"]
    list_filter = ["state", "kind", "created_at", ("article__section", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "email", "phone", "message", "article__headline", "=ip_address"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    fields = [
        "state",
        "kind",
        "article",
        "name",
        "email",
        "phone",
        "message",
        "created_at",
        "sent_to",
        "emailed_at",
        "user",
        "ip_address",
    ]
    readonly_fields = [field for field in fields if field != "state"]
    actions = ["mark_answered", "mark_new"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Mark the selected enquiries as answered", permissions=["change"])
    def mark_answered(self, request, queryset):
        changed = services.mark_enquiries(queryset, Enquiry.State.ANSWERED)
        self.message_user(request, f"{changed} marked as answered.")

    @admin.action(description="Mark the selected enquiries as new", permissions=["change"])
    def mark_new(self, request, queryset):
        changed = services.mark_enquiries(queryset, Enquiry.State.NEW)
        self.message_user(request, f"{changed} marked as new.")


class AdvertisingOptionInline(admin.StackedInline):
    model = AdvertisingOption
    fields = [
        ("name", "position", "is_active"),
        "description",
        "size_and_format",
        ("price", "currency", "price_basis"),
    ]
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}
    verbose_name_plural = "Options, in the order shown"


@admin.register(RateCard)
class RateCardAdmin(AnnouncesChanges, SingletonModelAdmin):
    """The page at /advertise/, linked from the footer's "View options". The introduction is
    rich text kept to the article bodies' allow-list; each option is a row of its table."""

    fields = ["intro"]
    inlines = [AdvertisingOptionInline]
    formfield_overrides = {ProseEditorField: {"widget": BodyEditorWidget}}

    def view_on_site(self, obj):
        return reverse("advertising-options")
