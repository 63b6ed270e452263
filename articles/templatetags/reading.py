"""Template tags for the reader pages: the section navigation, bylines, responsive images,
JSON-LD blocks and the sponsored-link marking of bodies."""

import json
import logging
import re
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.models import Section
from newsroom.lib import fragments
from newsroom.lib.urls import absolute_url

register = template.Library()
logger = logging.getLogger(__name__)


def navigation_sections():
    """Every section in navigation order, kept under the site generation."""
    return fragments.kept("nav-sections", lambda: list(Section.objects.select_related("sponsor")))


@register.simple_tag
def section_navigation():
    return navigation_sections()


# The public address of a path on this site, for canonical links and sharing.
register.simple_tag(absolute_url, name="absolute_url")


# Bylines ------------------------------------------------------------------------------------


def byline_parts(bylines):
    """[(byline, separator after it)] so that the names read as a sentence.

    Two people: “A, Role, and B, Role”; more than two with roles: “A, Role; B, Role; and C,
    Role” (semicolons keep the roles with their people); without roles, plain commas.
    """
    bylines = list(bylines)
    with_roles = any(byline.display_role for byline in bylines)
    count = len(bylines)
    parts = []
    for index, byline in enumerate(bylines):
        remaining = count - index - 1
        if remaining == 0:
            separator = ""
        elif remaining == 1:
            if count == 2:
                separator = ", and " if with_roles else " and "
            else:
                separator = "; and " if with_roles else ", and "
        else:
            separator = "; " if with_roles else ", "
        parts.append((byline, separator))
    return parts


@register.simple_tag
def byline(article, prefix="Written by", link=True):
    """The one byline, on article pages and cards alike.

    Built here rather than in a template of its own: an inclusion tag makes a context and
    renders a template for every card, and was a third of a listing card's rendering.
    """
    parts = byline_parts(article.bylines.all())
    if not parts:
        return ""
    # Each name and role is escaped where it is made and the separators are plain text, so the
    # pieces are joined as they are; format_html_join formatted and escape-checked each piece
    # again, a quarter of the byline's time on a listing.
    names = mark_safe(
        "".join(f"{_byline_name(line, link)}{_byline_role(line)}{separator}" for line, separator in parts)
    )
    if prefix:
        return format_html('<p class="byline">{} {}</p>', prefix, names)
    return format_html('<p class="byline">{}</p>', names)


def _byline_name(byline, link):
    if link:
        return format_html(
            '<a href="{}" class="byline__author">{}</a>', byline.author.get_absolute_url(), byline.author.name
        )
    return format_html('<span class="byline__author">{}</span>', byline.author.name)


def _byline_role(byline):
    role = byline.display_role
    return format_html(', <span class="byline__role">{}</span>', role) if role else ""


# Images -------------------------------------------------------------------------------------

DEFAULT_WIDTHS = (480, 800, 1200)


def renditions(image, widths=DEFAULT_WIDTHS, crop=None):
    """Resized copies of an uploaded image, smallest first; never the original file.

    sorl-thumbnail makes each copy once and remembers it; an unreadable upload gives no
    renditions, and the page shows no image rather than failing.
    """
    if not image:
        return []
    from sorl.thumbnail import get_thumbnail

    made = []
    seen = set()
    for width in widths:
        geometry = f"{width}x{round(width * crop)}" if crop else f"{width}"
        try:
            thumb = get_thumbnail(image, geometry, upscale=False, quality=82, crop="center" if crop else None)
        except Exception:
            logger.exception("Could not make a %s rendition of %s", geometry, image.name)
            return []
        if thumb.width in seen:
            break
        seen.add(thumb.width)
        made.append(thumb)
    return made


@register.simple_tag
def responsive_image(image, alt, sizes="100vw", widths="480 800 1200", css_class="", loading="lazy", crop=""):
    copies = renditions(image, [int(width) for width in widths.split()], float(crop) if crop else None)
    if not copies:
        return ""
    default = copies[min(1, len(copies) - 1)]
    srcset = ", ".join(f"{copy.url} {copy.width}w" for copy in copies)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}" '
        'loading="{}" decoding="async">',
        default.url,
        srcset,
        sizes,
        default.width,
        default.height,
        alt,
        css_class,
        loading,
    )


@register.simple_tag
def image_rendition(image, geometry):
    """One resized copy (for a logo or a portrait), or None."""
    if not image:
        return None
    from sorl.thumbnail import get_thumbnail

    try:
        return get_thumbnail(image, geometry, upscale=False, quality=85)
    except Exception:
        logger.exception("Could not make a %s rendition of %s", geometry, image.name)
        return None


# Structured data ----------------------------------------------------------------------------

# What must not appear raw inside a <script> element, escaped the way json_script does.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_text(data):
    """`data` as the text of a JSON-LD block, made safe inside <script>: for pages that keep
    it, since serialising is the costly part of {% json_ld %}."""
    return JsonLdText(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE))


class JsonLdText(str):
    """The text json_ld_text made, which {% json_ld %} takes as it is."""


@register.simple_tag(takes_context=True)
def json_ld(context, data):
    """A JSON-LD data block, from data or from its json_ld_text. Browsers never run it, but it
    carries the CSP nonce anyway so a stricter policy later does not silently drop it; the
    nonce is the request's, so the block is made here even when its text is kept."""
    if not data:
        return ""
    payload = data if isinstance(data, JsonLdText) else json_ld_text(data)
    nonce = context.get("csp_nonce", "")
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>', str(nonce), mark_safe(payload)
    )


# Bodies -------------------------------------------------------------------------------------

_LINK_TAG = re.compile(r"<a\s([^>]*)>")
_HREF = re.compile(r'\bhref="([^"]*)"')
_REL = re.compile(r'\s*\brel="[^"]*"')


def _is_outbound(href):
    parts = urlsplit(href.replace("&amp;", "&"))
    if parts.scheme not in {"http", "https"}:
        return False
    return parts.hostname != urlsplit(settings.SITE_URL).hostname


@register.filter
def sponsored_links(body_html):
    """Mark outbound links in a sponsored body with rel="sponsored", as search engines ask.

    The body is already sanitised (articles.models.Article.save runs nh3), which quotes every
    attribute and escapes '>' inside values, so a tag-level pattern is reliable here.
    """

    def mark(match):
        attributes = match.group(1)
        href = _HREF.search(attributes)
        if not href or not _is_outbound(href.group(1)):
            return match.group(0)
        attributes = _REL.sub("", attributes)
        return f'<a {attributes} rel="sponsored noopener">'

    return mark_safe(_LINK_TAG.sub(mark, str(body_html or "")))


@register.simple_tag
def share_links(article, absolute):
    """Plain links to share an article: no third-party script, image or request."""
    from urllib.parse import quote

    title = quote(article.headline)
    url = quote(absolute, safe="")
    links = [
        (f"mailto:?subject={title}&body={url}", "Email"),
        (f"https://x.com/intent/post?text={title}&url={url}", "X"),
        (f"https://www.facebook.com/sharer/sharer.php?u={url}", "Facebook"),
        (f"https://www.linkedin.com/sharing/share-offsite/?url={url}", "LinkedIn"),
        (f"https://wa.me/?text={title}%20{url}", "WhatsApp"),
    ]
    return format_html_join("\n", '<li><a href="{}" rel="noopener noreferrer">{}</a></li>', links)
