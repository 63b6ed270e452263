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


# ninjs (IPTC News in JSON) --------------------------------------------------------------------
#
# A partner may send ninjs instead of RSS or Atom. Each ninjs object becomes the same FeedItem
# an RSS entry does, through the same cleaning (clean_body_html, _one_line), so the rules for
# hostile markup and the dedupe by GUID and checksum are the ones above. Versions 1.x to 3.x
# are read: 3.x names fields in camelCase (embargoedUntil, firstCreated), older ones in lower
# case (embargoed, firstcreated); where they differ both are tried.
#
# Embargo: an item embargoed until a later time is imported with that time as its publish
# time. Published at once (Source.import_mode), it is scheduled, and the one definition of
# what readers see (Article.objects.published) keeps it hidden until then; as a draft, the
# editor who publishes it schedules it by the same time. An embargo we cannot read is never
# guessed at: the item is skipped with the reason in the import log, and the others go on.

JSON_START = re.compile(rb"\s*[\[{]")
HTML_TYPES = ("text/html", "application/xhtml+xml")
NOT_TEXT_TYPES = {"audio", "video", "picture", "graphic", "event", "planning"}


def looks_like_json(content, content_type):
    if "json" in (content_type or "").lower():
        return True
    return bool(JSON_START.match(content.removeprefix(b"\xef\xbb\xbf")[:100]))


def parse_ninjs(content):
    """The ninjs objects in a JSON document: one object, a list of them, or an object holding
    them under "items" (our own feed's shape) or "associations" (a ninjs package)."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedError("The JSON feed is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise FeedError(
            f"The JSON feed is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("items", "associations"):
            if isinstance(document.get(key), list):
                return document[key]
        if "uri" in document:
            return [document]
    raise FeedError(
        "The JSON document holds no ninjs items: expected a ninjs object, a list of them, "
        "or an object with its items under “items”."
    )


def ninjs_label(entry):
    """(GUID, title) for the import log, from an object that may not be a valid item."""
    if not isinstance(entry, dict):
        return "", ""
    uri = entry.get("uri") if isinstance(entry.get("uri"), str) else ""
    return uri, _first_value(entry.get("headlines")) or _text(entry.get("headline"))


def _text(value):
    return value if isinstance(value, str) else ""


def _field(entry, name):
    """A field by its ninjs 3.x name, or by the lower-case name of versions 1 and 2."""
    return entry.get(name, entry.get(name.lower()))


def _objects(value):
    return [part for part in value if isinstance(part, dict)] if isinstance(value, list) else []


def _first_value(parts, *, roles=()):
    """The value of the first part with one of `roles` (any part without roles given)."""
    parts = _objects(parts)
    preferred = [part for part in parts if part.get("role") in roles] if roles else []
    for part in preferred or parts:
        if _text(part.get("value")).strip():
            return part["value"]
    return ""


def _ninjs_time(entry, name):
    """An aware datetime from an ISO 8601 field; None when absent; ValueError when unreadable."""
    value = _field(entry, name)
    if value in (None, ""):
        return None
    when = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    if when is None or timezone.is_naive(when):
        raise ValueError("not a date and time with a time zone")
    return when.astimezone(datetime.UTC)


def _embargo(entry):
    name = "embargoedUntil" if "embargoedUntil" in entry else "embargoed"
    try:
        return _ninjs_time(entry, name)
    except ValueError:
        value = _field(entry, name)
        shown = value if isinstance(value, str) else json.dumps(value)
        raise ItemInvalid(
            f"Its embargo date “{shown[:60]}” is not a date and time with a time zone (such as "
            "2026-03-03T09:30:00Z), so it was not imported: it must not appear before its embargo."
        ) from None


def _ninjs_published_at(entry):
    for name in ("firstCreated", "versionCreated"):
        try:
            when = _ninjs_time(entry, name)
        except ValueError:
            continue  # a creation time we cannot read costs only the date, as in RSS
        if when is not None:
            return min(when, timezone.now().replace(microsecond=0))
    return None


def _ninjs_body(entry):
    bodies = _objects(entry.get("bodies"))
    if not bodies and _text(entry.get("body_html")):  # ninjs 1.x
        bodies = [{"contentType": "text/html", "value": entry["body_html"]}]
    if not bodies and _text(entry.get("body_text")):
        bodies = [{"contentType": "text/plain", "value": entry["body_text"]}]
    html_bodies = [part for part in bodies if _text(part.get("contentType")).lower().startswith(HTML_TYPES)]
    for part in html_bodies + bodies:
        if _text(part.get("value")).strip():
            is_html = part in html_bodies
            return _as_html({"value": part["value"], "type": "text/html" if is_html else "text/plain"})
    return ""


def _ninjs_summary(entry):
    """The summary as HTML: a description is taken as HTML unless it says it is plain text,
    as RSS descriptions are (escaped plain text, cleaned markup: never markup that runs)."""
    descriptions = _objects(entry.get("descriptions"))
    if not descriptions and _text(entry.get("description_text")):  # ninjs 1.x
        descriptions = [{"contentType": "text/plain", "value": entry["description_text"]}]
    preferred = [part for part in descriptions if part.get("role") in ("summary", "description")]
    for part in preferred or descriptions:
        if _text(part.get("value")).strip():
            return _as_html({"value": part["value"], "type": _text(part.get("contentType")) or "text/html"})
    return ""


def _ninjs_authors(entry):
    people = _objects(entry.get("people"))
    names = [
        _text(person.get("name"))
        for person in people
        if not person.get("rel")
        or "author" in _text(person.get("rel"))
        or "creator" in _text(person.get("rel"))
    ]
    names = [name for name in names if name.strip() and "@" not in name]
    if names:
        return names
    by = re.sub(r"^\s*by\s+", "", _text(entry.get("by")), flags=re.I)
    return [by] if by.strip() and "@" not in by else []


def _ninjs_original_url(entry):
    limit = Article._meta.get_field("original_url").max_length
    for link in _objects(entry.get("links")):  # ninjs 2.x
        if link.get("rel") in ("canonical", "self", "alternate") and _web_address(link.get("href"), limit):
            return link["href"].strip()
    for alt_id in _objects(entry.get("altIds")):
        if _web_address(alt_id.get("value"), limit):
            return alt_id["value"].strip()
    return ""


def _ninjs_image(entry):
    renditions = _objects(entry.get("renditions"))
    for association in _objects(entry.get("associations")):
        if association.get("type") == "picture":
            renditions += _objects(association.get("renditions"))
    if isinstance(entry.get("renditions"), dict):  # ninjs 1.x: renditions by name
        renditions += _objects(list(entry["renditions"].values()))
    for rendition in renditions:
        is_image = _text(rendition.get("contentType") or rendition.get("mimetype")).startswith("image/")
        if is_image and _web_address(rendition.get("href")):
            return rendition["href"].strip()
    return ""


def item_from_ninjs(entry):
    """A FeedItem from one ninjs object, or ItemInvalid saying why it cannot be imported."""
    if not isinstance(entry, dict):
        raise ItemInvalid("The item is not a JSON object.")
    guid = _text(entry.get("uri")).strip()
    if not guid:
        raise ItemInvalid("The item has no uri, so a later run could not recognise it.")
    if len(guid) > Article._meta.get_field("syndication_guid").max_length:
        guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
    status = _field(entry, "pubStatus")
    if status in ("withheld", "canceled"):
        raise ItemInvalid(f"The partner marked the item “{status}”: it is not for publication.")
    if entry.get("type") in NOT_TEXT_TYPES:
        raise ItemInvalid(f"Only text items are imported; this one is of type “{entry['type']}”.")
    headline_limit = Article._meta.get_field("headline").max_length
    headline = _one_line(
        _first_value(entry.get("headlines"), roles=("main",)) or _text(entry.get("headline")), headline_limit
    )
    if not headline:
        raise ItemInvalid("The item has no headline.")
    embargo = _embargo(entry)

    summary_html = _ninjs_summary(entry)
    body_html = _ninjs_body(entry) or summary_html
    standfirst_limit = Article._meta.get_field("standfirst").max_length
    standfirst = Truncator(re.sub(r"\s+", " ", plain_text(summary_html))).chars(standfirst_limit)

    published_at = _ninjs_published_at(entry)
    if embargo is not None and embargo > timezone.now():
        published_at = embargo
    image_url = _ninjs_image(entry)
    subjects = [
        _text(subject.get("name")) or _text(subject.get("literal"))
        for subject in _objects(entry.get("subjects"))
    ]
    return FeedItem(
        guid=guid,
        headline=headline,
        standfirst=standfirst,
        body=clean_body_html(body_html),
        original_url=_ninjs_original_url(entry),
        published_at=published_at,
        author_names=_unique(_one_line(name, 120) for name in _ninjs_authors(entry)),
        tags=_unique(_one_line(name, 100) for name in subjects),
        image_url=image_url,
        image_credit=_one_line(_text(entry.get("copyrightHolder")), 150) if image_url else "",
    )
