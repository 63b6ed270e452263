"""Site furniture that staff edit in the admin: the footer's contacts, sister publications,
the newsletter entry point and where the comment guidelines live.

One row holds it all (a singleton, created with defaults the first time a page asks), and
pages read it from the cache, so the footer costs no query on a warm cache.

Also here, because every app's mail goes through newsroom/lib/mail.py: the addresses we no
longer write to.
"""

from django.core.cache import cache
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from newsroom.lib.cache import bump_site_generation
from newsroom.lib.singleton import SingletonModel

CACHE_KEY = "site-settings:v1"
CACHE_SECONDS = 60 * 60


def validate_link(value):
    """A path on this site or a full web address: nothing a browser would run as script."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


class SiteSettings(SingletonModel):
    about = models.CharField(
        "about line",
        max_length=300,
        blank=True,
        default="Independent public-affairs journalism.",
        help_text="One sentence about the publication, shown in the footer.",
    )
    publisher_name = models.CharField(
        max_length=160, blank=True, help_text="The company that publishes the site. Blank: the site's name."
    )
    subscribe_email = models.EmailField(
        "subscriptions email", blank=True, default="subscriptions@example.com"
    )
    subscribe_url = models.CharField(
        "subscriptions page",
        max_length=300,
        blank=True,
        default="/subscriptions/",
        validators=[validate_link],
        help_text="An address on this site (/subscriptions/) or a full URL.",
    )
    advertise_email = models.EmailField("advertising email", blank=True, default="advertising@example.com")
    advertise_url = models.CharField(
        "advertising options page",
        max_length=300,
        blank=True,
        help_text="Where the footer's “View options” leads. Blank: our own advertising options page "
        "(/advertise/), edited under Enquiries. Or an address on this site, or a full URL.",
        validators=[validate_link],
    )
    newsletter_blurb = models.CharField(
        max_length=300,
        blank=True,
        default="The day's public-affairs reporting in one free email, every weekday morning.",
    )
    newsletter_url = models.CharField(
        "newsletter sign-up page",
        max_length=300,
        blank=True,
        default="/newsletter/",
        validators=[validate_link],
    )
    comment_guidelines_url = models.CharField(
        "comment guidelines page",
        max_length=300,
        blank=True,
        default="/comments/guidelines/",
        validators=[validate_link],
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="site_settings_is_a_singleton"),
        ]

    def __str__(self):
        return "Site settings"

    @classmethod
    def cached(cls):
        """The settings and the sister publications as plain data, from the cache when warm."""
        data = cache.get(CACHE_KEY)
        if data is None:
            row = cls.load()
            data = {
                "settings": row,
                "sister_publications": list(row.sister_publications.all()),
            }
            cache.set(CACHE_KEY, data, CACHE_SECONDS)
        return data


class SisterPublication(models.Model):
    site_settings = models.ForeignKey(
        SiteSettings, on_delete=models.CASCADE, related_name="sister_publications"
    )
    name = models.CharField(max_length=120)
    url = models.URLField("address")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


@receiver([post_save, post_delete], sender=SiteSettings, dispatch_uid="site-settings-changed")
@receiver([post_save, post_delete], sender=SisterPublication, dispatch_uid="sister-publication-changed")
def _forget_cached_site_settings(sender, created=False, **kwargs):
    # After commit: a reader in between would otherwise cache the old row again.
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    if sender is SiteSettings and created:
        # The first page view creates the row with its defaults: nothing shown has changed.
        return
    # The footer and masthead of every page show these settings: drop the cached pages too.
    transaction.on_commit(bump_site_generation)


class SuppressedAddressQuerySet(models.QuerySet):
    def matching(self, addresses):
        """The suppressions for any of these addresses, whatever their letter case."""
        return self.annotate(email_lower=Lower("email")).filter(
            email_lower__in=[address.lower() for address in addresses]
        )


class SuppressedAddress(models.Model):
    """An address we no longer send mail to, because its mailbox bounced or its owner reported
    our mail as spam. Mailbox providers judge a sender by both: mail that keeps going to them
    is how a newsletter ends up in every reader's spam folder."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Bounced (the mailbox does not exist or refuses our mail)"
        COMPLAINED = "complained", "Reported as spam by the recipient"
        REJECTED = "rejected", "Refused by the mail provider before sending"
        MANUAL = "manual", "Added by staff"

    email = models.EmailField("email address", max_length=254)
    reason = models.CharField(max_length=12, choices=Reason)
    detail = models.CharField(max_length=300, blank=True, help_text="What the mail provider said, shortened.")
    provider = models.CharField(max_length=40, blank=True, help_text="Who reported it.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SuppressedAddressQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "suppressed addresses"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="suppressed_email_unique_ci",
                violation_error_message="This address is already suppressed.",
            )
        ]

    def __str__(self):
        return self.email
