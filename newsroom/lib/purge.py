"""Dropping pages from caches we do not own: nginx's proxy cache, a CDN.

Our own page cache is dropped by generation numbers, but a proxy or a CDN keeps its copies
until their s-maxage runs out unless it is told which URLs changed. newsroom/changes.py, which
hears every change, asks the articles app which URLs show what changed (articles/purging.py)
and calls `purge_after_commit`; once the transaction commits, a background task hands the list
to the purger that settings.CDN_PURGER names, and retries with back-off if the purger fails.
With no purger configured nothing is queued at all.

A purger is a class built with no arguments (it reads its settings) whose `purge(urls)` takes
absolute URLs and raises on failure. Two come with the project:

- `NginxPurger`, for deploy/nginx: stock nginx has no purge command, so it asks each nginx's
  refresh listener (deploy/nginx/newsroom-purge.conf) for the URL with a secret token; that
  listener always goes to the app and stores the answer in place of the old copy.
- `HttpApiPurger`, the form CDNs' purge APIs take: a POST of {"files": [urls]} with a bearer
  token, in batches.
"""

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import import_string
from procrastinate.contrib.django import app

from newsroom.lib.jobs import RETRY_WITH_BACK_OFF
from newsroom.lib.urls import absolute_url

logger = logging.getLogger(__name__)

USER_AGENT = "Newsroom-purger/1"
# The header deploy/nginx/newsroom-purge.conf checks; keep the two in step.
NGINX_PURGE_HEADER = "X-Newsroom-Purge-Token"


def enabled():
    return bool(settings.CDN_PURGER)


def purge_after_commit(paths):
    """Queue a purge of these site paths (or absolute URLs) once the transaction commits."""
    if not enabled() or not paths:
        return
    urls = sorted({absolute_url(path) for path in paths})
    transaction.on_commit(lambda: purge_urls.defer(urls=urls))


def get_purger():
    return import_string(settings.CDN_PURGER)()


@app.task(retry=RETRY_WITH_BACK_OFF)
def purge_urls(urls):
    """Tell the configured purger these URLs changed. Purging twice does no harm, so a retry
    after a half-done batch simply starts again."""
    if not enabled():
        return
    get_purger().purge(urls)
    logger.info("purged %d URLs through %s", len(urls), settings.CDN_PURGER)


def batches(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer to store (an old slug's address), not something to follow.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _http_endpoints(endpoints):
    for endpoint in endpoints:
        if urlsplit(endpoint).scheme not in ("http", "https"):
            raise ImproperlyConfigured(
                f"CDN_PURGE_ENDPOINTS must be http:// or https:// URLs, not {endpoint!r}."
            )
    return endpoints


def _opener():
    return urllib.request.build_opener(_NoRedirects)


class PurgeFailed(Exception):
    pass


class NginxPurger:
    """Refresh each URL through every nginx's refresh listener (CDN_PURGE_ENDPOINTS, such as
    http://10.0.0.5:8081): the request carries the page's public host and scheme, so nginx
    stores the fresh answer under the same key readers' requests use."""

    def __init__(self):
        self.endpoints = [endpoint.rstrip("/") for endpoint in _http_endpoints(settings.CDN_PURGE_ENDPOINTS)]
        self.token = settings.CDN_PURGE_TOKEN
        self.timeout = settings.CDN_PURGE_TIMEOUT_SECONDS
        if not self.endpoints or not self.token:
            raise ImproperlyConfigured(
                "The nginx purger needs CDN_PURGE_ENDPOINTS (each nginx's refresh listener) "
                "and CDN_PURGE_TOKEN (the token in deploy/nginx/newsroom-purge.conf)."
            )

    def purge(self, urls):
        failures = []
        for endpoint in self.endpoints:
            for url in urls:
                try:
                    self.refresh(endpoint, url)
                except (OSError, PurgeFailed) as error:
                    failures.append(f"{url} through {endpoint}: {error}")
        if failures:
            raise PurgeFailed(f"{len(failures)} refreshes failed; first: {failures[0]}")

    def refresh(self, endpoint, url):
        parts = urlsplit(url)
        target = endpoint + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = urllib.request.Request(  # noqa: S310 - http(s) endpoints, checked in __init__
            target,
            headers={
                "Host": parts.netloc,
                "X-Forwarded-Proto": parts.scheme,
                NGINX_PURGE_HEADER: self.token,
                "User-Agent": USER_AGENT,
            },
        )
        try:
            with _opener().open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            # 3xx (a redirect left by a slug change) and 404/410 (a withdrawn article) are the
            # fresh answers, stored in place of the old page; anything else is worth a retry.
            if not (300 <= error.code < 400 or error.code in (404, 410)):
                raise PurgeFailed(f"HTTP {error.code}") from None


class HttpApiPurger:
    """POST {"files": [absolute URLs]} with "Authorization: Bearer <token>" to the CDN's purge
    endpoint (the first of CDN_PURGE_ENDPOINTS), CDN_PURGE_BATCH_SIZE URLs a request. Any
    answer but 2xx fails the task, which is then retried."""

    def __init__(self):
        if not settings.CDN_PURGE_ENDPOINTS:
            raise ImproperlyConfigured("The HTTP purge API purger needs CDN_PURGE_ENDPOINTS (the API's URL).")
        self.endpoint = _http_endpoints(settings.CDN_PURGE_ENDPOINTS)[0]
        self.token = settings.CDN_PURGE_TOKEN
        self.timeout = settings.CDN_PURGE_TIMEOUT_SECONDS
        self.batch_size = max(settings.CDN_PURGE_BATCH_SIZE, 1)

    def purge(self, urls):
        for batch in batches(list(urls), self.batch_size):
            self.post(batch)

    def post(self, urls):
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - http(s) endpoint, checked in __init__
            self.endpoint, data=json.dumps({"files": urls}).encode(), headers=headers, method="POST"
        )
        try:
            with _opener().open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise PurgeFailed(f"the purge API answered HTTP {error.code} to {len(urls)} URLs") from None
