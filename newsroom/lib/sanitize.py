"""HTML sanitising through an allow-list (nh3, the Rust ammonia library).

Every stored article body passes through `clean_body_html`, whatever wrote it: the admin
editor, a feed import or a script. What is not on the list is removed: no script or style
element, no event attribute, no iframe (video comes only from the article's video field), and
links only to http, https and mailto addresses.
"""

import html

import nh3

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

_body_cleaner = nh3.Cleaner(
    tags=BODY_TAGS,
    attributes=BODY_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener",
    strip_comments=True,
)


def clean_body_html(html):
    """Return `html` with everything outside the allow-list removed."""
    if not html:
        return ""
    cleaned = _body_cleaner.clean(html).strip()
    # The editor always leaves one empty paragraph in an empty document.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def plain_text(fragment):
    """Text of an HTML fragment with every tag removed and entities decoded, for summaries,
    search snippets and plain-text emails. Templates escape it again when they show it."""
    return html.unescape(nh3.clean(fragment or "", tags=set())).strip()
