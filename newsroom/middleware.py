"""Site-wide middleware of our own."""

from newsroom.lib import pagecache
from newsroom.lib.cache import site_generation


class AnonymousPageCacheMiddleware:
    """Serve anonymous readers' pages from the cache; mark every page's HTTP cacheability.

    Sits outside the session, CSRF, auth and CSP middleware: a hit is answered before any of
    them runs (so it never touches the session), and a stored page keeps the CSP header that
    matches the nonce in its bytes. The rules are in newsroom/lib/pagecache.py.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        shared = pagecache.enabled() and pagecache.request_is_cacheable(request)
        if shared:
            cached = pagecache.lookup(request)
            if cached is not None:
                return cached
            # Read before the view runs: an event during rendering must not be hidden by it.
            generation = site_generation()
        response = self.get_response(request)
        if shared and pagecache.response_is_shareable(response):
            pagecache.store(request, response, generation)
        elif request.method in pagecache.SAFE_METHODS and (
            pagecache.is_personal_request(request) or pagecache.response_is_personal(response)
        ):
            pagecache.mark_private(response)
        return response
