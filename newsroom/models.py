"""Site furniture that staff edit in the admin: the footer's contacts, sister publications,
the newsletter entry point, where the comment guidelines live, and the rights we reserve
(text and data mining, AI crawlers, the licence of our articles).

One row holds it all (a singleton, created with defaults the first time a page asks), and
pages read it from the cache under the site generation (the admin announces a change, see
newsroom/admin.py), so the footer costs no query on a warm cache.

Also here, because every app's mail goes through newsroom/lib/mail.py: the addresses we no
longer write to.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from newsroom.lib import fragments
from newsroom.lib.sanitize import clean_body_html
from newsroom.lib.singleton import SingletonModel


def validate_link(value):
    """A path on this site or a full web address: nothing a browser would run as script."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


# Crawlers that gather text to train AI models, by the name each obeys in robots.txt. A
# newsroom that wants them can clear the list in the admin.
AI_CRAWLERS = [
    "GPTBot",
    "ChatGPT-User",
    "ClaudeBot",
    "anthropic-ai",
    "CCBot",
    "Google-Extended",
    "Applebot-Extended",
    "PerplexityBot",
    "Bytespider",
    "meta-externalagent",
    "Amazonbot",
    "cohere-ai",
]
# A robots.txt user-agent is a single product token: letters, digits and a few marks.
CRAWLER_NAME = re.compile(r"^[A-Za-z0-9._-]{1,60}$")


def crawler_names(text):
    """The crawler names of the admin's one-per-line list, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def validate_crawler_names(text):
    for number, name in enumerate(text.splitlines(), start=1):
        name = name.strip()
        if name and not CRAWLER_NAME.match(name):
            raise ValidationError(
                f"Line {number} (“{name[:60]}”) is not a crawler's name. Give only the name it obeys in "
                "robots.txt, such as GPTBot: letters, digits, dots, dashes and underscores, no spaces."
            )


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

    tdm_reservation = models.BooleanField(
        "reserve text and data mining rights",
        default=True,
        help_text="Tells machines (the W3C TDMRep protocol: a header on every page and "
        "/.well-known/tdmrep.json) that our articles may not be mined, or used to train AI, "
        "without a licence from us.",
    )
    tdm_policy_url = models.CharField(
        "text and data mining policy",
        max_length=300,
        blank=True,
        validators=[validate_link],
        help_text="Where someone who wants to mine our articles learns how to ask: a page on this "
        "site (/about/licensing/) or a full URL. Given only while the rights are reserved.",
    )
    blocked_crawlers = models.TextField(
        "AI crawlers kept out",
        blank=True,
        default="\n".join(AI_CRAWLERS),
        validators=[validate_crawler_names],
        help_text="One crawler per line, by the name it obeys in robots.txt. Each is asked to stay "
        "away from the whole site; search engines' own crawlers are not affected. Empty: none.",
    )
    licence_name = models.CharField(
        "licence of our articles",
        max_length=120,
        blank=True,
        default="All rights reserved",
        help_text="Named in each article's data for search engines. An article or a partner source can "
        "have its own.",
    )
    licence_url = models.URLField(
        "licence address",
        blank=True,
        help_text="A page that states the licence (our terms of use, or a Creative Commons deed).",
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
    def read_with(cls):
        # The footer of every page lists them.
        return cls.objects.prefetch_related("sister_publications")


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


class PolicyPage(models.Model):
    """One of the publisher's policies (corrections, ethics...), a page at /about/<kind>/ that
    the chief editor keeps up to date. The site-wide JSON-LD names each one under its own
    schema.org property (SCHEMA_PROPERTIES), so search engines find them."""

    class Kind(models.TextChoices):
        CORRECTIONS = "corrections", "Corrections policy"
        ETHICS = "ethics", "Ethics policy"
        OWNERSHIP_FUNDING = "ownership-funding", "Ownership and funding"
        MASTHEAD = "masthead", "Masthead"
        ACTIONABLE_FEEDBACK = "actionable-feedback", "Feedback policy"
        NO_BYLINES = "no-bylines", "Unsigned articles policy"

    SCHEMA_PROPERTIES = {
        Kind.CORRECTIONS: "correctionsPolicy",
        Kind.ETHICS: "ethicsPolicy",
        Kind.OWNERSHIP_FUNDING: "ownershipFundingInfo",
        Kind.MASTHEAD: "masthead",
        Kind.ACTIONABLE_FEEDBACK: "actionableFeedbackPolicy",
        Kind.NO_BYLINES: "noBylinesPolicy",
    }

    kind = models.CharField(
        max_length=20,
        choices=Kind,
        unique=True,
        help_text="Which policy this is; also its address.",
        error_messages={"unique": "There is already a page for this policy: edit that one instead."},
    )
    title = models.CharField(max_length=120)
    body = ProseEditorField(
        extensions={
            "Bold": True,
            "Italic": True,
            "Heading": {"levels": [2, 3]},
            "BulletList": True,
            "OrderedList": True,
            "ListItem": True,
            "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        },
        sanitize=clean_body_html,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = "policy page"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Every writer passes here (the admin, the demo, the shell), not only the editor widget.
        self.body = clean_body_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("policy-page", kwargs={"kind": self.kind})

    @classmethod
    def cached_links(cls):
        """[(kind, title, path)] of every policy page, from the cache when warm: for the footer
        and the site's JSON-LD, which every page may show."""

        def read():
            order = list(cls.Kind)
            pages = sorted(cls.objects.only("kind", "title"), key=lambda page: order.index(page.kind))
            return [(page.kind, page.title, page.get_absolute_url()) for page in pages]

        return fragments.kept("policy-pages", read)


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
