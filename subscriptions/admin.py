from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from newsroom.admin import AnnouncesChanges
from newsroom.lib.money import format_money
from subscriptions import gifts, services
from subscriptions.models import (
    CheckoutAttempt,
    DigestDelivery,
    DigestIssue,
    DigestRun,
    GiftLink,
    NewsletterSubscriber,
    Plan,
    Subscription,
    WebhookDelivery,
)


@admin.register(Plan)
class PlanAdmin(AnnouncesChanges, admin.ModelAdmin):
    # Paywall boxes show the plans on sale.
    list_display = ("name", "unlocks", "shown_price", "period", "is_active", "position")
    list_filter = ("is_active", "unlocks", "period")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description="price", ordering="price")
    def shown_price(self, plan):
        # As readers see it ("£8.00"), not as two columns that read "8.00 GBP".
        return format_money(plan.price, plan.currency)


class CurrentStateFilter(admin.SimpleListFilter):
    """State as readers live it: an active subscription past its end date is expired."""

    title = "state"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return Subscription.State.choices

    def queryset(self, request, queryset):
        if self.value() == Subscription.State.ACTIVE:
            return queryset.active()
        if self.value() == Subscription.State.EXPIRED:
            return queryset.filter(
                Q(state=Subscription.State.EXPIRED)
                | Q(state=Subscription.State.ACTIVE, ends_at__lte=timezone.now())
            )
        if self.value() == Subscription.State.CANCELLED:
            return queryset.filter(state=Subscription.State.CANCELLED)
        return queryset


class UnclaimedFilter(admin.SimpleListFilter):
    title = "claimed"
    parameter_name = "claimed"

    def lookups(self, request, model_admin):
        return [("no", "Bought without an account, not claimed yet")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(user__isnull=True).exclude(claim_email="")
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(SimpleHistoryAdmin):
    list_display = ("reader", "plan", "state_now", "starts_at", "ends_at", "store_reference", "history_link")
    list_filter = (CurrentStateFilter, UnclaimedFilter, "plan")
    list_select_related = ("user", "plan")
    # Searching a reader's address lists their subscriptions, each with its history.
    search_fields = ("user__email", "claim_email", "store_reference")
    autocomplete_fields = ("user",)
    date_hierarchy = "ends_at"
    readonly_fields = ("cancelled_at", "reminded_for_end", "created_at", "updated_at")
    actions = ["cancel_selected"]

    @admin.display(description="state")
    def state_now(self, subscription):
        return subscription.current_state.label

    @admin.display(description="reader", ordering="user__email")
    def reader(self, subscription):
        if subscription.user_id:
            return subscription.user
        if subscription.claim_email:
            return f"Not claimed yet ({subscription.claim_email})"
        return "A deleted account"

    @admin.display(description="history")
    def history_link(self, subscription):
        url = reverse("admin:subscriptions_subscription_history", args=[subscription.pk])
        return format_html('<a href="{}">History</a>', url)

    @admin.action(description="Cancel the selected subscriptions now", permissions=["change"])
    def cancel_selected(self, request, queryset):
        for subscription in queryset:
            services.cancel_subscription(subscription=subscription, reason=f"Cancelled by {request.user}")
        self.message_user(request, f"{queryset.count()} subscription(s) cancelled.")


@admin.register(CheckoutAttempt)
class CheckoutAttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts change only through checkout, the return page and the webhook."""

    list_display = ("created_at", "user", "plan", "state", "finished_at", "subscription")
    list_filter = ("state", "plan")
    list_select_related = ("user", "plan", "subscription__plan", "subscription__user")
    search_fields = ("user__email",)
    date_hierarchy = "created_at"
    readonly_fields = ("user", "plan", "state", "created_at", "finished_at", "subscription")
    exclude = ("token",)  # half of every reference: staff never need it, and a leak would name the attempt

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("received_at", "event_type", "event_id", "outcome", "status_code", "reason")
    list_filter = ("outcome", "status_code", "event_type")
    search_fields = ("event_id", "reason", "body_excerpt")
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NewsletterSubscriber)
class NewsletterSubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "state", "frequency", "section_names", "created_at", "confirmed_at", "user")
    list_filter = ("state", "frequency", "sections")
    search_fields = ("email",)
    autocomplete_fields = ("user",)
    filter_horizontal = ("sections",)
    readonly_fields = ("created_at", "confirmed_at", "unsubscribed_at")
    list_select_related = ("user",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sections")

    @admin.display(description="sections")
    def section_names(self, subscriber):
        return ", ".join(section.name for section in subscriber.sections.all()) or "all"


class DigestRunInline(admin.TabularInline):
    model = DigestRun
    fields = ("started_at", "finished_at", "recipients_added", "sent", "skipped", "failed", "errors")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DigestIssue)
class DigestIssueAdmin(admin.ModelAdmin):
    list_display = (
        "date",
        "kind",
        "article_count",
        "sent_count",
        "waiting_count",
        "unconfirmed_count",
        "completed_at",
    )
    list_filter = ("kind",)
    readonly_fields = (
        "date",
        "kind",
        "window_start",
        "window_end",
        "article_ids",
        "created_at",
        "completed_at",
    )
    inlines = [DigestRunInline]

    def get_queryset(self, request):
        State = DigestDelivery.State
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_total=Count("deliveries", filter=Q(deliveries__state=State.SENT)),
                waiting_total=Count("deliveries", filter=Q(deliveries__state=State.PENDING)),
                unconfirmed_total=Count("deliveries", filter=Q(deliveries__state=State.SENDING)),
            )
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="articles")
    def article_count(self, issue):
        return len(issue.article_ids)

    @admin.display(description="sent", ordering="sent_total")
    def sent_count(self, issue):
        return issue.sent_total

    @admin.display(description="waiting")
    def waiting_count(self, issue):
        return issue.waiting_total

    @admin.display(description="unconfirmed (run interrupted)")
    def unconfirmed_count(self, issue):
        return issue.unconfirmed_total


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    """The send log: every run of the digest job, with its counts and any error."""

    list_display = (
        "issue",
        "started_at",
        "finished_at",
        "recipients_added",
        "sent",
        "skipped",
        "failed",
        "outcome",
    )
    list_filter = ("issue",)
    list_select_related = ("issue",)
    readonly_fields = [field.name for field in DigestRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="outcome")
    def outcome(self, run):
        if run.finished_at is None:
            return "running"
        return run.errors or "completed"


@admin.register(GiftLink)
class GiftLinkAdmin(admin.ModelAdmin):
    """Gift links, for staff to see who gives what and how far it travels. Read-only, and the
    token is never shown: it would let whoever reads the admin read the article. A link posted
    where everyone can use it can be revoked here."""

    list_display = (
        "article",
        "sender",
        "created_at",
        "expires_at",
        "revoked_at",
        "open_count",
        "last_opened_at",
    )
    list_filter = ("created_at",)
    list_select_related = ("article", "sender")
    search_fields = ("sender__email", "article__headline")
    date_hierarchy = "created_at"
    fields = (
        "article",
        "sender",
        "created_at",
        "expires_at",
        "revoked_at",
        "open_count",
        "first_opened_at",
        "last_opened_at",
    )
    readonly_fields = fields
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Stop the selected gift links working", permissions=["delete"])
    def revoke_selected(self, request, queryset):
        links = list(queryset.filter(revoked_at__isnull=True))
        for link in links:
            gifts.revoke(link)
        self.message_user(request, f"{len(links)} gift link(s) stopped.")
