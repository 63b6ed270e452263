"""What readers send us and each other: shared articles (with the log abuse review needs) and
enquiries for the newsroom, the subscriptions team and the advertising team."""

from django.conf import settings
from django.db import models

from articles.models import Article


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
