"""Template tags for the reader pages: the section navigation, article cards, bylines,
responsive images, JSON-LD blocks and the sponsored-link marking of bodies."""

import html
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
from newsroom.lib.timestamps import date_element
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


# Cards --------------------------------------------------------------------------------------


@register.simple_tag
def article_card(
    article, heading_level=2, show_section=False, image=False, image_loading="lazy", lead=False, compact=False
):
    """An article in a listing (read with ArticleQuerySet.for_listing): its picture when
    `image`, its section as a kicker when `show_section`, the headline as an h2 or an h3, the
    standfirst unless `compact`, the byline, the date and its labels.

    Built here rather than in a template: a listing shows up to forty, and the template engine
    spent about 140 µs on each, a third of a home page built with nothing kept (issue 20).
    Every value a person typed goes through _escape().
    """
    parts = [f'<article class="card{" card--compact" if compact else ""}">']
    if image and article.featured_image:
        picture = responsive_image(
            article.featured_image,
            article.image_alt,
            sizes="(min-width: 60rem) 40rem, 100vw",
            css_class="card__img",
            loading=image_loading or "lazy",
            crop="0.5625",
        )
        parts.append(f'<div class="card__image">{picture}</div>')
    parts.append('<div class="card__text">')
    section = article.section if show_section and article.section_id else None
    if section:
        section_link = f'<a href="{_escape(section.get_absolute_url())}">{_escape(section.name)}</a>'
        parts.append(f'<p class="kicker">{section_link}</p>')
    if heading_level == 2:
        heading, css = "h2", "card__headline card__headline--lead" if lead else "card__headline"
    else:
        heading, css = "h3", "card__headline"
    parts.append(
        f'<{heading} class="{css}"><a href="{_escape(article.get_absolute_url())}">'
        f"{_escape(article.headline)}</a></{heading}>"
    )
    if article.standfirst and not compact:
        parts.append(f'<p class="card__standfirst">{_escape(article.standfirst)}</p>')
    parts.append(byline(article, prefix=""))
    parts.append(f'<p class="card__meta">{date_element(article.publish_at)}')
    if article.shows_type_label:
        parts.append(
            f'<span class="label label--type label--{_escape(article.type_of_work)}">'
            f"{_escape(str(article.get_type_of_work_display()))}</span>"
        )
    if article.is_premium:
        parts.append('<span class="label label--premium">Subscribers</span>')
    sponsor = article.effective_sponsor
    if sponsor:
        parts.append(f'<span class="label label--sponsored">Sponsored by {_escape(sponsor.name)}</span>')
    if article.source_id:
        parts.append(f'<span class="card__source">From {_escape(article.source.name)}</span>')
    parts.append("</p></div></article>")
    # The pieces are joined with newlines, as the words of a template are: the labels stay
    # apart by a space.
    return mark_safe("\n".join(parts))


# Bylines ------------------------------------------------------------------------------------


def byline_parts(credits):
    """[(credit, separator after it)] so that the names read as a sentence.

    Two people: “A, Role, and B, Role”; more than two with roles: “A, Role; B, Role; and C,
    Role” (semicolons keep the roles with their people); without roles, plain commas.
    """
    with_roles = any(credit.role for credit in credits)
    count = len(credits)
    parts = []
    for index, credit in enumerate(credits):
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
        parts.append((credit, separator))
    return parts


@register.simple_tag
def byline(article, prefix="Written by", link=True):
    """The one byline, on article pages and cards alike.

    Built here rather than in a template of its own: an inclusion tag makes a context and
    renders a template for every card, and was a third of a listing card's rendering.
    """
    parts = byline_parts(article.credits())
    if not parts:
        return ""
    # Each name and role is escaped where it is made and the separators are plain text, so the
    # pieces are joined as they are; format_html_join formatted and escape-checked each piece
    # again, a quarter of the byline's time on a listing.
    names = mark_safe(
        "".join(
            f"{_byline_name(credit, link)}{_byline_role(credit)}{separator}" for credit, separator in parts
        )
    )
    if prefix:
        return format_html('<p class="byline">{} {}</p>', prefix, names)
    return format_html('<p class="byline">{}</p>', names)


def _byline_name(credit, link):
    if link:
        address = _escape(credit.get_absolute_url())
        return f'<a href="{address}" class="byline__author">{_escape(credit.name)}</a>'
    return f'<span class="byline__author">{_escape(credit.name)}</span>'


def _byline_role(credit):
    return f', <span class="byline__role">{_escape(credit.role)}</span>' if credit.role else ""


def _escape(text):
    """What django.utils.html.escape does to a string, without its check for lazy arguments,
    which cost as much as the escaping on a listing's hundreds of values. For str only."""
    return html.escape(text)


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
