"""One way to build an email: a subject, a plain-text body and an HTML body, all rendered
from templates under templates/email/ with the site's name in the context. Addresses on the
suppression list (newsroom.models.SuppressedAddress) are left out of every message built here."""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from newsroom.models import SuppressedAddress

logger = logging.getLogger(__name__)

# RFC 2369's headers: each is a list of URLs in angle brackets.
URL_LIST_HEADERS = frozenset(
    {"list-archive", "list-help", "list-owner", "list-post", "list-subscribe", "list-unsubscribe"}
)
# RFC 5322's hard limit for a line of a message, end of line excluded.
_MAX_LINE = 998
_ENTRY = re.compile(r"<([^<>]*)>")


class URLListHeader(str):
    """A List-* header that reaches the wire exactly as written.

    Python's email package (which Django's mail uses) folds every header at 78 characters, and
    a word it cannot break (any URL longer than that) becomes an RFC 2047 encoded word,
    `=?utf-8?q?=3Chttps=3A//...?=`. Encoded words are not allowed in these headers, so Gmail
    and Yahoo ignore the unsubscribe link and the message loses one-click unsubscribe, which
    both require of bulk senders. The email package hands a header value that knows its own
    name and can fold itself to that method instead of refolding it, so this folds only
    between entries, where RFC 2369 allows it.
    """

    def __new__(cls, name, urls):
        urls = list(urls)
        if not urls:
            raise ValueError(f"{name} needs at least one URL.")
        for url in urls:
            if not url.isascii() or any(character in url for character in "<>, \t\r\n"):
                raise ValueError(f"{url!r} cannot stand in {name}: use a percent-encoded ASCII URL.")
            if len(name) + len(url) + 5 > _MAX_LINE:
                raise ValueError(f"{name}'s URL is longer than a line of mail may be.")
        entries = [f"<{url}>" for url in urls]
        header = super().__new__(cls, ", ".join(entries))
        header.name = name
        header.urls = urls
        header.entries = entries
        return header

    def __getnewargs__(self):
        # Copies and pickles (the test outbox deep-copies every message) are built the same way.
        return (self.name, self.urls)

    def fold(self, *, policy):
        return f"{self.name}: " + f",{policy.linesep} ".join(self.entries) + policy.linesep


def prepared_headers(headers):
    """`headers` with every RFC 2369 header made a URLListHeader.

    Headers often come as plain strings ("<https://...>, <mailto:...>"), for example through the
    task queue's JSON, so they are turned into their folding form here, where every message is
    built, and not by each sender.
    """
    prepared = {}
    for name, value in (headers or {}).items():
        if name.lower() in URL_LIST_HEADERS and not isinstance(value, URLListHeader):
            value = URLListHeader(name, _ENTRY.findall(str(value)))
        prepared[name] = value
    return prepared


def list_unsubscribe_headers(url, *, mailto=""):
    """RFC 8058 one-click unsubscribe: the link a mail program POSTs to, and a mailto: beside it."""
    urls = [url]
    if mailto:
        urls.append(f"mailto:{mailto}?subject=unsubscribe")
    return {
        "List-Unsubscribe": URLListHeader("List-Unsubscribe", urls),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def deliverable(addresses):
    """These addresses less the suppressed ones, in their order."""
    addresses = list(addresses)
    if not addresses:
        return addresses
    suppressed = {
        email.lower()
        for email in SuppressedAddress.objects.matching(addresses).values_list("email", flat=True)
    }
    kept = [address for address in addresses if address.lower() not in suppressed]
    if len(kept) < len(addresses):
        logger.info("not sending to %d suppressed address(es)", len(addresses) - len(kept))
    return kept


def build_email(template, context, *, to, reply_to=None, headers=None, from_email=None):
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html`.

    A message whose every recipient is suppressed has no recipients, and sending it sends
    nothing (Django's send() returns 0)."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    # A newline in a subject would be a header injection; templates never intend one.
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=deliverable(to),
        reply_to=list(reply_to or []),
        headers=prepared_headers(headers),
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
