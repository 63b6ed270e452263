"""Telling a WebSub hub that our feeds changed, so subscribers hear of a new article at once
instead of at their next poll (W3C WebSub, "publishing" section).

The feeds name the hub (<atom:link rel="hub">, articles/feeds.py); newsroom/changes.py, which
hears every change readers see, asks the articles app which feeds list the article
(articles/purging.py: article_feed_urls) and calls `ping_after_commit`. Once the transaction
commits a background job POSTs hub.mode=publish with each feed's address to the hub, with a
short timeout. A hub that is down or refuses costs one warning in the log and a retry later
(newsroom/lib/jobs.py): never the editor's save, which has committed long before.

With WEBSUB_HUB_URL empty nothing is computed or queued.
"""

import logging
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from procrastinate.contrib.django import app

from newsroom.lib.jobs import RETRY_WITH_BACK_OFF
from newsroom.lib.urls import absolute_url

logger = logging.getLogger(__name__)

USER_AGENT = "Newsroom-WebSub/1"


class HubUnavailable(Exception):
    """The hub could not be reached or did not accept the ping."""


def enabled():
    return bool(settings.WEBSUB_HUB_URL)


def ping_after_commit(feed_paths):
    """Queue a ping for these feeds (site paths or absolute URLs) once the transaction commits."""
    if not enabled() or not feed_paths:
        return
    # In the order given (the site's feeds first), each once, and a bounded number of them.
    urls = list(dict.fromkeys(absolute_url(path) for path in feed_paths))[
        : settings.WEBSUB_MAX_FEEDS_PER_PING
    ]
    transaction.on_commit(lambda: ping_hub.defer(feed_urls=urls))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A hub that redirects a POST is misconfigured; following it would send the ping elsewhere.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def ping(hub, feed_urls):
    """POST hub.mode=publish for `feed_urls` to `hub`; HubUnavailable when it fails.

    One request names every feed (hub.url repeated), as most hubs accept; it keeps a busy news
    day to one request per change."""
    if urlsplit(hub).scheme not in {"http", "https"}:
        raise HubUnavailable(f"WEBSUB_HUB_URL must be an http or https address, not {hub!r}.")
    data = urlencode([("hub.mode", "publish"), *(("hub.url", url) for url in feed_urls)]).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        hub,
        data=data,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.build_opener(_NoRedirects).open(
            request, timeout=settings.WEBSUB_TIMEOUT_SECONDS
        ) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise HubUnavailable(f"the hub answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise HubUnavailable(f"the hub could not be reached ({reason})") from None
    if not 200 <= status < 300:
        raise HubUnavailable(f"the hub answered {status}")


@app.task(retry=RETRY_WITH_BACK_OFF)
def ping_hub(feed_urls):
    """Tell the hub these feeds changed. A second ping for the same feeds only makes the hub
    fetch them again, so a retry does no harm."""
    if not enabled():
        return
    try:
        ping(settings.WEBSUB_HUB_URL, feed_urls)
    except HubUnavailable as error:
        logger.warning(
            "WebSub hub %s was not told about %d changed feed(s), will retry: %s",
            settings.WEBSUB_HUB_URL,
            len(feed_urls),
            error,
        )
        raise
    logger.info("WebSub hub %s told about %d changed feed(s)", settings.WEBSUB_HUB_URL, len(feed_urls))
