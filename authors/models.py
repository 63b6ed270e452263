import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models

from newsroom.lib.images import UploadedImageField
from newsroom.lib.urls import reversed_path

# @user@host: a fediverse account as Mastodon and its peers write it.
FEDIVERSE_HANDLE = re.compile(
    r"@(?P<user>[A-Za-z0-9_][A-Za-z0-9_.-]*)@(?P<host>[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)"
)


def validate_fediverse_handle(value):
    if not FEDIVERSE_HANDLE.fullmatch(value):
        raise ValidationError(
            f"“{value}” is not a fediverse handle. Write it as @name@server, such as @ana@mastodon.social."
        )


def validate_contact(value):
    """An email address or a web address (http or https): nothing a browser would run."""
    try:
        EmailValidator()(value)
    except ValidationError:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValidationError(
                f"“{value}” is neither an email address nor a web address starting with https://."
            ) from None


class Author(models.Model):
    """A person credited on articles: staff, contributor or a partner's writer.

    Not every author has an account, and an account is not an author until linked here.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    role = models.CharField(
        "role or title", max_length=120, blank=True, help_text="For example “Senior Researcher”."
    )
    organisation = models.CharField(max_length=160, blank=True)
    bio = models.TextField("short biography", blank=True, max_length=1500)
    photo = UploadedImageField(upload_to="authors/", blank=True)
    expertise = models.CharField(
        max_length=300,
        blank=True,
        help_text="What this author knows best, separated by commas, such as “EU trade, farming, fisheries”.",
    )
    contact = models.CharField(
        max_length=254,
        blank=True,
        validators=[validate_contact],
        help_text="Optional: an email address or web address where readers can reach this author.",
    )
    fediverse_handle = models.CharField(
        max_length=120,
        blank=True,
        validators=[validate_fediverse_handle],
        help_text="Optional: their fediverse account as @name@server; "
        "credits them when their articles are shared there.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The account of this author, if they have one; lets writers edit their own drafts.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # Admin autocomplete and syndication's match-by-name look authors up by name.
            models.Index(fields=["name"], name="author_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.path_for(self.slug)

    @staticmethod
    def path_for(slug):
        """The address of an author's page, for callers holding only the slug."""
        return reversed_path("articles:author", slug=slug)

    @property
    def expertise_list(self):
        return [topic.strip() for topic in self.expertise.split(",") if topic.strip()]

    @property
    def contact_url(self):
        """The contact as a link: mailto: for an address, the web address as it is."""
        if not self.contact:
            return ""
        return self.contact if "://" in self.contact else f"mailto:{self.contact}"

    @property
    def fediverse_profile_url(self):
        """https://host/@user for @user@host: the profile page most fediverse servers serve."""
        match = FEDIVERSE_HANDLE.fullmatch(self.fediverse_handle)
        return f"https://{match['host']}/@{match['user']}" if match else ""

    @property
    def title_line(self):
        """“Senior Researcher, Institute for Fiscal Studies” – whichever parts exist."""
        return ", ".join(part for part in (self.role, self.organisation) if part)
