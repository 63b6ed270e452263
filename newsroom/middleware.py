"""Site-wide middleware of our own."""

from django.db import DatabaseError
from django.http import HttpResponseBadRequest
from django.middleware import http

from newsroom import rights
from newsroom.lib import generations, pagecache
from newsroom.models import SiteSettings


class AnonymousPageCacheMiddleware:
    """Serve anonymous readers' pages from the cache; mark every page's HTTP cacheability.

    Sits outside the session, CSRF, auth and CSP middleware: a hit is answered before any of
    them runs (so it never touches the session), and a stored page keeps the CSP header that
    matches the nonce in its bytes. The rules are in newsroom/lib/pagecache.py.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with generations.one_reading_per_request():
            return self.respond(request)

    def respond(self, request):
        shared = pagecache.enabled() and pagecache.request_is_cacheable(request)
        if shared:
            pagecache.drop_tracking_parameters(request)
            # The generation is read before the view runs: an event during rendering must not
            # be hidden by it. None when the cache cannot be used: the page is rendered and
            # not kept.
            try:
                generation, cached = pagecache.lookup(request)
            except Exception as error:
                pagecache.log_unavailable(request, error)
                generation, cached = None, None
            if cached is not None:
                return cached
            generations.read_for_this_request(generation)
            shared = generation is not None
        response = self.get_response(request)
        if shared and pagecache.response_is_shareable(response):
            try:
                pagecache.store(request, response, generation)
            except Exception as error:
                pagecache.log_unavailable(request, error)
        elif request.method in pagecache.SAFE_METHODS and (
            pagecache.is_personal_request(request) or pagecache.response_is_personal(response)
        ):
            pagecache.mark_private(response)
        return response


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's 304s for rendered pages, with the ETag made by pagecache.set_etag (SHA-1,
    hashed in hardware) instead of MD5: on a page built from kept pieces, hashing its bytes was
    a tenth of the work."""

    def process_response(self, request, response):
        if request.method == "GET" and self.needs_etag(response) and not response.has_header("ETag"):
            pagecache.set_etag(response)
        return super().process_response(request, response)


class RefuseNullCharacterMiddleware:
    """Answer 400 to an address with a NUL character (%00) in its path or query string.

    PostgreSQL cannot hold a NUL in text, not even in a value it only compares with: a search
    box, an admin filter or a slug with one failed in the database, a 500, wherever a view used
    the value. No real link holds one, so one refusal here covers every page, present and
    future. Other control characters are harmless in a query (PostgreSQL takes them), and a
    query string's broken UTF-8 (a lone surrogate) already reaches views as U+FFFD.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "This address contains a null character (%00), which no page of this site can read. "
                "Check the link and try again.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class RightsReservationMiddleware:
    """Say on every page whether our text and data mining rights are reserved (W3C TDMRep's
    `tdm-reservation` header; newsroom/rights.py). Inside the page cache, so a cached page keeps
    the header it was rendered with; changing the setting moves the site generation. Not on the
    admin's pages: they are not ours to license, and need not read the settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Pages with content only: an error page (the database down, say) must not fail again
        # here for want of the settings.
        if response.status_code != 200 or request.path.startswith("/admin/"):
            return response
        if response.get("Content-Type", "").startswith("text/html"):
            try:
                furniture = SiteSettings.current()
            except DatabaseError:
                return response
            for header, value in rights.tdm_headers(furniture).items():
                response.headers.setdefault(header, value)
        return response
