"""Reading a fetched feed into the fields we import, with feedparser.

Each item becomes a FeedItem holding exactly what an article takes from it, already cleaned,
and a checksum over those fields: a known item whose checksum is unchanged needs no update.
"""

import datetime
import hashlib
import html
import io
import json
import re
import xml.sax
from dataclasses import asdict, dataclass, field

import feedparser
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator

from articles.models import Article
from newsroom.lib.sanitize import clean_body_html, plain_text
from newsroom.lib.text import xml_safe, xml_safe_values


class FeedError(Exception):
    """The fetched document is not a feed we can read; the message says why."""


class ItemInvalid(Exception):
    """One item cannot be imported; the message says why."""


@dataclass
class FeedItem:
    guid: str
    headline: str
    standfirst: str = ""
    body: str = ""
    original_url: str = ""
    published_at: datetime.datetime | None = None
    author_names: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image_url: str = ""
    image_credit: str = ""

    def __post_init__(self):
        # A partner's `&#1;` is well-formed in their feed (an entity) but forbidden in ours:
        # nothing XML 1.0 forbids is kept from an item (newsroom/lib/text.py).
        for name, value in asdict(self).items():
            setattr(self, name, xml_safe_values(value))

    @property
    def checksum(self):
        fields = asdict(self)
        fields["published_at"] = self.published_at.isoformat() if self.published_at else ""
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def parse_feed(content, *, url, content_type):
    """The feed's entries, or FeedError when the document is not a readable feed."""
    # A BytesIO, never bytes: feedparser treats a bytes or str argument that names a file or a
    # URL as something to open or fetch itself, which a hostile feed body must not trigger.
    # Its own HTML sanitiser is off: bodies go through our allow-list (clean_body_html), the one
    # every body passes, and relative links are still resolved against the feed's address.
    try:
        parsed = feedparser.parse(
            io.BytesIO(content),
            response_headers={"content-type": content_type or "application/xml", "content-location": url},
            sanitize_html=False,
            resolve_relative_uris=True,
        )
    except UnicodeEncodeError:
        # feedparser's forgiving parser fails on a reference to half a surrogate pair (&#xD800;).
        raise FeedError(
            "The feed is not well-formed XML: it refers to a character that does not exist."
        ) from None
    error = parsed.get("bozo_exception")
    if not parsed.get("version"):
        if "html" in content_type.lower() or re.match(rb"\s*(<!doctype html|<html)", content[:500], re.I):
            raise FeedError("The address returned a web page (HTML), not an RSS or Atom feed.")
        if isinstance(error, xml.sax.SAXParseException):
            raise FeedError(f"The feed is not well-formed XML: {_describe(error)}.")
        raise FeedError("The address did not return an RSS or Atom feed.")
    if isinstance(error, xml.sax.SAXParseException):
        # feedparser would read on with a forgiving parser and guess; a partner's broken feed
        # is better reported than half-imported.
        raise FeedError(f"The feed is not well-formed XML: {_describe(error)}.")
    return parsed.entries


def _describe(error):
    return f"{error.getMessage()} at line {error.getLineNumber()}, column {error.getColumnNumber()}"


def _one_line(text, limit):
    # Without the forbidden characters first, so a title of nothing else counts as no title.
    text = re.sub(r"\s+", " ", xml_safe(plain_text(text))).strip()
    return Truncator(text).chars(limit) if len(text) > limit else text


def _web_address(value, limit=500):
    value = (value or "").strip()
    if value.lower().startswith(("http://", "https://")) and len(value) <= limit:
        return value
    return ""


def _as_html(detail):
    """HTML for a feedparser text construct, escaping it when the feed says it is plain text."""
    value = detail.get("value", "") or ""
    is_html = "html" in (detail.get("type") or "text/html")
    if is_html and "<" in value:
        return value
    # Plain text, or "HTML" with no tag in it: paragraphs of escaped text.
    text = html.unescape(value) if is_html else value
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(f"<p>{escape(part)}</p>" for part in paragraphs)


def _unique(names):
    seen, kept = set(), []
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def _published_at(entry):
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    when = datetime.datetime(*parsed[:6], tzinfo=datetime.UTC)
    # A partner's clock running ahead must not schedule the article for later.
    return min(when, timezone.now().replace(microsecond=0))


def _author_names(entry):
    """Names from the item's author fields (Atom author, RSS author, dc:creator).

    RSS gives `author` as "email (Name)", and feedparser's address pattern stops at four-letter
    domain endings, leaving a torn name ("ple (Ada") for longer ones; the raw field is read
    again here. Bare addresses are dropped: a byline is not the place for them.
    """
    raw = entry.get("author") or ""
    emailed = re.fullmatch(r"\s*[^\s@]+@[^\s@]+\s*\((.+)\)\s*", raw)
    names = []
    for author in entry.get("authors", []):
        name = author.get("name") or ""
        if emailed and name and name in raw:
            name = emailed[1]
        if name and "@" not in name:
            names.append(name)
    return names


def _image(entry):
    """The item's picture: an image enclosure, else media:content, else media:thumbnail."""
    for enclosure in entry.get("enclosures", []):
        if (enclosure.get("type") or "").startswith("image/") and _web_address(enclosure.get("href")):
            return enclosure["href"].strip()
    for media in entry.get("media_content", []):
        is_image = media.get("medium") == "image" or (media.get("type") or "").startswith("image/")
        if is_image and _web_address(media.get("url")):
            return media["url"].strip()
    for thumbnail in entry.get("media_thumbnail", []):
        if _web_address(thumbnail.get("url")):
            return thumbnail["url"].strip()
    return ""


def item_from_entry(entry):
    """A FeedItem from one feedparser entry, or ItemInvalid saying why it cannot be imported."""
    headline_limit = Article._meta.get_field("headline").max_length
    headline = _one_line(entry.get("title", ""), headline_limit)
    original_url = _web_address(entry.get("link"), Article._meta.get_field("original_url").max_length)
    guid = (entry.get("id") or "").strip() or original_url
    if not guid:
        raise ItemInvalid("The item has neither a GUID nor a link, so a later run could not recognise it.")
    if len(guid) > Article._meta.get_field("syndication_guid").max_length:
        guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
    if not headline:
        raise ItemInvalid("The item has no title.")

    summary = entry.get("summary", "")
    detail = entry.get("summary_detail") or {}
    # feedparser lets a media:description overwrite summary_detail but not summary, so its
    # declared type is trusted only while the two agree.
    summary_type = detail.get("type") if detail.get("value") == summary else "text/html"
    summary_html = _as_html({"value": summary, "type": summary_type})
    full_content = [part for part in entry.get("content", []) if part.get("value")]
    # Partners whose feeds carry only a summary still get a body (publishing needs one); the
    # article links to the original for the rest.
    body_html = _as_html(full_content[0]) if full_content else summary_html
    standfirst_limit = Article._meta.get_field("standfirst").max_length
    standfirst = Truncator(re.sub(r"\s+", " ", plain_text(summary_html))).chars(standfirst_limit)

    author_names = _unique(_one_line(name, 120) for name in _author_names(entry))
    tags = _unique(_one_line(tag.get("label") or tag.get("term") or "", 100) for tag in entry.get("tags", []))
    credits = [credit.get("content", "") for credit in entry.get("media_credit", [])]

    return FeedItem(
        guid=guid,
        headline=headline,
        standfirst=standfirst,
        body=clean_body_html(body_html),
        original_url=original_url,
        published_at=_published_at(entry),
        author_names=author_names,
        tags=tags,
        image_url=_image(entry),
        image_credit=_one_line(credits[0], 150) if credits else "",
    )
