import errno
import logging
import sys

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from newsroom import rights
from newsroom.models import PolicyPage, SiteSettings

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Liveness and readiness for load balancers: 200 when every part answers, 503 naming
    the part that does not."""
    checks = {"database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("healthz: database unreachable: %s", error)
        checks["database"] = "unreachable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@cache_control(public=True, max_age=3600)
@require_safe
def robots_txt(request):
    furniture = SiteSettings.current()
    lines = [
        # AI crawlers named in the admin first: a crawler obeys the group naming it, not "*".
        *rights.robots_groups(furniture),
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /preview/",
        "Disallow: /gift/",
        "Disallow: /api/",
        "Disallow: /search/",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('articles:sitemap-index')}",
        f"Sitemap: {settings.SITE_URL}{reverse('articles:news-sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@cache_control(public=True, max_age=3600)
@require_safe
def tdmrep_json(request):
    """Whether our text and data mining rights are reserved, for the whole site (W3C TDMRep)."""
    return JsonResponse(rights.tdm_rules(SiteSettings.current()), safe=False)


@require_safe
def policy_page(request, kind):
    """One of the publisher's policies at /about/<kind>/: the same for every reader, so the
    page cache keeps it until the site generation moves (its admin announces every save)."""
    page = get_object_or_404(PolicyPage, kind=kind)
    return render(request, "newsroom/policy_page.html", {"policy": page})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


# How long a reader is asked to wait before trying again when the database is unavailable:
# a restart or fail-over takes seconds, not minutes.
UNAVAILABLE_RETRY_AFTER_SECONDS = 10


def server_error(request):
    """The error page, chosen by what went wrong: a database that cannot answer (down,
    restarting, or a statement cut off by its timeout) is a 503 the reader can retry and a
    proxy may answer from its stale copy; a full disk is a 507 that says nothing was saved.
    No context processors that touch the database: the database may be why we are here."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
        return response
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return HttpResponse(render_to_string("507.html"), status=507)
    return HttpResponse(render_to_string("500.html"), status=500)
