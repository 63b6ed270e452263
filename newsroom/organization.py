"""The publication as schema.org describes it: a NewsMediaOrganization with its logo and the
addresses of its policies. The home page gives it whole, and every article names it as its
publisher, so search engines find the policies wherever they start reading.

Read from the kept site settings and policy list (fragments.kept), so it costs no query once
the cache is warm; a saved policy page or site setting moves the site generation.
"""

from django.conf import settings
from django.templatetags.static import static

from newsroom.lib.urls import absolute_url
from newsroom.models import PolicyPage, SiteSettings


def organization_data():
    furniture = SiteSettings.current()
    data = {
        "@type": "NewsMediaOrganization",
        "name": furniture.publisher_name or settings.SITE_NAME,
        "url": absolute_url("/"),
        "logo": {"@type": "ImageObject", "url": absolute_url(static("img/favicon.svg"))},
    }
    for kind, _title, path in PolicyPage.cached_links():
        data[PolicyPage.SCHEMA_PROPERTIES[kind]] = absolute_url(path)
    return data


def organization_block():
    """The organisation as a page's own JSON-LD block."""
    return {"@context": "https://schema.org", **organization_data()}
