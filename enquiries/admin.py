"""Shares are a read-only log for abuse review; enquiries are read and marked answered; error
reports are the corrections queue, each published as a correction or declined; the advertising
options page is edited by editors and superusers."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from django_prose_editor.fields import ProseEditorField

from articles.forms import BodyEditorWidget
from enquiries import services
from enquiries.models import AdvertisingOption, Enquiry, ErrorReport, RateCard, Share, ShareRecipient
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


# The corrections queue ---------------------------------------------------------------------


class ReportStatusFilter(admin.SimpleListFilter):
    """Open reports unless asked otherwise: the queue is what still needs an answer."""

    title = "status"
    parameter_name = "status"
    everything = "all"

    def lookups(self, request, model_admin):
        return [*ErrorReport.Status.choices, (self.everything, "All reports")]

    def chosen(self):
        return self.value() or ErrorReport.Status.NEW

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.chosen() == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.chosen() == self.everything:
            return queryset
        return queryset.filter(status=self.chosen())


class MyDesksFilter(admin.SimpleListFilter):
    title = "desk"
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return [("mine", "My desks")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.looked_after_by(request.user)
        return queryset


class CorrectionTextForm(forms.Form):
    text = forms.CharField(
        label="Correction",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Shown to readers at the foot of the article and on the corrections page, with "
        "today's date. Say what was wrong and what is right.",
        error_messages={
            "required": "Write the correction readers will see.",
            "max_length": "The correction is %(show_value)s characters long; the limit is %(limit_value)s.",
        },
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why the article stays as it is",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Emailed to the reader who sent the report, so write it for them.",
        error_messages={
            "required": "Say briefly why: the reader is told.",
            "max_length": "The reason is %(show_value)s characters long; the limit is %(limit_value)s.",
        },
    )


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """Readers' reports of errors, oldest first. An editor who may add corrections publishes
    one from a report, or declines it with a reason, from its page; the reader is emailed."""

    change_form_template = "admin/enquiries/errorreport/change_form.html"
    list_display = ["created_at", "article", "section", "summary", "email", "status"]
    list_filter = [ReportStatusFilter, MyDesksFilter, ("article__section", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article__section"]
    search_fields = ["description", "quote", "evidence", "name", "email", "article__headline"]
    fields = [
        "status",
        "article",
        "description",
        "quote",
        "evidence",
        "name",
        "email",
        "created_at",
        "correction",
        "decline_reason",
        "handled_by",
        "handled_at",
        "desk_note",
        "user",
        "ip_address",
    ]
    readonly_fields = [field for field in fields if field != "desk_note"]

    @admin.display(description="section", ordering="article__section__name")
    def section(self, report):
        return report.article.section

    @admin.display(description="what is wrong")
    def summary(self, report):
        return Truncator(report.description).chars(90)

    def has_add_permission(self, request):
        return False

    def may_handle(self, request, report=None):
        """Publishing or declining is for those who may add corrections: editors."""
        return self.has_change_permission(request, report) and request.user.has_perm(
            "articles.add_correction"
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/publish/", wrap(self.publish_view), name="enquiries_errorreport_publish"),
            path("<path:object_id>/decline/", wrap(self.decline_view), name="enquiries_errorreport_decline"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "may_handle": report is not None and self.may_handle(request, report),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _report_for(self, request, object_id):
        report = self.get_object(request, unquote(object_id))
        if report is None:
            raise Http404("There is no such report; it may have been deleted.")
        if not self.may_handle(request, report):
            raise PermissionDenied
        return report

    def _handle(self, request, object_id, *, form_class, initial, act, title, button, done):
        report = self._report_for(request, object_id)
        change_url = reverse("admin:enquiries_errorreport_change", args=[report.pk])
        if not report.is_open:
            self.message_user(request, f"This report is already {report.get_status_display().lower()}.")
            return redirect(change_url)
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    act(report, form.cleaned_data)
                except ValidationError as problem:
                    for message in problem.messages:
                        form.add_error(None, message)
                else:
                    self.log_change(request, report, done)
                    self.message_user(
                        request, f"{done} “{report.article.headline}”. We are emailing the reader."
                    )
                    return redirect(change_url)
        else:
            form = form_class(initial=initial(report))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "report": report,
            "form": form,
            "button": button,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/enquiries/errorreport/handle.html", context)

    def publish_view(self, request, object_id):
        return self._handle(
            request,
            object_id,
            form_class=CorrectionTextForm,
            initial=lambda report: {"text": report.description},
            act=lambda report, data: services.publish_correction_from_report(
                report=report, text=data["text"], by=request.user
            ),
            title="Publish as a correction",
            button="Publish the correction",
            done="Published a correction to",
        )

    def decline_view(self, request, object_id):
        return self._handle(
            request,
            object_id,
            form_class=DeclineForm,
            initial=lambda report: {},
            act=lambda report, data: services.decline_error_report(
                report=report, reason=data["reason"], by=request.user
            ),
            title="Decline the report",
            button="Decline and tell the reader",
            done="Declined the report on",
        )
