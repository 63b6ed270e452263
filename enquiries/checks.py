"""The checks every reader-facing form here shares: no control characters (so nothing typed can
become an email header), no web addresses in names, recipient lists parsed into addresses, and
the signed, single-use start time that tells a person from a bot without a CAPTCHA."""

import contextlib
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from newsroom.lib import ratelimit
from newsroom.lib.email_address import validate_public_email

# Joiners are part of how some scripts and emoji are written; every other format character
# (bidirectional overrides, zero-width spaces) only serves to disguise text.
_ALLOWED_FORMAT_CHARACTERS = {"\u200c", "\u200d"}
_SPOOFING_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}

_WEB_ADDRESS = re.compile(r"(?i)(://|\bwww\.|\bhttps?:|@)")
# Something.tld with no space in it: "cheap-pills.example" or "bit.ly". Initials ("J. R. R.")
# never match, because a top-level domain here needs two letters straight after the dot.
_DOMAIN_LIKE = re.compile(r"(?i)\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)*\.[a-z]{2,24}\b")

RECIPIENT_SEPARATORS = re.compile(r"[,;\s]+")
STAMP_SALT = "enquiries.form-started"
STAMP_MAX_AGE_SECONDS = 24 * 60 * 60


def _bad_characters(value, *, allow_newlines):
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return [
        character
        for character in value
        if character not in allowed
        and character not in _ALLOWED_FORMAT_CHARACTERS
        and unicodedata.category(character) in _SPOOFING_CATEGORIES
    ]


def refuse_control_characters(value):
    """For one-line fields: a line break here is the start of a header injection."""
    if _bad_characters(value, allow_newlines=False):
        raise ValidationError(
            "Please keep this to one line: line breaks and other control characters are not allowed.",
            code="control_characters",
        )


def refuse_control_characters_except_newlines(value):
    if _bad_characters(value, allow_newlines=True):
        raise ValidationError(
            "Please remove the control characters (invisible formatting codes) from this text.",
            code="control_characters",
        )


def normalise_newlines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def refuse_web_addresses_in_name(value):
    """A name that carries a link turns our email into the spammer's advert."""
    found = _WEB_ADDRESS.search(value) or _DOMAIN_LIKE.search(value)
    if found:
        raise ValidationError(
            "Please give just your name: “%(value)s” looks like a web or email address, "
            "and names may not contain one.",
            code="web_address",
            params={"value": value},
        )


def parse_recipients(raw, *, limit):
    """The distinct addresses in `raw`, in the order given; separators may be commas,
    semicolons, spaces or line breaks, and an address given twice (in any letter case) counts
    once. Raises ValidationError naming every address that is not one."""
    addresses = []
    seen = set()
    for part in RECIPIENT_SEPARATORS.split(raw):
        if part and part.casefold() not in seen:
            seen.add(part.casefold())
            addresses.append(part)
    if not addresses:
        raise ValidationError("Enter at least one email address to send the article to.", code="required")

    errors = []
    for address in addresses:
        try:
            validate_public_email(address)
        except ValidationError as error:
            if error.code == "not_public_domain":
                errors.append(error)
                continue
            errors.append(
                ValidationError(
                    "“%(address)s” is not an email address. Check it is written like name@example.org.",
                    code="invalid",
                    params={"address": address},
                )
            )
    if len(addresses) > limit:
        errors.append(
            ValidationError(
                "You can send the article to at most %(limit)s addresses at a time, and you gave "
                "%(count)s. Please remove %(extra)s of them.",
                code="too_many",
                params={
                    "limit": _number_word(limit),
                    "count": len(addresses),
                    "extra": len(addresses) - limit,
                },
            )
        )
    if errors:
        raise ValidationError(errors)
    return addresses


def _number_word(number):
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
    return words.get(number, str(number))


# The signed start time --------------------------------------------------------------------
#
# Each form page carries a stamp: which form it is, when it was shown and a random nonce,
# signed. Sending it back proves a person took some time over this form; the nonce is used
# up when the form is sent, so one stamp sends one message, never a day's worth.


@dataclass(frozen=True)
class Stamp:
    form: str
    shown_at: float
    nonce: str

    @property
    def elapsed(self):
        return time.time() - self.shown_at

    @property
    def used_key(self):
        return f"form-stamp:{self.form}:{self.nonce}"


def form_stamp(form, at=None):
    """A tamper-proof record of which form was shown, and when, sent back with it."""
    shown_at = at if at is not None else time.time()
    return signing.dumps({"form": form, "at": shown_at, "nonce": secrets.token_urlsafe(16)}, salt=STAMP_SALT)


class StampProblem(Exception):
    pass


def read_stamp(stamp, *, form):
    """The Stamp of `form` that the page sent back. Raises StampProblem with the reason in the
    reader's words when it is missing, forged, from another form or too old to trust."""
    incomplete = "The form was incomplete. Please check your entries and send it again."
    if not stamp:
        raise StampProblem(incomplete)
    try:
        payload = signing.loads(stamp, salt=STAMP_SALT)
    except signing.BadSignature:
        raise StampProblem(incomplete) from None
    if not isinstance(payload, dict) or payload.get("form") != form:
        raise StampProblem(incomplete)
    shown_at, nonce = payload.get("at"), payload.get("nonce")
    if not isinstance(shown_at, int | float) or not isinstance(nonce, str) or not nonce:
        raise StampProblem(incomplete)
    read = Stamp(form=form, shown_at=shown_at, nonce=nonce)
    if read.elapsed > STAMP_MAX_AGE_SECONDS:
        raise StampProblem(
            "This form was opened more than a day ago. Please check your entries and send it again."
        )
    return read


def use_stamp(stamp):
    """Mark the stamp used, atomically: of two submissions carrying it, one goes. Kept with
    the rate-limit counters, which are never evicted, for as long as a stamp is accepted."""
    try:
        fresh = ratelimit.counters.add(stamp.used_key, 1, timeout=STAMP_MAX_AGE_SECONDS + 60)
    except Exception:
        raise StampProblem(
            "We cannot send anything for a moment because of a fault on our side, so nothing was "
            "sent. Please try again in a few minutes."
        ) from None
    if not fresh:
        raise StampProblem(
            "This form has already been sent, so nothing was sent this time. To send another "
            "message, reload the page and fill in the form again."
        )


def release_stamp(stamp):
    """Give the stamp back after a refusal that came after it was used (a rate limit), so the
    reader can send the same form later."""
    # If the counters went away meanwhile the stamp stays used: the reader reloads the page.
    with contextlib.suppress(Exception):
        ratelimit.counters.delete(stamp.used_key)


def minimum_fill_seconds():
    return settings.ENQUIRIES_MIN_FILL_SECONDS
