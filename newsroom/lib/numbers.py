"""Whole numbers from request data (query strings, form fields, URL parts), read one way.

`str.isdigit()` and `int()` are the wrong test for text a stranger sends: `"²".isdigit()` is
True and `int("²")` then fails, `int()` also takes "٣", " 7", "+7" and "1_000", and a number
of any length passes both, only to fail in PostgreSQL once it is past the column's range.
Each was a server error somewhere. Here a number is ASCII digits only, and no larger than the
column it is compared with can hold; anything else is simply "no number".
"""

import re

# The largest values PostgreSQL's integer columns hold: our ids are bigint (BigAutoField);
# PositiveIntegerField and friends are integer.
BIGINT_MAX = 2**63 - 1
INTEGER_MAX = 2**31 - 1

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value, maximum=BIGINT_MAX):
    """The whole number `value` spells in ASCII digits, if it is at most `maximum`; else None.

    Suits any id or count taken from a query string, a form field or a header.
    """
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= maximum else None


class IdConverter:
    """`<id:name>` in a URL: an id a bigint column can hold. Django's `<int:>` takes any number
    of digits, and a too-large one failed in the database (a 500) instead of matching nothing
    (a 404). Registered in newsroom/urls.py; use it for every id in a path."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            # Django reads a ValueError here as "this pattern does not match": a 404.
            raise ValueError(f"{value} is too large for an id")
        return number

    def to_url(self, value):
        return str(value)
