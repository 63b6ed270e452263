"""Comment text is plain text: nothing a reader types is interpreted as HTML.

`render_comment_text` escapes everything first, then adds the only markup we allow: paragraphs
and line breaks where the reader put them, and links for web addresses. Only http and https
addresses become links, so a `javascript:` address stays inert text.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

LINK_REL = "nofollow ugc noopener"
# Matched on escaped text: an address ends at whitespace or at an escaped quote or bracket.
_ADDRESS = re.compile(r"\bhttps?://(?:(?!&(?:quot|lt|gt|#x27);)\S)+", re.IGNORECASE)
# Punctuation that usually closes the sentence rather than belonging to the address.
_TRAILING = ".,;:!?)]}"
_LINK_COUNT = re.compile(r"\bhttps?://|\bwww\.", re.IGNORECASE)


def count_links(text):
    return len(_LINK_COUNT.findall(text or ""))


def _linkify(escaped_line):
    def link(match):
        address = match.group(0)
        tail = ""
        while address and address[-1] in _TRAILING:
            tail = address[-1] + tail
            address = address[:-1]
        # &amp; and friends at the end belong to the sentence, not the address.
        while address.endswith(("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;")):
            cut = address.rindex("&")
            tail = address[cut:] + tail
            address = address[:cut]
        if "://" not in address or address.endswith("://"):
            return match.group(0)
        return f'<a href="{address}" rel="{LINK_REL}">{address}</a>{tail}'

    return _ADDRESS.sub(link, escaped_line)


def render_comment_text(text):
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    html = []
    for paragraph in paragraphs:
        if not paragraph.strip():
            continue
        lines = [_linkify(escape(line)) for line in paragraph.split("\n")]
        html.append("<p>" + "<br>".join(lines) + "</p>")
    # Safe: every character of the reader's text went through escape() above.
    return mark_safe("\n".join(html))
