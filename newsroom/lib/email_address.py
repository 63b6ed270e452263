"""The one check for an email address we send mail to on a stranger's say-so: a share's
recipients and sender, an enquiry's reply address, a comment's confirmation address, a
newsletter sign-up, a new account.

Django's validate_email accepts addresses at an IP literal (`v@[127.0.0.1]`), at a single
local name (`v@localhost`) and, when the last part has two digits, at a bare IP address
(`v@10.0.0.10`). Our mail server would deliver to any of them, which lets a stranger aim it at
machines inside our own network or at any address by number. We send only to domain names
on the public internet.
"""

import contextlib

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Names that never lead to the public internet: RFC 6761/6762/8375 special-use names and the
# ones networks commonly use for their own machines.
_LOCAL_TOP_LEVEL_NAMES = {
    "localhost",
    "localdomain",
    "local",
    "internal",
    "intranet",
    "lan",
    "home",
    "corp",
    "private",
    "arpa",
    "invalid",
    "test",
    "onion",
    "alt",
}

NOT_A_PUBLIC_DOMAIN = (
    "We cannot send email to “%(value)s”: we only send to addresses at a public domain name, "
    "like name@example.org, not at a numeric internet address or a local network name."
)


def _ascii_domain(domain):
    """The domain as the mail server would look it up: IDNA-encoded (which also turns
    full-width digits and dots into plain ones), lower-case, without a final dot."""
    # validate_email has already refused what cannot be encoded.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return domain.lower().rstrip(".")


def _looks_numeric(label):
    """Decimal, octal or hexadecimal, as inet_aton reads the parts of an IPv4 address."""
    if label.startswith("0x"):
        return all(character in "0123456789abcdef" for character in label[2:])
    return label.isdigit()


def validate_public_email(value):
    """Raise ValidationError unless `value` is an email address at a public domain name: code
    "not_public_domain" for an IP address or a local name, Django's "invalid" otherwise."""
    domain = str(value).rpartition("@")[2]
    refusal = ValidationError(NOT_A_PUBLIC_DOMAIN, code="not_public_domain", params={"value": value})
    # Checked before Django's rules, which refuse some of these ([IPv6:::1], 10.0.0.10) only as
    # "not an email address", leaving the reader to guess what is wrong with it.
    if domain.startswith("["):
        raise refusal
    labels = _ascii_domain(domain).split(".")
    if len(labels) > 1 and (_looks_numeric(labels[-1]) or labels[-1] in _LOCAL_TOP_LEVEL_NAMES):
        raise refusal
    validate_email(value)
    if len(labels) < 2:
        # A name without a dot that Django lets through: its allow-list has "localhost".
        raise refusal


class PublicEmailField(forms.EmailField):
    """A form's email field that refuses what validate_public_email refuses."""

    default_validators = [validate_public_email]
