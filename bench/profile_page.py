"""How fast one process renders the article page with the most comments, without the page cache,
against a bare view returning the same bytes through the same settings and middleware.

    .venv/bin/python bench/profile_article.py [--seconds 5] [--profile] [--url /path/]

Both are driven through Django's WSGI handler in this process, back to back, so the ratio
compares like with like on whatever machine runs it (no gunicorn, no network, no wrk). It
reads the development database and writes nothing: it measures the published free article
with the most comments (`make bench` gives one 50). `--profile` adds a cProfile of the
article renders, the 30 costliest functions by their own time and by cumulative time.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# Production mode, as `make serve` runs, but with what a local, plain-HTTP process needs.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "profile-article-only-not-a-real-secret-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ["PAGE_CACHE_ENABLED"] = "false"

import django

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from articles.models import Article  # noqa: E402


def say(message):
    print(f"profile_article: {message}", flush=True)


def most_discussed_article():
    return (
        Article.objects.published()
        .filter(is_premium=False)
        .exclude(section=None)
        .annotate(comment_total=Count("reader_comments"))
        .order_by("-comment_total", "-publish_at")
        .first()
    )


class Driver:
    """Calls the WSGI handler as gunicorn would, and reads the whole body."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.factory = RequestFactory()

    def get(self, url):
        environ = self.factory._base_environ(PATH_INFO=url, REQUEST_METHOD="GET", QUERY_STRING="")
        status_line = []

        def start_response(status, headers, exc_info=None):
            status_line.append(status)

        body = b"".join(self.handler(environ, start_response))
        return status_line[0], body


def rate(driver, url, seconds):
    """(requests per second, this process's CPU milliseconds per request) over `seconds` of
    back-to-back requests, after a short warm-up. The CPU figure leaves out the database's
    own time and most of what other processes on a busy machine take from this one."""
    for _ in range(5):
        driver.get(url)
    count = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        status, _ = driver.get(url)
        assert status.startswith("200"), status
        count += 1
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return count / elapsed, cpu * 1000 / count


def bare_urlconf(body):
    def same_bytes(request):
        return HttpResponse(body, content_type="text/html; charset=utf-8")

    module = types.ModuleType("bare_urls")
    module.urlpatterns = [path("bare/", same_bytes)]
    return module


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measurement")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the renders")
    parser.add_argument("--url", help="measure this page instead of the most discussed article")
    options = parser.parse_args()

    if options.url:
        url, label = options.url, options.url
    else:
        article = most_discussed_article()
        if article is None:
            raise SystemExit("profile_article: no published article; run `make seed` first")
        url = article.get_absolute_url()
        label = f"article {article.pk} with {article.comment_total} comments"
    driver = Driver()
    status, body = driver.get(url)
    if not status.startswith("200"):
        raise SystemExit(f"profile_article: {url} answered {status}")
    with CaptureQueriesContext(connection) as captured:
        driver.get(url)
    queries = len(captured.captured_queries)
    say(f"measuring {label}: {url} ({len(body):,} bytes, {queries} queries)")

    say(f"uncached renders for {options.seconds:g} s...")
    article_rate, article_cpu = rate(driver, url, options.seconds)
    say(f"bare view returning the same bytes for {options.seconds:g} s...")
    with override_settings(ROOT_URLCONF=bare_urlconf(body)):
        bare_rate, bare_cpu = rate(driver, "/bare/", options.seconds)

    if options.profile:
        say("profiling 200 renders...")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(200):
            driver.get(url)
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(30)
            print(out.getvalue())

    print()
    print(f"Page: {label}, {queries} queries per render.")
    print(
        f"Uncached renders: {article_rate:,.1f} req/s ({1000 / article_rate:.2f} ms each, "
        f"{article_cpu:.2f} ms of it this process's CPU)."
    )
    print(
        f"Bare view, same bytes and middleware: {bare_rate:,.1f} req/s ({1000 / bare_rate:.2f} ms each, "
        f"{bare_cpu:.2f} ms CPU)."
    )
    print(
        f"Summary: one process rendered the page {article_rate:,.1f} times a second against "
        f"{bare_rate:,.1f} for the bare view, a ratio of {article_rate / bare_rate:.3f} "
        "(the issue's target for the article is 0.15, measured there through gunicorn and wrk; "
        "on a busy machine both figures drop, re-run on a quiet one)."
    )


if __name__ == "__main__":
    main()
