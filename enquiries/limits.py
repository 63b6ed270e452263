"""How much readers may send through our forms, counted on the shared cache.

"Email this article" is the form spammers want most: it sends our name and their words to
addresses they choose. So it is limited four ways: per connection, per sender address, per
recipient address (an address gets only a few shares a day from us, whoever sends them) and
site-wide per hour. Enquiries only reach our own teams; per connection and per address is enough.

Every function returns the refusals as (field name or None, message) pairs; an empty list
means the submission may go. A refused submission uses up nothing but the per-connection count,
so one address at its limit does not eat into the sender's allowance.
"""

import math

from django.conf import settings

from newsroom.lib import ratelimit

HOUR = 60 * 60
DAY = 24 * HOUR


def _plural(count, word):
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def wait_phrase(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return f"in {_plural(minutes, 'minute')}"
    return f"in about {_plural(math.ceil(minutes / 60), 'hour')}"


def share_refusals(*, ip_address, sender_email, recipients):
    per_ip = ratelimit.hit(
        "share-ip", ip_address or "unknown", limit=settings.SHARE_PER_IP_PER_HOUR, period=HOUR
    )
    if not per_ip.allowed:
        return [
            (
                None,
                "Too many articles have been emailed from your connection in the last hour. "
                f"Please try again {wait_phrase(per_ip.retry_after)}.",
            )
        ]

    refusals = []
    per_sender = ratelimit.peek(
        "share-sender", sender_email, limit=settings.SHARE_PER_SENDER_PER_DAY, period=DAY
    )
    if not per_sender.allowed:
        refusals.append(
            (
                None,
                f"{sender_email} has already emailed the most articles we allow in a day "
                f"({settings.SHARE_PER_SENDER_PER_DAY}). "
                f"Please try again {wait_phrase(per_sender.retry_after)}.",
            )
        )
    for address in recipients:
        per_recipient = ratelimit.peek(
            "share-recipient", address, limit=settings.SHARE_PER_RECIPIENT_PER_DAY, period=DAY
        )
        if not per_recipient.allowed:
            refusals.append(
                (
                    "recipients",
                    f"{address} has already been sent the most articles we send one address in a day. "
                    "Please leave it out, or try again tomorrow.",
                )
            )
    site = ratelimit.peek("share-site", "all", limit=settings.SHARE_SITE_PER_HOUR, period=HOUR)
    if site.count + len(recipients) > settings.SHARE_SITE_PER_HOUR:
        refusals.append(
            (
                None,
                "So many articles are being emailed from the site right now that we have paused "
                f"sharing by email. Please try again {wait_phrase(site.retry_after)}.",
            )
        )
    if refusals:
        return refusals

    # All clear: count this share. Two submissions racing past the checks above are still
    # caught here, since each count is an atomic increment.
    counted = [
        ratelimit.hit("share-sender", sender_email, limit=settings.SHARE_PER_SENDER_PER_DAY, period=DAY)
    ]
    counted += [
        ratelimit.hit("share-recipient", address, limit=settings.SHARE_PER_RECIPIENT_PER_DAY, period=DAY)
        for address in recipients
    ]
    counted += [
        ratelimit.hit("share-site", "all", limit=settings.SHARE_SITE_PER_HOUR, period=HOUR)
        for _ in recipients
    ]
    if not all(verdict.allowed for verdict in counted):
        return [(None, "Too many articles are being emailed right now. Please try again in a few minutes.")]
    return []


def enquiry_refusals(*, ip_address, email):
    per_ip = ratelimit.hit(
        "enquiry-ip", ip_address or "unknown", limit=settings.ENQUIRIES_PER_IP_PER_HOUR, period=HOUR
    )
    if not per_ip.allowed:
        return [
            (
                None,
                "Too many messages have been sent from your connection in the last hour. "
                f"Please try again {wait_phrase(per_ip.retry_after)}.",
            )
        ]
    per_address = ratelimit.hit(
        "enquiry-address", email, limit=settings.ENQUIRIES_PER_ADDRESS_PER_DAY, period=DAY
    )
    if not per_address.allowed:
        return [
            (
                "email",
                f"We have already received the most messages we accept from {email} in a day. "
                f"Please try again {wait_phrase(per_address.retry_after)}.",
            )
        ]
    return []
