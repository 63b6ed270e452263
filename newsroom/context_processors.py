from django.conf import settings
from django.utils.functional import SimpleLazyObject

from newsroom.models import SiteSettings


def site(request):
    """Site identity and furniture for every template: the header, the footer and titles.

    The furniture is lazy: a page that never shows the footer (an error page, a feed) never
    reads it, and a page that does reads it from the cache.
    """

    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "site_url": settings.SITE_URL,
        "site_furniture": SimpleLazyObject(SiteSettings.cached),
    }
