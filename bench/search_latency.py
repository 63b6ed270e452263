"""Search latency against the current database: p50 and p95 per query, by how common its words are.

    DEBUG=true .venv/bin/python bench/search_latency.py [--runs 20] [--warmup 2] [--json]
    DEBUG=true .venv/bin/python bench/search_latency.py --url http://127.0.0.1:8123

Runs the same code path as /search/ (articles.search.matching_articles, one page of results
with snippets, plus the result count) directly against the database named by the usual
settings, so the numbers are the database's work, not the test client's. Load bulk data
first, for example with `manage.py seed_demo --articles 100000`.

With --url, each search is instead a GET of the search page from a running server (serve it
with PAGE_CACHE_ENABLED=false, or the page cache answers every run after the first): the
reader's wait, page rendering and HTTP included. --warmup 0 --runs 1 times each query once,
as the first reader to ask for it after a restart finds it.
"""

import argparse
import json
import os
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.search import highlighted, matching_articles  # noqa: E402
from articles.views import SEARCH_PER_PAGE  # noqa: E402
from newsroom.lib.paginators import KnownCountPaginator  # noqa: E402

# (label, query): ordinary searches a reader types, words in a small share of articles, rare
# words, then words found in most articles.
QUERIES = [
    ("ordinary", "sewage spills"),
    ("ordinary", "hospital waiting lists"),
    ("ordinary", '"stop and search"'),
    ("ordinary", "council tax -Harbourton"),
    ("ordinary", "tram or bus"),
    ("ordinary", "teacher vacancies Northgate"),
    ("ordinary", "heat pump grants"),
    ("ordinary", "Brennan's Cross"),
    # In 0.07-0.6% of the 1,000,000-article demo archive (5,502 to 624 matches): too few
    # for the newest 300 to lie in the last weeks, too many to read all of them at once.
    ("mid", "68"),
    ("mid", "tanaka budget"),
    ("mid", "elif tenant"),
    ("mid", "harbourton drought"),
    ("mid", "97"),
    ("mid", "okafor drought"),
    ("rare", "zyxwvut"),
    # Common in news, but in the demo archive's vocabulary they match a few dozen articles.
    ("rare", "government"),
    ("rare", "the public"),
    ("common", "council"),
    ("common", "said"),
    ("common", "plan"),
]


def one_search(query_text):
    """What the search view does for page one: count, then a page of ranked rows with snippets."""
    matches = matching_articles(query_text)
    paginator = KnownCountPaginator(matches.articles, SEARCH_PER_PAGE, count=matches.count)
    page = paginator.page(1)
    rows = list(page.object_list)
    for article in rows:
        highlighted(article.snippet_text)
        article.credits()  # the byline, read with the row
    return paginator.count, len(rows)


def one_page(base_url, query_text):
    """A GET of the search page for page one, as a reader's browser sends it."""
    # The scheme is checked in main(): http or https only.
    with urllib.request.urlopen(f"{base_url.rstrip('/')}/search/?{urlencode({'q': query_text})}") as response:  # noqa: S310
        body = response.read()  # an error status raises HTTPError, which ends the run
    # Neither count is worth parsing out of the page; the in-process run reports them.
    return "-", body.count(b'class="card"')


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs per query first (default 2)")
    parser.add_argument(
        "--json", action="store_true", help="end with one line of JSON: p50/p95 per kind (for bench/run.py)"
    )
    parser.add_argument("--url", help="time the search page of the server at this address instead, over HTTP")
    options = parser.parse_args()
    if options.url and not options.url.startswith(("http://", "https://")):
        parser.error(f"--url takes an http:// or https:// address, not {options.url!r}")
    search = partial(one_page, options.url) if options.url else one_search

    total = Article.objects.published().count()
    print(f"Database {connection.settings_dict['NAME']}: {total:,} published articles.")
    if options.url:
        print(f"Timing GET {options.url.rstrip('/')}/search/?q=... (the server must use that database).")
    if total == 0:
        print("Nothing to search: load data first (manage.py seed_demo --articles 100000).")
        return 1

    rows = []
    all_samples = {"ordinary": [], "mid": [], "common": [], "rare": []}
    for number, (kind, query_text) in enumerate(QUERIES, start=1):
        print(f"[{number}/{len(QUERIES)}] {kind:8} {query_text!r} ...", end=" ", flush=True)
        for _ in range(options.warmup):
            search(query_text)
        samples = []
        for _ in range(options.runs):
            reset_queries()
            started = time.perf_counter()
            matches, shown = search(query_text)
            samples.append((time.perf_counter() - started) * 1000)
        all_samples[kind] += samples
        p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
        rows.append((kind, query_text, matches, shown, p50, p95, max(samples)))
        print(f"p50 {p50:.1f} ms, p95 {p95:.1f} ms")

    print()
    header = ("kind", "query", "matches", "shown", "p50 ms", "p95 ms", "max ms")
    print("{:8}  {:26}  {:>8}  {:>5}  {:>7}  {:>7}  {:>7}".format(*header))
    print("-" * 82)
    for kind, query_text, matches, shown, p50, p95, worst in rows:
        print(
            f"{kind:8}  {query_text[:26]:26}  {matches:>8}  {shown:>5}  "
            f"{p50:>7.1f}  {p95:>7.1f}  {worst:>7.1f}"
        )
    print("-" * 82)
    for kind, samples in all_samples.items():
        if samples:
            print(
                f"{kind:8}  {'all ' + kind + ' queries':26}  {'':>8}  {'':>5}  "
                f"{percentile(samples, 0.5):>7.1f}  {percentile(samples, 0.95):>7.1f}  {max(samples):>7.1f}"
            )
    everything = [sample for samples in all_samples.values() for sample in samples]
    print(
        f"Overall: p50 {percentile(everything, 0.5):.1f} ms, p95 {percentile(everything, 0.95):.1f} ms "
        f"over {len(everything)} searches at {total:,} articles."
    )
    if options.json:
        summary = {
            kind: {"p50": percentile(samples, 0.5), "p95": percentile(samples, 0.95), "max": max(samples)}
            for kind, samples in all_samples.items()
            if samples
        }
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
