"""Addresses of our pages: absolute ones for what leaves the site (emails, feeds, structured
data, pings), and the paths a listing links to many times over, without a reverse() per link.

reverse() checks the arguments against every candidate pattern and quotes the result; on a
listing that links each card to its article, section and authors that was a fifth of the
card's rendering. The pattern of a view is the same for every object, so it is reversed once
(per URLconf and script prefix) with numbered placeholders, and each address is then the
pattern with the object's values put in.
"""

import functools
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Numbers pass every converter the site uses for these views (slug, str, int, id) and are
# never quoted, so each comes out of reverse() as it went in, ready to be replaced.
_PLACEHOLDER_BASE = 7_354_000_000


@functools.cache
def _path_format(view_name, names, urlconf, script_prefix):
    placeholders = {name: _PLACEHOLDER_BASE + index for index, name in enumerate(names)}
    path = reverse(view_name, urlconf=urlconf, kwargs=placeholders)
    # reverse() quotes braces, so the only fields in the format are the placeholders' own.
    for name, value in placeholders.items():
        path = path.replace(str(value), "{" + name + "}")
    return path


def reversed_path(view_name, **kwargs):
    """reverse(view_name, kwargs=kwargs) for values that are slugs, numbers and dates. Each
    value is percent-encoded as reverse() would, so a slug saved without validation still
    makes a working link that cannot break out of its place in the path."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    values = {name: quote(str(value), safe="") for name, value in kwargs.items()}
    return _path_format(view_name, tuple(kwargs), urlconf, get_script_prefix()).format(**values)


def absolute_url(path):
    """The public address of a path on this site, built from SITE_URL (never from a request's
    Host header: emails, feeds and tasks are made without a request, and a Host header is
    whatever the client sent). An address that already names its scheme comes back as it is;
    an empty one stays empty."""
    if not path:
        return ""
    if urlsplit(path).scheme:
        return path
    return settings.SITE_URL + path
