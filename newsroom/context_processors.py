from django.conf import settings


def site(request):
    """Site identity for every template: the header, the footer and the page titles."""
    return {"site_name": settings.SITE_NAME, "site_tagline": settings.SITE_TAGLINE}
