"""Moments written for machines: the `datetime` attribute of <time>, meta tags, JSON-LD.

HTML allows at most three digits of a second's fraction in a `datetime` attribute, and both
Python's isoformat() and Django's `|date:'c'` write six whenever the moment has microseconds
(as every time the database records does). Every such moment on the site is written here, so
the visible "Updated" time, its `datetime` attribute, `article:modified_time` and the JSON-LD
`dateModified` are one and the same string.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html


def machine_datetime(moment):
    """ISO 8601 in the site's time zone, to the millisecond at most: "2026-05-03T14:02:07.250+01:00",
    or "2026-05-03T14:02:07+01:00" for a whole second. Empty for no moment; a date stays a date."""
    if not moment:
        return ""
    if not isinstance(moment, datetime):
        return moment.isoformat()
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


def date_element(moment):
    """<time datetime="2026-12-07T13:29:01.503+00:00">7 Dec 2026</time>: a card's date. The same
    as `|machine_datetime` inside and `|date:"j M Y"` between, made in one step: the date
    filter parses its format for every card, and was a tenth of a listing card's rendering."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    shown = f"{moment.day} {MONTHS_3[moment.month].title()} {moment.year}"
    return format_html('<time datetime="{}">{}</time>', machine_datetime(moment), shown)
