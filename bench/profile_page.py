"""Where one page's uncached render spends its time, in one process, with the page cache off.

    .venv/bin/python bench/profile_page.py [--url /path/?query] [--no-fragments]
                                           [--seconds 5] [--renders 100] [--top 25] [--explain]

Without --url it measures the published free article with the most comments (`make bench`
gives one 50). It reads the database in DATABASE_URL and the cache in CACHE_URL (local memory
when unset) and writes nothing. It prints:

1. requests per second of the page, and of a bare view returning the same bytes through the
   same settings and middleware, both driven through Django's WSGI handler in this process,
   back to back (no gunicorn, no network, no wrk), so the ratio compares like with like;
2. a cProfile of `--renders` renders: the `--top` costliest functions by their own time and by
   cumulative time;
3. every SQL query of one render (after a warm-up, so what the cache keeps is kept) with its
   duration, and with `--explain` the slowest one's EXPLAIN (ANALYZE, BUFFERS).

`--no-fragments` turns the kept pieces off too (FRAGMENT_CACHE_ENABLED=false): the page built
from the database each time.
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
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# Production mode, as `make serve` runs, but with what a local, plain-HTTP process needs.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "profile-page-only-not-a-real-secret-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ["PAGE_CACHE_ENABLED"] = "false"
if "--no-fragments" in sys.argv:
    # Read once, when the settings load: it has to be in the environment before django.setup().
    os.environ["FRAGMENT_CACHE_ENABLED"] = "false"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from articles.models import Article  # noqa: E402


def say(message):
    print(f"profile_page: {message}", flush=True)


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
        parts = urlsplit(url)
        environ = self.factory._base_environ(
            PATH_INFO=parts.path, REQUEST_METHOD="GET", QUERY_STRING=parts.query
        )
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


def profile(driver, url, renders, top):
    # Warm again first: leaving the bare view's URLconf cleared Django's URL caches, and
    # rebuilding them (every admin pattern) is a one-off, not part of a render.
    for _ in range(3):
        driver.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(renders):
        driver.get(url)
    profiler.disable()
    for order, title in (("tottime", "own time"), ("cumulative", "cumulative time")):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n--- cProfile of {renders} renders, top {top} by {title} ---")
        # pstats' header (call counts and the ordering) then the table; its blank lines dropped.
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


class QueryClock:
    """A database execute wrapper that times each query to the microsecond (Django's own
    record of queries rounds to the millisecond) and keeps its SQL and parameters."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            # The statement as PostgreSQL ran it, parameters in place, for reading.
            shown = connection.ops.last_executed_query(context["cursor"], sql, params)
            self.queries.append({"sql": sql, "params": params, "shown": shown, "ms": elapsed})


def print_queries(queries):
    print(f"\n--- SQL of one render: {len(queries)} queries ---")
    for number, query in enumerate(queries, 1):
        print(f"{number:3}. {query['ms']:8.2f} ms  {query['shown']}")
    total = sum(query["ms"] for query in queries)
    print(f"     {total:8.2f} ms in all")
    return total


def explain(query):
    """EXPLAIN ANALYZE of a timed SELECT: it runs the query again, so never anything else."""
    sql = query["sql"]
    if sql.lstrip(" \t\r\n(").split(None, 1)[0].upper() not in {"SELECT", "WITH"}:
        print(f"\n--- the slowest query is not a SELECT; not run again: {sql[:200]}")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", query["params"])
        plan = [row[0] for row in cursor.fetchall()]
    print(f"\n--- EXPLAIN (ANALYZE, BUFFERS) of the slowest query ({query['ms']:.2f} ms in the render) ---")
    print("\n".join(plan))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="the page to measure (path and query string); default: the article")
    parser.add_argument(
        "--no-fragments", action="store_true", help="keep no pieces either (FRAGMENT_CACHE_ENABLED=false)"
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each rate measurement")
    parser.add_argument("--renders", type=int, default=100, help="renders under cProfile")
    parser.add_argument("--top", type=int, default=25, help="functions listed per cProfile ordering")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) the slowest query of the render"
    )
    options = parser.parse_args()

    if options.url:
        url, label = options.url, options.url
    else:
        article = most_discussed_article()
        if article is None:
            raise SystemExit("profile_page: no published article; run `make seed` first")
        url = article.get_absolute_url()
        label = f"article {article.pk} with {article.comment_total} comments"
    driver = Driver()
    status, body = driver.get(url)
    if not status.startswith("200"):
        raise SystemExit(f"profile_page: {url} answered {status}")
    clock = QueryClock()
    with connection.execute_wrapper(clock):
        driver.get(url)
    queries = clock.queries
    kept = "nothing kept" if options.no_fragments else "pieces kept"
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    say(f"measuring {label} ({len(body):,} bytes, {len(queries)} queries), page cache off, {kept}, {cache}")

    say(f"renders for {options.seconds:g} s...")
    page_rate, page_cpu = rate(driver, url, options.seconds)
    say(f"bare view returning the same bytes for {options.seconds:g} s...")
    with override_settings(ROOT_URLCONF=bare_urlconf(body)):
        bare_rate, bare_cpu = rate(driver, "/bare/", options.seconds)

    say(f"profiling {options.renders} renders...")
    profile(driver, url, options.renders, options.top)
    sql_ms = print_queries(queries)
    if options.explain and queries:
        explain(max(queries, key=lambda query: query["ms"]))

    print()
    print(f"Page: {label}, page cache off, {kept}, cache {cache}.")
    print(
        f"Renders: {page_rate:,.1f} req/s ({1000 / page_rate:.2f} ms each, {page_cpu:.2f} ms of it this "
        f"process's CPU; {len(queries)} queries, {sql_ms:.2f} ms of SQL in the captured render)."
    )
    print(
        f"Bare view, same bytes, settings and middleware: {bare_rate:,.1f} req/s "
        f"({1000 / bare_rate:.2f} ms each, {bare_cpu:.2f} ms CPU)."
    )
    print(
        f"Summary: one process rendered the page {page_rate:,.1f} times a second against {bare_rate:,.1f} "
        f"for the bare view, a ratio of {page_rate / bare_rate:.3f} (the targets are measured by "
        "`make bench` through gunicorn and wrk; on a busy machine both figures drop)."
    )


if __name__ == "__main__":
    main()
