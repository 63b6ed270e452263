"""HTML sanitising through an allow-list (nh3, the Rust ammonia library).

Every stored article body passes through `clean_body_html`, whatever wrote it: the admin
editor, a feed import or a script. What is not on the list is removed: no script or style
element, no event attribute, no iframe (video comes only from the article's video field),
links only to http, https and mailto addresses, and images only from our own media: the site's
CSP would stop another site's image on our pages, but feeds and emails carry bodies too, and
there a picture from elsewhere tells its owner who read what (a tracking pixel).
"""

import html
import re
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.core.files.storage import default_storage

from newsroom.lib.text import xml_safe

BODY_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "strong", "em", "b", "i",
    "s", "sub", "sup", "code", "pre", "a", "figure", "figcaption", "img", "table", "thead",
    "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def media_url_bases():
    """Where our media is linked from: the media storage's own address for its files (MEDIA_URL,
    or the bucket's or its CDN's), and, when that is a path, the same path on SITE_URL."""
    base = default_storage.url("x").removesuffix("x")
    if urlsplit(base).scheme:
        return [base]
    return [base, settings.SITE_URL.rstrip("/") + base]


def is_our_media_url(url):
    """Whether `url` is exactly one of our media files' addresses, as media_url_bases gives."""
    # Browsers skip whitespace and control characters in a URL and read a backslash as a slash,
    # so a value with any of them could mean another address than the one we read; ours have
    # none.
    if re.search(r"[\s\x00-\x1f\x7f\\]", url):
        return False
    parts = urlsplit(url)
    # A path that climbs out of the media folder ("/media/../admin/") is not media, however
    # its dots are written.
    if ".." in unquote(parts.path).split("/"):
        return False
    for base in media_url_bases():
        expected = urlsplit(base)
        if (
            parts.scheme.lower() == expected.scheme.lower()
            and parts.netloc.lower() == expected.netloc.lower()
            and parts.path.startswith(expected.path)
        ):
            return True
    return False


def _only_our_images(element, attribute, value):
    if element == "img" and attribute == "src" and not is_our_media_url(value):
        return None
    return value


_body_cleaner = nh3.Cleaner(
    tags=BODY_TAGS,
    attributes=BODY_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener",
    strip_comments=True,
    attribute_filter=_only_our_images,
)
# An image whose source was taken away shows nothing but a broken-image mark: it goes too. (nh3
# writes every attribute value in double quotes, with quotes and angle brackets escaped.)
_IMAGE_WITHOUT_SOURCE = re.compile(r'<img(?![^>]*\ssrc=")[^>]*>')


def clean_body_html(html):
    """Return `html` with everything outside the allow-list removed."""
    if not html:
        return ""
    # Without the characters XML forbids first: nh3 cannot even read a lone surrogate.
    cleaned = _IMAGE_WITHOUT_SOURCE.sub("", _body_cleaner.clean(xml_safe(html))).strip()
    # The editor always leaves one empty paragraph in an empty document.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def plain_text(fragment):
    """Text of an HTML fragment with every tag removed and entities decoded, for summaries,
    search snippets and plain-text emails. Templates escape it again when they show it."""
    return html.unescape(nh3.clean(xml_safe(fragment or ""), tags=set())).strip()
