"""Paid plans and who holds them, the store's webhook deliveries, metered reads, gift links, and
the free daily newsletter with its exactly-once send records."""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

# Paid subscriptions -----------------------------------------------------------------------------


class PlanQuerySet(models.QuerySet):
    def on_sale(self):
        return self.filter(is_active=True)


class Plan(models.Model):
    """Something a reader can pay for: premium articles on the website, or a product of ours
    delivered elsewhere (the magazine, PDF reports, the photo library)."""

    class Period(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    class Unlocks(models.TextChoices):
        WEBSITE = "website", "Premium articles on the website"
        MAGAZINE = "magazine", "The printed magazine"
        PDF_REPORTS = "pdf_reports", "PDF reports"
        PHOTO_LIBRARY = "photo_library", "The photo library"
        OTHER = "other", "Another product"

    # What each plan gives, for the plans page and the checkout: "Includes: PDF reports."
    BENEFITS = {
        Unlocks.WEBSITE: "Premium articles on the website",
        Unlocks.MAGAZINE: "Printed magazine",
        Unlocks.PDF_REPORTS: "PDF reports",
        Unlocks.PHOTO_LIBRARY: "Photo library",
        Unlocks.OTHER: "Another product",
    }

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="The store names plans by this in its webhook events."
    )
    description = models.TextField(blank=True, max_length=1000, help_text="Shown on the subscribe page.")
    price = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP", help_text="ISO 4217 code, e.g. GBP or EUR.")
    period = models.CharField(max_length=10, choices=Period, default=Period.MONTH)
    unlocks = models.CharField(max_length=20, choices=Unlocks, default=Unlocks.WEBSITE)
    is_active = models.BooleanField(
        "on sale", default=True, help_text="Plans no longer on sale keep their existing subscribers."
    )
    position = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers are listed first.")

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="plan_price_not_negative")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.currency = self.currency.upper()
        super().save(*args, **kwargs)

    @property
    def unlocks_website(self):
        return self.unlocks == self.Unlocks.WEBSITE

    @property
    def benefit(self):
        """What the plan gives, as a name that reads well after "Includes:" ("PDF reports",
        "Photo library"). The choices' labels are written for the admin's lists, and
        lower-casing them wrote "pdf reports"."""
        return self.BENEFITS.get(self.unlocks, self.get_unlocks_display())


# Every date a subscription holds lies in this span (the end is exclusive). The store's webhook
# refuses dates outside it and the database refuses to store them: a date the app cannot
# convert or show (year 10,000 once a -14:00 offset is added, a year before 1) made every page
# that reads the subscription fail, from the reader's account to the admin's list.
EARLIEST_SUBSCRIPTION_DATE = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_SUBSCRIPTION_DATE = datetime(2101, 1, 1, tzinfo=UTC)
OUT_OF_SPAN_MESSAGE = "A subscription's dates must lie between the years 2000 and 2100."


def _in_subscription_span(field, *, optional=False):
    within = Q(**{f"{field}__gte": EARLIEST_SUBSCRIPTION_DATE, f"{field}__lt": LATEST_SUBSCRIPTION_DATE})
    return Q(**{f"{field}__isnull": True}) | within if optional else within


class SubscriptionQuerySet(models.QuerySet):
    def active(self, at=None):
        """Subscriptions giving access now. Expiry is a matter of the clock, so access stops at
        the end date with no job to run."""
        now = at or timezone.now()
        return self.filter(state=Subscription.State.ACTIVE, starts_at__lte=now, ends_at__gt=now)

    def unlocking_website(self):
        return self.filter(plan__unlocks=Plan.Unlocks.WEBSITE)

    def due_for_reminder(self, at=None):
        """Active subscriptions ending within the reminder period whose current term has not
        been reminded yet (a renewal moves the end date, so the next term gets its own)."""
        now = at or timezone.now()
        horizon = now + timedelta(days=settings.SUBSCRIPTIONS_REMINDER_DAYS)
        return (
            self.active(at=now)
            .filter(ends_at__lte=horizon, user__isnull=False)
            .exclude(reminded_for_end=F("ends_at"))
        )


class Subscription(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    # SET_NULL: when a reader deletes their account the subscription is cancelled first and the
    # row stays, without the person, for the accounts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriptions",
        verbose_name="reader",
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    state = models.CharField(
        max_length=10,
        choices=State,
        default=State.ACTIVE,
        help_text="An active subscription past its end date counts as expired without any change here.",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    store_reference = models.CharField(
        max_length=120, blank=True, help_text="The store's identifier for this subscription."
    )
    # A purchase made at the store by someone without an account here: kept without a reader,
    # under the address the store had, until an account verifies that address and claims it.
    claim_email = models.EmailField(
        blank=True, help_text="Bought without an account: the address that may claim it once verified."
    )
    # The end date the last reminder was about; equal to ends_at once this term is reminded.
    reminded_for_end = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-ends_at", "-id"]
        indexes = [
            # The access question: this reader's subscriptions that may be current.
            models.Index(fields=["user", "state", "ends_at"], name="subscription_access_idx"),
            # The reminder sweep: active subscriptions by end date.
            models.Index(fields=["state", "ends_at"], name="subscription_ending_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="subscription_ends_after_start",
                violation_error_message="A subscription must end after it starts.",
            ),
            # One per field: a form checks only the constraints on the fields it edits.
            *(
                models.CheckConstraint(
                    condition=_in_subscription_span(field, optional=optional),
                    name=f"subscription_{field}_in_span",
                    violation_error_message=OUT_OF_SPAN_MESSAGE,
                )
                for field, optional in [
                    ("starts_at", False),
                    ("ends_at", False),
                    ("cancelled_at", True),
                    ("reminded_for_end", True),
                ]
            ),
            models.UniqueConstraint(
                fields=["store_reference"],
                condition=~Q(store_reference=""),
                name="subscription_unique_store_reference",
            ),
        ]

    def __str__(self):
        return f"{self.plan} for {self.user or 'a deleted account'}"

    @property
    def current_state(self):
        """The state readers and staff see: active until the end date, then expired."""
        if self.state == self.State.ACTIVE and self.ends_at <= timezone.now():
            return self.State.EXPIRED
        return self.State(self.state)

    @property
    def is_current(self):
        now = timezone.now()
        return self.state == self.State.ACTIVE and self.starts_at <= now < self.ends_at


class CheckoutAttempt(models.Model):
    """A reader sent to the store to pay for a plan. The store carries our signed reference to
    the attempt through checkout and back in its webhook, which is how the purchase finds the
    reader's account whatever address they give the store."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="checkout_attempts",
        verbose_name="reader",
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    # Random and unguessable; the reference the store sees is this, signed (subscriptions/checkout.py).
    token = models.CharField(max_length=40, unique=True, editable=False)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkout_attempts"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.plan} for {self.user} ({self.get_state_display()})"

    @property
    def current_state(self):
        """As the reader sees it: a pending attempt left long enough has expired."""
        age = timezone.now() - self.created_at
        if self.state == self.State.PENDING and age > timedelta(hours=settings.STORE_CHECKOUT_EXPIRY_HOURS):
            return self.State.EXPIRED
        return self.State(self.state)


class WebhookDelivery(models.Model):
    """Every request made to the store webhook, accepted or not, for staff to inspect."""

    class Outcome(models.TextChoices):
        PROCESSED = "processed", "Processed"
        DUPLICATE = "duplicate", "Already processed"
        REJECTED = "rejected", "Rejected"

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome)
    status_code = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    event_id = models.CharField("idempotency key", max_length=120, blank=True)
    event_type = models.CharField(max_length=60, blank=True)
    signature_valid = models.BooleanField(default=False)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    # The start of the body, to see what was sent; bodies are small JSON documents.
    body_excerpt = models.TextField(blank=True)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_deliveries"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            # The idempotency guarantee: an event is applied at most once, even when two
            # deliveries of it race.
            models.UniqueConstraint(
                fields=["event_id"], condition=Q(outcome="processed"), name="webhook_event_processed_once"
            )
        ]

    def __str__(self):
        return f"{self.event_type or 'delivery'} {self.event_id or ''} ({self.get_outcome_display()})"


class MeteredRead(models.Model):
    """A premium article read in full by a reader without a plan, against their monthly allowance."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month the read counts in.")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "month", "article"], name="metered_read_once_a_month")
        ]

    def __str__(self):
        return f"{self.user} read {self.article_id} in {self.month:%B %Y}"


class GiftLinkQuerySet(models.QuerySet):
    def sent_in_month(self, month_start):
        """Links made in the calendar month starting `month_start` (a local date), revoked ones
        included: revoking a link does not give the gift back, or revoke-and-make-again would
        lift the monthly limit."""
        start = timezone.make_aware(datetime.combine(month_start, time.min))
        next_month = (month_start + timedelta(days=32)).replace(day=1)
        end = timezone.make_aware(datetime.combine(next_month, time.min))
        return self.filter(created_at__gte=start, created_at__lt=end)


class GiftLink(models.Model):
    """A premium article a subscriber has given: anyone holding the link reads it whole, with
    no account, until it expires or the sender revokes it (subscriptions/gifts.py).

    The token is kept as issued, not hashed: whoever can read this table can read the
    articles' bodies beside it, so a hash would protect nothing, and keeping it lets the
    sender copy the link again from their account page."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gift_links")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField("opens", default=0)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    objects = GiftLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The monthly limit and the account page: one sender's links, newest first.
            models.Index(fields=["sender", "-created_at"], name="giftlink_sender_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="giftlink_expires_after_creation"
            )
        ]

    def __str__(self):
        return f"Gift of article {self.article_id} from {self.sender}"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_valid(self):
        return not self.is_revoked and not self.is_expired


# The free daily newsletter ------------------------------------------------------------------


class NewsletterSubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(state=NewsletterSubscriber.State.CONFIRMED)


class NewsletterSubscriber(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    class Frequency(models.TextChoices):
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Once a week"

    email = models.EmailField("email address", max_length=254)
    sections = models.ManyToManyField(
        "articles.Section", blank=True, related_name="+", help_text="None chosen: every section."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
        verbose_name="reader account",
    )
    state = models.CharField(max_length=12, choices=State, default=State.PENDING)
    # The database default too: code deployed before this field (during a rolling deploy)
    # still adds subscribers, as daily ones.
    frequency = models.CharField(
        "how often", max_length=10, choices=Frequency, default=Frequency.DAILY, db_default=Frequency.DAILY
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = NewsletterSubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="newsletter_email_unique_ci",
                violation_error_message="This address is already signed up.",
            )
        ]
        indexes = [
            # The digest walks confirmed subscribers in id order.
            models.Index(fields=["id"], condition=Q(state="confirmed"), name="newsletter_confirmed_idx"),
        ]

    def __str__(self):
        return self.email


class DigestIssue(models.Model):
    """One day's digest, or one week's for the weekly subscribers. Its articles are fixed when
    it is first built, so a run that resumes after a crash sends the same issue as the run that
    started it."""

    Kind = NewsletterSubscriber.Frequency

    # Daily issues go to daily subscribers, weekly issues to weekly ones.
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.DAILY, db_default=Kind.DAILY)
    date = models.DateField(help_text="The day it goes out.")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    article_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When every recipient had been dealt with."
    )

    class Meta:
        ordering = ["-date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "date"], name="digest_issue_once_per_kind_and_date")
        ]

    def __str__(self):
        if self.kind == self.Kind.WEEKLY:
            return f"Weekly digest of {self.date:%d %B %Y}"
        return f"Digest of {self.date:%d %B %Y}"


class DigestDelivery(models.Model):
    """One recipient of one issue. The unique pair is the exactly-once guarantee: a row is
    claimed before its message goes out and marked sent straight after."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Handed to the mail server, not confirmed"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Nothing to send"
        FAILED = "failed", "Failed for good"

    issue = models.ForeignKey(DigestIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(NewsletterSubscriber, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="digest_delivery_once_per_issue")
        ]
        indexes = [
            # Claiming the next batch: an issue's waiting rows in id order.
            models.Index(
                fields=["issue", "id"], condition=Q(state="pending"), name="digest_delivery_pending_idx"
            ),
        ]

    def __str__(self):
        return f"{self.issue} to subscriber {self.subscriber_id}: {self.state}"


class DigestRun(models.Model):
    """The send log: one row per run of the digest (a look that queued batches), with the
    counts and errors its batch jobs add as they go."""

    issue = models.ForeignKey(DigestIssue, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients_added = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"Run of {self.issue} at {timezone.localtime(self.started_at):%H:%M:%S}"

    @property
    def succeeded(self):
        return self.finished_at is not None and not self.errors
