from django.conf import settings
from django.db import models

from newsroom.lib.images import UploadedImageField
from newsroom.lib.urls import reversed_path


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
        return reversed_path("articles:author", slug=self.slug)

    @property
    def title_line(self):
        """“Senior Researcher, Institute for Fiscal Studies” – whichever parts exist."""
        return ", ".join(part for part in (self.role, self.organisation) if part)
