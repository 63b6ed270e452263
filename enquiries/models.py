"""What readers send us and each other: shared articles (with the log abuse review needs) and
enquiries for the newsroom, the subscriptions team and the advertising team; and the
advertising options page that the advertising team keeps."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django_prose_editor.fields import ProseEditorField

from articles.models import BODY_EDITOR_EXTENSIONS, Article, Correction, Section
from newsroom.lib.sanitize import clean_body_html
from newsroom.lib.singleton import SingletonModel


class Share(models.Model):
    """One "Email this article" submission: who sent which article to whom, from where.

    Kept for abuse review, so the article link survives its deletion as an empty reference
    rather than taking the record with it.
    """

    article = models.ForeignKey(Article, null=True, on_delete=models.SET_NULL, related_name="shares")
    sender_name = models.CharField(max_length=80)
    sender_email = models.EmailField(max_length=254)
    note = models.TextField(blank=True, max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The signed-in reader who sent it, if any.",
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Abuse review: everything one sender or one address did recently.
            models.Index(fields=["sender_email", "created_at"], name="share_sender_created_idx"),
            models.Index(fields=["ip_address", "created_at"], name="share_ip_created_idx"),
        ]

    def __str__(self):
        return f"{self.sender_name} <{self.sender_email}>, {self.created_at:%Y-%m-%d %H:%M}"


class ShareRecipient(models.Model):
    """One address a share goes to, with its own sent state: a retried delivery skips the
    addresses already sent to, so nobody gets the same email twice."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="recipients")
    email = models.EmailField(max_length=254)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["share", "email"], name="share_recipient_once"),
        ]
        indexes = [
            # Abuse review: every share that went to one address.
            models.Index(fields=["email"], name="share_recipient_email_idx"),
        ]

    def __str__(self):
        return self.email


class EnquiryQuerySet(models.QuerySet):
    def new(self):
        return self.filter(state=Enquiry.State.NEW)

    def answered(self):
        return self.filter(state=Enquiry.State.ANSWERED)


class Enquiry(models.Model):
    """A message from a reader to one of our teams, kept until someone has answered it."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article enquiry"
        SUBSCRIBE = "subscribe", "Subscription enquiry"
        ADVERTISE = "advertise", "Advertising enquiry"

    class State(models.TextChoices):
        NEW = "new", "New"
        ANSWERED = "answered", "Answered"

    kind = models.CharField(max_length=10, choices=Kind)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=30, blank=True)
    message = models.TextField(max_length=3000)
    state = models.CharField(max_length=10, choices=State, default=State.NEW)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    sent_to = models.CharField(
        "emailed to", max_length=320, help_text="The team address the enquiry was emailed to."
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "enquiries"
        indexes = [
            # The admin's default view: the newest unanswered enquiries first.
            models.Index(fields=["state", "-created_at"], name="enquiry_state_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.name}"


# The advertising options page ------------------------------------------------------------------


class RateCard(SingletonModel):
    """The advertising options page (/advertise/): an introduction and the options with their
    prices, which the advertising team keeps up to date in the admin. One row, made by the
    migration (or the admin's first save)."""

    intro = ProseEditorField(
        "introduction",
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=clean_body_html,
        blank=True,
        help_text="Shown above the options: who reads us and why advertising here works.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "advertising options page"
        verbose_name_plural = "advertising options page"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="rate_card_is_a_singleton"),
        ]

    def __str__(self):
        return "Advertising options page"

    def save(self, *args, **kwargs):
        # Whatever wrote it, the same allow-list as article bodies.
        self.intro = clean_body_html(self.intro)
        super().save(*args, **kwargs)


class AdvertisingOptionQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(is_active=True)


class AdvertisingOption(models.Model):
    """One way to advertise with us, as the options page lists it."""

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=600, help_text="What the advertiser gets.")
    size_and_format = models.CharField(
        "size and format",
        max_length=160,
        blank=True,
        help_text="For example: 300 × 250 pixels, or 600 words.",
    )
    price = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "A price cannot be negative; leave it blank for “price on request”.")
        ],
        help_text="Blank: “price on request”.",
    )
    currency = models.CharField(
        max_length=3,
        default="GBP",
        validators=[
            RegexValidator(r"^[A-Za-z]{3}$", "Use the three-letter currency code, such as GBP or EUR.")
        ],
        help_text="ISO 4217 code, e.g. GBP or EUR.",
    )
    price_basis = models.CharField(
        "priced", max_length=60, blank=True, help_text="For example: per week, per issue, per 1,000 views."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")
    is_active = models.BooleanField("shown", default=True, help_text="Untick to take it off the page.")

    objects = AdvertisingOptionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = "advertising option"
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="advertising_option_price_not_negative",
                violation_error_message="A price cannot be negative; leave it blank for “price on request”.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.currency = self.currency.upper()
        super().save(*args, **kwargs)


# Reports of errors in articles -------------------------------------------------------------


class ErrorReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ErrorReport.Status.NEW)

    def looked_after_by(self, user):
        """The reports `user` is told of: those about their sections, and those about articles
        of a section with no desk editors (or of none), which every editor is told of."""
        staffed = Section.desk_editors.through.objects.filter(section_id=OuterRef("article__section_id"))
        return self.filter(
            Q(article__section__in=Section.objects.filter(desk_editors=user)) | ~Exists(staffed)
        )


class ErrorReport(models.Model):
    """A reader telling us an article got something wrong. It waits in the corrections queue
    until an editor publishes a correction from it or declines it; the reader is told either way.

    Everything the reader typed is plain text, shown escaped wherever it appears."""

    class Status(models.TextChoices):
        NEW = "new", "Waiting"
        CORRECTED = "corrected", "Corrected"
        DECLINED = "declined", "Declined"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="error_reports")
    description = models.TextField("what is wrong", max_length=2000)
    quote = models.TextField("where in the article", max_length=500, blank=True)
    evidence = models.TextField("source or evidence", max_length=1000, blank=True)
    name = models.CharField(max_length=80, blank=True)
    email = models.EmailField(max_length=254)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    correction = models.ForeignKey(
        Correction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="error_reports",
        help_text="The correction published from this report.",
    )
    decline_reason = models.TextField("reason for declining", max_length=1000, blank=True)
    desk_note = models.TextField(
        "notes for the desk",
        max_length=2000,
        blank=True,
        help_text="What you checked and with whom. Never sent to the reader.",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "error report"
        indexes = [
            # The corrections queue and the desk: open reports, oldest first.
            models.Index(fields=["status", "created_at"], name="errorreport_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="new") | Q(handled_at__isnull=False),
                name="errorreport_handled_says_when",
            ),
        ]

    def __str__(self):
        return f"Error report on “{self.article}” ({self.created_at:%d %b %Y})"

    @property
    def is_open(self):
        return self.status == self.Status.NEW
