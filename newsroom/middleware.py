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
            # Read before the view runs: an event during rendering must not be hidden by it.
            # None when the cache is unreachable: the page is then rendered and not kept.
            generation = site_generation()
            shared = generation is not None
        if shared:
            pagecache.drop_tracking_parameters(request)
            try:
                cached = pagecache.lookup(request, generation)
            except Exception as error:
                pagecache.log_unavailable(request, error)
                cached, shared = None, False
            if cached is not None:
                return cached
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
