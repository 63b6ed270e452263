from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from newsroom.lib import pagecache
from newsroom.lib.generations import site_generation
from newsroom.models import PolicyPage, SiteSettings


def fragment_seconds():
    """How long base.html's {% cache %} blocks keep the masthead and footer: as long as a page
    may be kept (never past midnight, whose date the masthead shows), or 0 (not kept)."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        return 0
    return pagecache.lifetime(timezone.now())


def site(request):
    """Site identity and furniture for every template: the header, the footer and titles.

    The furniture is lazy: a page that never shows the footer (an error page, a feed) never
    reads it, and a page that does reads it from the cache. The masthead and footer are the
    same for every reader and are kept whole under the site generation (templates/base.html);
    the two functions are called only when a page renders them.
    """

    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "site_url": settings.SITE_URL,
        # The store where the magazine and PDF reports are sold ("View store" in the footer).
        "store_url": settings.STORE_URL,
        "site_furniture": SimpleLazyObject(SiteSettings.current),
        # The footer's "How we work" links, read only when the footer is rendered.
        "site_policies": SimpleLazyObject(PolicyPage.cached_links),
        "at_home": request.path == "/",
        "site_generation": site_generation,
        # Asked by the masthead and the footer: worked out once for the page.
        "fragment_seconds": cache(fragment_seconds),
    }
