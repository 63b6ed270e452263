"""The page cache for anonymous readers: which requests and responses may be shared, under
what key, for how long, and the HTTP headers that let nginx and a CDN keep them too.

The middleware (newsroom/middleware.py) is the only caller. A shared page is the same bytes
for every anonymous reader, so it is kept only when nothing about the request or the response
ties it to one reader: no session cookie on the way in, no cookie, no `Vary: Cookie` and no
private or no-store Cache-Control on the way out.

Keys carry the site generation (newsroom/lib/generations.py), so publishing, editing,
withdrawing, or editing a section or author drops every page at once (newsroom/changes.py
moves the numbers). An article page also records its article's generation, moved by comments,
and is dropped when that moves. What the clock changes (a scheduled publish or withdrawal, the
date in the masthead) is handled by never letting an entry live past the next such moment.

A hit costs at most one round trip to Redis: the site generation, the page stored under it
and the article's generation are read by one server-side script (newsroom/lib/rediscache.py),
and none when this process holds copies of all three (newsroom/lib/nearcache.py: Redis says
when they change). With Redis down or slow the page is rendered and not stored, and the
backend logs why.
"""

import hashlib
import logging
import math
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from articles.models import Article
from newsroom.lib.generations import ARTICLE_KEY, SITE_KEY, article_generation, site_generation
from newsroom.lib.rediscache import UNAVAILABLE

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
# How long the next scheduled publish or withdrawal time is trusted before it is asked again;
# a newly scheduled article bumps the site generation, which is part of this key too.
NEXT_CHANGE_SECONDS = 60
NEXT_CHANGE_KEY = "pagecache:next-change:{}"
NO_CHANGE = "none"

# Set on the request by the article view (mark_article_page): (article id, its generation
# when the view read the article), so comments added since make the entry stale.
ARTICLE_ATTRIBUTE = "page_cache_article"
# Set for premium articles: a piece of the text's end, which the teaser never reaches. A page
# that holds it holds the full text, and is never stored, whatever the template did.
PREMIUM_ATTRIBUTE = "page_cache_premium_marker"
PREMIUM_MARKER_LENGTH = 60
# Set by a view whose page changes by itself at a moment it knows (expire_by).
EXPIRES_BY_ATTRIBUTE = "page_cache_expires_by"

# Query parameters that say where a reader came from, never what the page shows: campaign
# tags and the click ids ad networks and mail tools add. deploy/nginx/newsroom.conf names the
# same ones, to send such requests past its own cache to this one.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset(
    ["fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
     "igshid", "li_fat_id", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ref_src",
     "srsltid"]
)  # fmt: skip
VARIANTS_KEY = "pagecache:variants:{generation}:{path}"


def cache():
    # The cache that holds the generation numbers too: a hit reads both in one call.
    return caches["default"]


def enabled():
    return settings.PAGE_CACHE_ENABLED


def mark_article_page(request, article):
    """Called by the article view: this page shows `article`, so its comments invalidate it.

    The generation is read before the page is rendered: a comment approved while it renders
    then makes this copy stale instead of hiding behind the newer number."""
    setattr(request, ARTICLE_ATTRIBUTE, (article.pk, article_generation(article.pk)))
    if article.is_premium:
        setattr(request, PREMIUM_ATTRIBUTE, premium_marker(article.body))


def expire_by(request, moment):
    """Called by a view whose page changes at `moment` with no event to say so (the news
    sitemap, when its oldest entry ages out): the page is not kept past it."""
    setattr(request, EXPIRES_BY_ATTRIBUTE, moment)


def premium_marker(body):
    return body.strip()[-PREMIUM_MARKER_LENGTH:]


def holds_premium_text(request, response):
    marker = getattr(request, PREMIUM_ATTRIBUTE, "")
    return bool(marker) and marker.encode() in response.content


# Requests -------------------------------------------------------------------------------------


def is_personal_request(request):
    """A request that carries a session (or other reader-specific cookie or credentials)."""
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    return any(name in request.COOKIES for name in settings.PAGE_CACHE_BYPASS_COOKIES)


def request_is_cacheable(request):
    if request.method not in SAFE_METHODS:
        return False
    if request.path_info.startswith(tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)):
        return False
    return not is_personal_request(request)


def is_tracking_parameter(name):
    name = name.lower()
    return name.startswith(TRACKING_PREFIXES) or name in TRACKING_PARAMETERS


def drop_tracking_parameters(request):
    """Take tracking parameters off a shared request before the view sees it.

    They never change the page, but a page may echo its query string (search keeps it in its
    pagination links): rendered without them, the page is the same for every campaign, so one
    cached copy serves all, and no visitor's made-up value is shown to the next. Names are
    compared decoded and in any case, so ?UTM_Source= or ?%75tm_source= are dropped too."""
    if not request.META.get("QUERY_STRING"):
        return
    # Too many fields raise here as in the view, and Django answers 400 either way.
    sent = request.GET
    kept = QueryDict(mutable=True)
    for name, values in sent.lists():
        if not is_tracking_parameter(name):
            kept.setlist(name, values)
    if len(kept) == len(sent):
        return  # nothing to drop: the query string stays byte for byte as sent
    request.META["QUERY_STRING"] = kept.urlencode()
    request.GET = QueryDict(request.META["QUERY_STRING"])


def _page_key_around_generation(request):
    # The full path, query string included, hashed so any length of URL makes a valid key.
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return "page:", f":{request.method}:{digest}"


def page_key(request, generation):
    before, after = _page_key_around_generation(request)
    return f"{before}{generation}{after}"


def may_keep_variant(request, generation):
    """Whether a page with a query string may be kept: each path has at most
    PAGE_CACHE_VARIANTS_PER_PATH of them stored per generation and PAGE_CACHE_SECONDS.

    Query strings are the sender's to invent (?x=1, ?x=2, ...): without a cap each made one
    more entry, and enough of them pushed everything else out of the cache. Over the cap the
    page is still served, only not kept. The page without a query string is always kept."""
    if not request.META.get("QUERY_STRING"):
        return True
    digest = hashlib.sha256(request.path.encode()).hexdigest()
    key = VARIANTS_KEY.format(generation=generation, path=digest)
    cache().add(key, 0, settings.PAGE_CACHE_SECONDS)
    return cache().incr(key) <= settings.PAGE_CACHE_VARIANTS_PER_PATH


# Responses ------------------------------------------------------------------------------------


def _cache_control_directives(response):
    header = response.get("Cache-Control", "")
    return {part.strip().split("=")[0].lower() for part in header.split(",") if part.strip()}


def response_is_personal(response):
    """A response that sets a cookie or whose bytes depend on the reader's cookies."""
    return bool(response.cookies) or "cookie" in response.get("Vary", "").lower()


def response_is_shareable(response):
    """True when the response holds nothing that belongs to one reader."""
    if response.status_code != 200 or response.streaming or response_is_personal(response):
        return False
    return not _cache_control_directives(response) & {"private", "no-store", "no-cache"}


def next_scheduled_change(now):
    """The next moment a scheduled publish or withdrawal changes what readers see, or None.

    Cached briefly per site generation so a hot page does not ask each time.
    """
    key = NEXT_CHANGE_KEY.format(site_generation())
    stored = cache().get(key)
    if stored is not None and (stored == NO_CHANGE or stored > now):
        return None if stored == NO_CHANGE else stored
    moment = Article.objects.next_scheduled_change(now)
    cache().set(key, moment or NO_CHANGE, NEXT_CHANGE_SECONDS)
    return moment


def next_local_midnight(now):
    # Every page's masthead shows today's date.
    local = timezone.localtime(now)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    return timezone.make_aware(tomorrow, local.tzinfo)


def lifetime(now):
    """Seconds a page rendered now may be kept: the configured lifetime, cut short by the
    next scheduled publish or withdrawal and by midnight. Whole seconds, rounded down."""
    limits = [now + timedelta(seconds=settings.PAGE_CACHE_SECONDS), next_local_midnight(now)]
    change = next_scheduled_change(now)
    if change is not None:
        limits.append(change)
    return max(math.floor((min(limits) - now).total_seconds()), 0)


def http_lifetimes(seconds):
    """(max-age, s-maxage) for a page with `seconds` left: browsers and proxies cannot be told
    when a generation moves, so their copies are kept short and never outlive ours."""
    return (
        min(settings.PAGE_CACHE_HTTP_MAX_AGE, seconds),
        min(settings.PAGE_CACHE_HTTP_S_MAXAGE, seconds),
    )


def cache_control(seconds):
    """The Cache-Control of a shared page with `seconds` left: browsers and proxies keep it
    briefly (http_lifetimes), and may serve it stale while they revalidate or on errors."""
    max_age, s_maxage = http_lifetimes(seconds)
    return (
        f"public, max-age={max_age}, s-maxage={s_maxage}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}, "
        f"stale-if-error={settings.PAGE_CACHE_STALE_IF_ERROR}"
    )


def set_etag(response):
    """An ETag from the response's bytes, as Django's set_response_etag makes it but with
    SHA-1 rather than MD5, which this machine's CPU hashes in hardware: 19 µs for a 35 KB page
    against 48. A validator, not a signature: any good spread of values would do."""
    if not response.streaming and response.content:
        digest = hashlib.sha1(response.content, usedforsecurity=False).hexdigest()
        response.headers["ETag"] = quote_etag(digest)


def mark_public(response, seconds):
    # Replaces whatever public lifetime a view chose (sitemaps ask for an hour): no copy may
    # outlive the next scheduled change.
    response["Cache-Control"] = cache_control(seconds)


def mark_private(response):
    """Pages for one reader: no shared cache and no browser history cache may keep them."""
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True, no_store=True)


# Entries --------------------------------------------------------------------------------------


def log_unavailable(request, error):
    """The cache refused or timed out: the page is served uncached, and the log says so."""
    logger.error(
        "page cache unavailable, %s served uncached: %s: %s", request.path, type(error).__name__, error
    )


def _read(request):
    """(site generation, entry, article generation): by one script call on Redis, by separate
    reads on another backend (local memory in development). UNAVAILABLE if Redis was not."""
    before, after = _page_key_around_generation(request)
    store = cache()
    if hasattr(store, "read_page"):
        return store.read_page(SITE_KEY, before, after, ARTICLE_KEY.format(""))
    generation = store.get(SITE_KEY)
    entry = None if generation is None else store.get(f"{before}{generation}{after}")
    article_gen = None
    if entry is not None and entry["article_id"] is not None:
        article_gen = store.get(ARTICLE_KEY.format(entry["article_id"]))
    return generation, entry, article_gen


def lookup(request):
    """(site generation, stored response): the response with its headers brought up to date
    (or a 304 when the reader's copy is current), or None on a miss. The generation is the one
    a page rendered now is stored under, or None when the cache cannot be used (the page is
    then rendered and not kept)."""
    answer = _read(request)
    if answer is UNAVAILABLE:
        return None, None
    generation, entry, article_gen = answer
    if generation is None:
        # The first page since the cache was emptied: settle the number (two processes agree).
        return site_generation(), None
    now = time.time()
    if entry is None or entry["expires"] <= now:
        return generation, None
    if entry["article_id"] is not None and article_gen != entry["article_generation"]:
        return generation, None
    response = HttpResponse(entry["content"], headers=entry["headers"])
    response["Cache-Control"] = cache_control(max(math.floor(entry["expires"] - now), 0))
    response["X-Page-Cache"] = "hit"
    # The entry keeps its ETag and Last-Modified: a reader holding this copy gets a 304.
    response = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )
    return generation, response


def store(request, response, generation):
    """Keep the response if it may be shared; mark its HTTP headers either way."""
    if holds_premium_text(request, response):
        logger.error("Premium full text on an anonymous page, not cached: %s", request.path)
        mark_private(response)
        return
    now = timezone.now()
    seconds = lifetime(now)
    expires_by = getattr(request, EXPIRES_BY_ATTRIBUTE, None)
    if expires_by is not None:
        seconds = max(min(seconds, math.floor((expires_by - now).total_seconds())), 0)
    mark_public(response, seconds)
    # The render time is when this copy's content was last known to change: a reader's
    # If-Modified-Since then gets a 304 until an event or the clock replaces the entry.
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(now.timestamp())
    # One chunk: a feed is written piece by piece, and a server sends each piece on its own.
    response.content = response.content
    if not response.has_header("ETag"):
        set_etag(response)
    article_id, article_gen = getattr(request, ARTICLE_ATTRIBUTE, (None, None))
    if seconds < 1 or (article_id is not None and article_gen is None):
        # Too short to be worth keeping, or the article's generation could not be read.
        response["X-Page-Cache"] = "miss"
        return
    if not may_keep_variant(request, generation):
        response["X-Page-Cache"] = "miss"
        return
    key = page_key(request, generation)
    # The bytes and headers, not the response object: a hit builds its response from them,
    # which costs less than unpickling one, and writes its own Cache-Control.
    entry = {
        "content": response.content,
        "headers": [(name, value) for name, value in response.items() if name != "Cache-Control"],
        "etag": response["ETag"],
        "last_modified": parse_http_date_safe(response["Last-Modified"]),
        "expires": now.timestamp() + seconds,
        "article_id": article_id,
        "article_generation": article_gen,
    }
    response["X-Page-Cache"] = "miss"
    if article_id is None:
        cache().set(key, entry, seconds)
    else:
        # The id beside the page lets a hit read the article's generation in the same call.
        cache().set_many({key: entry, f"{key}:article": article_id}, seconds)
