import base64
import hashlib
import re

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

# What readers see in place of the name of someone who has deleted their account, for example
# beside their anonymised comments; no living account may take it as a display name.
DELETED_ACCOUNT_NAME = "deleted account"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        # Addresses are unique whatever their case, so logging in ignores case too.
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


NEUTRAL_NAME_PREFIX = "Reader "
NEUTRAL_NAME_PATTERN = re.compile(r"reader [a-z2-7]{6}", re.IGNORECASE)


def neutral_name(pk):
    """The name shown for an account without a display name: "Reader " and six letters and
    digits derived from its id. Not the address (a part of it is often the reader's real name,
    or enough to guess the address) and not the bare id (which counts the accounts)."""
    digest = hashlib.blake2b(f"newsroom-reader:{pk}".encode(), digest_size=5).digest()
    return NEUTRAL_NAME_PREFIX + base64.b32encode(digest).decode()[:6]


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: reader, subscriber or staff. Roles come from groups."""

    email = models.EmailField("email address", max_length=254)
    display_name = models.CharField(
        max_length=60,
        blank=True,
        help_text="Shown beside your comments. Leave blank to be shown under a neutral name such as "
        "“Reader K7QM2D”: your email address is never shown.",
    )
    bio = models.TextField(
        "short bio",
        max_length=500,
        blank=True,
        help_text="A sentence or two about yourself.",
    )
    is_staff = models.BooleanField(
        default=False, help_text="Can log into the admin site. Roles come from groups."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message="An account with this email address already exists.",
            ),
            # Readers tell commenters apart by name, so two accounts never share one in any
            # letter case. Blank names are many: they fall back to the address's first part.
            models.UniqueConstraint(
                Lower("display_name"),
                condition=~Q(display_name=""),
                name="user_display_name_unique_ci",
                violation_error_message="Another reader already uses this display name.",
            ),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    @property
    def has_verified_email(self):
        """Whether the reader has confirmed, by the emailed link, that their current address is
        theirs. The one test for "may comment"; an address being changed stays unverified (and
        the old one stays in use) until its link is followed."""
        return self.emailaddress_set.filter(email__iexact=self.email, verified=True).exists()

    @property
    def public_name(self):
        return self.display_name or neutral_name(self.pk)

    def get_full_name(self):
        return self.public_name

    def get_short_name(self):
        return self.public_name
