"""How much mail readers may have us send through our forms, counted on the rate-limit counters.

"Email this article" (and emailing a gift link, which follows the same limits) is what
spammers want most: it sends our name and their words to addresses they choose. So it is
limited four ways, every one counting recipients (a share to four people counts four): per
connection, per sender address (an hour and a day), per recipient
address (an address gets only a few shares a day from us, whoever sends them) and site-wide per
hour. The first two are far below the last, so no one person can use up the site's allowance
and pause sharing for everyone (the numbers' reasoning is in settings.py). Enquiries only reach
our own teams; per connection and per address is enough.

A connection is an IPv4 address or an IPv6 /64 (client_ip.network_of), since one person
holds a whole /64.

Every function returns the refusals as (field name or None, message) pairs; an empty list
means the submission may go. A refused submission uses up nothing but the per-connection count,
so one address at its limit does not eat into the sender's allowance.
"""

import math

from django.conf import settings

from newsroom.lib import ratelimit
from newsroom.lib.client_ip import network_of

HOUR = 60 * 60
DAY = 24 * HOUR


def _plural(count, word):
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _people(count):
    return "1 person" if count == 1 else f"{count} people"


def wait_phrase(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return f"in {_plural(minutes, 'minute')}"
    return f"in about {_plural(math.ceil(minutes / 60), 'hour')}"


FAULT = (
    "We cannot send anything for a moment because of a fault on our side, so nothing was sent. "
    "Please try again in a few minutes."
)


def share_refusals(*, ip_address, sender_email, recipients):
    size = len(recipients)
    per_ip = ratelimit.hit(
        "share-ip",
        network_of(ip_address),
        limit=settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR,
        period=HOUR,
        cost=size,
    )
    if per_ip.unavailable:
        return [(None, FAULT)]
    if not per_ip.allowed:
        room = settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR - (per_ip.count - size)
        fewer = f"Send it to {_people(room)} at most, or try" if room > 0 else "Please try"
        return [
            (
                None,
                "Too many articles have been emailed from your connection in the last hour. "
                f"{fewer} again {wait_phrase(per_ip.retry_after)}.",
            )
        ]

    checks = [
        ("share-sender-hour", sender_email, settings.SHARE_RECIPIENTS_PER_SENDER_PER_HOUR, HOUR, size),
        ("share-sender-day", sender_email, settings.SHARE_RECIPIENTS_PER_SENDER_PER_DAY, DAY, size),
        *[
            ("share-recipient", address, settings.SHARE_PER_RECIPIENT_PER_DAY, DAY, 1)
            for address in recipients
        ],
        ("share-site", "all", settings.SHARE_SITE_PER_HOUR, HOUR, size),
    ]
    verdicts = [
        ratelimit.peek(scope, identity, limit=limit, period=period, cost=cost)
        for scope, identity, limit, period, cost in checks
    ]
    if any(verdict.unavailable for verdict in verdicts):
        return [(None, FAULT)]
    refusals = [
        _share_refusal(scope, identity, limit, verdict)
        for (scope, identity, limit, _, _), verdict in zip(checks, verdicts, strict=True)
        if not verdict.allowed
    ]
    if refusals:
        return refusals

    # All clear: count this share. Two submissions racing past the checks above are still
    # caught here, since each count is an atomic increment.
    counted = [
        ratelimit.hit(scope, identity, limit=limit, period=period, cost=cost)
        for scope, identity, limit, period, cost in checks
    ]
    if any(verdict.unavailable for verdict in counted):
        return [(None, FAULT)]
    if not all(verdict.allowed for verdict in counted):
        return [(None, "Too many articles are being emailed right now. Please try again in a few minutes.")]
    return []


def _share_refusal(scope, identity, limit, verdict):
    wait = wait_phrase(verdict.retry_after)
    if scope in ("share-sender-hour", "share-sender-day"):
        span = "an hour" if scope == "share-sender-hour" else "a day"
        room = limit - verdict.count
        if room > 0:
            return (
                "recipients",
                f"{identity} can email articles to only {_people(room)} more now (we allow "
                f"{limit} in {span}). Please leave some out, or try again {wait}.",
            )
        return (
            None,
            f"{identity} has already emailed articles to the most people we allow in {span} "
            f"({limit}). Please try again {wait}.",
        )
    if scope == "share-recipient":
        return (
            "recipients",
            f"{identity} has already been sent the most articles we send one address in a day. "
            "Please leave it out, or try again tomorrow.",
        )
    return (
        None,
        "So many articles are being emailed from the site right now that we have paused "
        f"sharing by email. Please try again {wait}.",
    )


def enquiry_refusals(*, ip_address, email, scope="enquiry"):
    """`scope` keeps each form's counts apart: reporting an error does not use up the
    allowance for writing to the newsroom."""
    per_ip = ratelimit.hit(
        f"{scope}-ip",
        network_of(ip_address),
        limit=settings.ENQUIRIES_PER_IP_PER_HOUR,
        period=HOUR,
    )
    if per_ip.unavailable:
        return [(None, FAULT)]
    if not per_ip.allowed:
        return [
            (
                None,
                "Too many messages have been sent from your connection in the last hour. "
                f"Please try again {wait_phrase(per_ip.retry_after)}.",
            )
        ]
    per_address = ratelimit.hit(
        f"{scope}-address", email, limit=settings.ENQUIRIES_PER_ADDRESS_PER_DAY, period=DAY
    )
    if per_address.unavailable:
        return [(None, FAULT)]
    if not per_address.allowed:
        return [
            (
                "email",
                f"We have already received the most messages we accept from {email} in a day. "
                f"Please try again {wait_phrase(per_address.retry_after)}.",
            )
        ]
    return []
