"""`make bench`: how fast the reading site serves on this machine, in the shape `make serve` runs
it, and how close that is to the fastest this machine can serve anything.

    .venv/bin/python bench/run.py [--duration 10] [--threads 2] [--connections 32]
                                  [--articles 100000] [--no-write] [--output FILE]
                                  [--database URL] [--compare-database URL]

1. Uses the development database as it is (loading `seed_demo --articles N` first when it
   holds fewer than N articles) and gives the measured article 50 comments.
2. Uses the local Redis servers as `make serve` does (scripts/localredis.sh: the cache on
   var/redis/redis.sock, the counters on var/redis/counters.sock; CACHE_URL, REDIS_URL and
   RATELIMIT_CACHE_URL name others), under a key prefix of this run's own, deleted at the end.
3. Starts gunicorn with deploy/gunicorn.conf.py and production settings, one mode at a time:
   the page cache on ("cached", as `make serve`), behind nginx (deploy/nginx/newsroom.conf
   rendered into a temporary directory), the page cache off with the article page's pieces
   kept ("pieces kept"), nothing kept at all ("nothing kept"), and two extra columns for the
   cached pages: Redis read on every hit (CACHE_LOCAL_COPIES_MB=0, no copies kept in each
   worker), and the page cache in each worker's local memory (it flatters the figures).
4. Measures two ceilings before the pages and again after them, through the same gunicorn
   configuration, each one view returning the cached article's bytes: a minimal Django
   project (bench/minimal_settings.py: SecurityMiddleware and CommonMiddleware only) and the
   site's settings with its full middleware (bench/ceiling_settings.py); and nginx serving
   those bytes as a static file.
5. Runs wrk against each page in each mode (requests/s, p50 and p99 latency), counts each
   page's queries with the test client, reads each gunicorn worker's peak memory (VmHWM), and
   prints everything against the issue's targets, with the machine's description, and writes
   it to docs/performance.md (or `--output FILE`).

`--database URL` measures that database instead of the development one. With
`--compare-database URL` the run compares two sizes of site instead (say 100,000 and
1,000,000 articles, each loaded with `seed_demo --articles N` into a database of its own):
back to back, in the same conditions, each database gets an uncached gunicorn, wrk on every
page, bench/search_latency.py and the admin's article list, and the table of both sizes, with
the ratio of the larger to the smaller, goes into its own section of docs/performance.md.
Nothing is loaded into either database beyond the measured article's 50 comments.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DOC = ROOT / "docs" / "performance.md"
START_MARK = "<!-- bench:start -->"
END_MARK = "<!-- bench:end -->"
SCALE_START_MARK = "<!-- bench-scale:start -->"
SCALE_END_MARK = "<!-- bench-scale:end -->"

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-the-internet-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "EMAIL_URL": "file://",
    "LOG_LEVEL": "WARNING",
}


def say(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(**extra):
    env = dict(os.environ)
    env.update(PRODUCTION_ENV)
    env.update(extra)
    return env


def django_command(args, *, env=None, stdin=None):
    result = subprocess.run(
        [str(PYTHON), *args], cwd=ROOT, env=env or environment(), input=stdin, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def article_count():
    out = django_command(
        ["manage.py", "shell", "-c", "from articles.models import Article; print(Article.objects.count())"]
    )
    return int(out.strip().splitlines()[-1])


def wait_until_up(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
                response.read()
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"Nothing answered at {url} within {timeout} s.")


class Gunicorn:
    """One gunicorn with the production configuration on a free port."""

    def __init__(self, name, app, workdir, **env):
        self.name = name
        self.port = free_port()
        self.log = open(workdir / f"gunicorn-{name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(GUNICORN), app, "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=environment(**env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_rss_mb(self):
        """The largest peak resident memory (VmHWM) of any worker, in MB."""
        peaks = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return max(peaks) if peaks else None

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


NGINX_MAIN = """
worker_processes auto;
user root;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy_temp;
    fastcgi_temp_path {workdir}/fastcgi_temp;
    uwsgi_temp_path {workdir}/uwsgi_temp;
    scgi_temp_path {workdir}/scgi_temp;
    include {workdir}/newsroom.conf;
    # The ceiling: nginx serving the article's bytes as a plain file.
    server {{
        listen 127.0.0.1:{static_port};
        root {workdir}/static-ceiling;
        location / {{ default_type text/html; }}
    }}
}}
"""


class Nginx:
    def __init__(self, workdir, upstream_port):
        self.workdir = workdir
        self.port = free_port()
        self.static_port = free_port()
        settings = json.loads(
            django_command(
                [
                    "-c",
                    "import django, json; django.setup(); from django.conf import settings as s; "
                    "print(json.dumps({'static': str(s.STATIC_ROOT), 'media': str(s.MEDIA_ROOT)}))",
                ],
                env=environment(DJANGO_SETTINGS_MODULE="newsroom.settings"),
            )
            .strip()
            .splitlines()[-1]
        )
        site = (ROOT / "deploy" / "nginx" / "newsroom.conf").read_text()
        for placeholder, value in {
            "@LISTEN@": f"127.0.0.1:{self.port}",
            "@SERVER_NAME@": "127.0.0.1 localhost",
            "@UPSTREAM@": f"127.0.0.1:{upstream_port}",
            "@CACHE_DIR@": str(workdir / "nginx-cache"),
            "@STATIC_ROOT@": settings["static"],
            "@MEDIA_ROOT@": settings["media"],
        }.items():
            site = site.replace(placeholder, value)
        (workdir / "newsroom.conf").write_text(site)
        self.config = workdir / "nginx.conf"
        self.config.write_text(NGINX_MAIN.format(workdir=workdir, static_port=self.static_port))
        check = subprocess.run(["nginx", "-t", "-c", str(self.config)], capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit(f"nginx -t failed:\n{check.stderr}")
        subprocess.run(["nginx", "-c", str(self.config)], check=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def static_url(self):
        return f"http://127.0.0.1:{self.static_port}"

    def stop(self):
        subprocess.run(["nginx", "-c", str(self.config), "-s", "quit"], check=False)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output):
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return float(match.group(1)) * UNITS[match.group(2)] if match else None

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50": latency(50),
        "p99": latency(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def wrk(url, options):
    command = [
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{options.duration}s",
        "--latency",
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def warm(url, times=20):
    """Fill every worker's cache (each has its own unless CACHE_URL names Redis)."""
    for _ in range(times):
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
            response.read()


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0],
    }


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


# The targets, per (mode, page): the ceiling the ratio is taken against and its floor.
# Pages a mode has no target for are measured and shown all the same.
MODES = {
    "cached": "cached (Redis)",
    "nginx": "via nginx",
    "pieces": "pieces kept",
    "nothing": "nothing kept",
}
TARGETS = {
    ("cached", "home"): ("minimal", 0.8),
    ("cached", "article, 50 comments"): ("minimal", 0.8),
    # Every page but the sitemap, whose megabyte is no match for the article's bytes as a file.
    **{
        ("nginx", page): ("nginx", 0.5)
        for page in (
            "home",
            "section page 1",
            "section page 500",
            "article, 50 comments",
            "tag",
            "search",
            "RSS",
        )
    },
    ("pieces", "article, 50 comments"): ("minimal", 0.30),
    ("nothing", "home"): ("minimal", 0.10),
    ("nothing", "section page 1"): ("minimal", 0.15),
    ("nothing", "section page 500"): ("minimal", 0.15),
    ("nothing", "tag"): ("minimal", 0.15),
    ("nothing", "article, 50 comments"): ("minimal", 0.10),
    ("nothing", "search"): ("minimal", 0.10),
}
CEILING_NAMES = {"minimal": "minimal Django", "full": "full middleware", "nginx": "nginx file"}
MEMORY_LIMIT_MB = 150


def mean_ceiling(runs):
    """The two measurements of a ceiling (before and after the pages) as one: the mean rate,
    the latencies of the run nearer to it."""
    rate = sum(run["rps"] for run in runs) / len(runs)
    return {**min(runs, key=lambda run: abs(run["rps"] - rate)), "rps": rate}


def verdict(ratio, floor):
    return "met" if ratio >= floor else "**not met**"


def report(results, locmem, no_copies, ceiling_runs, queries, memory, info, data, options):
    ceilings = {name: mean_ceiling(runs) for name, runs in ceiling_runs.items()}
    rate = {name: ceiling["rps"] for name, ceiling in ceilings.items()}

    def measured_twice(name):
        return " and ".join(f"{run['rps']:,.0f}" for run in ceiling_runs[name])

    lines = [
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {info['cores']} cores, {info['memory_gb']} GB, "
        f"{info['cpu']}; Linux {info['kernel']}, Python {info['python']}, {info['nginx']}, {info['wrk']}.",
        f"Data: {data['articles']:,} articles ({data['published']:,} published), "
        f"{data['comments']:,} comments. "
        f"wrk: {options.duration} s per page, {options.threads} threads, {options.connections} connections. "
        f"gunicorn: deploy/gunicorn.conf.py ({memory['workers']} workers × 2 threads). "
        "Cache: the local Redis as `make serve` runs it (scripts/localredis.sh).",
        "",
        "Ceilings, each one view returning the cached article's bytes "
        f"({data['article_bytes']:,} bytes) through the same gunicorn configuration, measured before and "
        "after the pages (mean of the two):",
        f"minimal Django (bench/minimal_settings.py, SecurityMiddleware and CommonMiddleware only) "
        f"**{rate['minimal']:,.0f} req/s** ({measured_twice('minimal')}; p50 "
        f"{fmt(ceilings['minimal']['p50'], 2)} ms); the site's settings and full middleware "
        f"(bench/ceiling_settings.py) **{rate['full']:,.0f} req/s** ({measured_twice('full')}; p50 "
        f"{fmt(ceilings['full']['p50'], 2)} ms); nginx serving the bytes as a file "
        f"**{rate['nginx']:,.0f} req/s** ({measured_twice('nginx')}; "
        f"p50 {fmt(ceilings['nginx']['p50'], 2)} ms).",
        "",
        "| page | mode | queries | req/s | p50 / p99 ms | ÷ minimal Django | ÷ full middleware "
        "| ÷ nginx file | Redis read every time, no copies: req/s (÷ minimal) "
        "| page cache in local memory: req/s (÷ minimal) | target | met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page, row in results.items():
        for mode, label in MODES.items():
            run = row[mode]
            if mode == "nginx":
                ratios = f"– | – | {run['rps'] / rate['nginx']:.2f}"
            else:
                ratios = f"{run['rps'] / rate['minimal']:.2f} | {run['rps'] / rate['full']:.2f} | –"
            extra = "– | –"
            if mode == "cached":
                extra = " | ".join(
                    f"{column[page]['rps']:,.0f} ({column[page]['rps'] / rate['minimal']:.2f})"
                    for column in (no_copies, locmem)
                )
            target, met = "–", "–"
            if (mode, page) in TARGETS:
                ceiling, floor = TARGETS[(mode, page)]
                target = f"≥ {floor:.2f} of {CEILING_NAMES[ceiling]}"
                met = verdict(run["rps"] / rate[ceiling], floor)
            lines.append(
                f"| {page} | {label} | {queries[page]['queries'] if mode == 'nothing' else '–'} "
                f"| {run['rps']:,.0f} | {fmt(run['p50'], 2)} / {fmt(run['p99'])} | {ratios} | {extra} "
                f"| {target} | {met} |"
            )
    peak = max(value for value in memory["peaks"].values() if value is not None)
    lines += [
        "",
        "Modes: cached, the page cache on in Redis, as `make serve`, each worker keeping copies of "
        "what it read, dropped as Redis announces changes (newsroom/lib/nearcache.py; the column "
        "beside it is the same with CACHE_LOCAL_COPIES_MB=0, every hit a round trip); via nginx, the shipped "
        "deploy/nginx/newsroom.conf in front of the cached gunicorn; pieces kept, "
        "PAGE_CACHE_ENABLED=false with the article page's pieces kept under generation numbers "
        "(newsroom/lib/fragments.py), as on a page-cache miss in service; nothing kept, "
        "PAGE_CACHE_ENABLED=false FRAGMENT_CACHE_ENABLED=false. Queries: building the page with "
        "nothing kept. Targets of the pages rendered are judged against the minimal Django view; "
        "the full-middleware ratio is shown beside it. 1,000,000 against 100,000 articles "
        "(target ≥ 0.8 on every page) is `--compare-database`, in its own section below.",
        "",
        "Peak memory (VmHWM) of the largest gunicorn worker, per mode: "
        + ", ".join(f"{MODES.get(mode, mode)} {fmt(value)} MB" for mode, value in memory["peaks"].items())
        + f". Target ≤ {MEMORY_LIMIT_MB} MB a worker: {'met' if peak <= MEMORY_LIMIT_MB else '**not met**'}.",
    ]
    errors = {
        f"{page} ({mode})": run["non_2xx"]
        for page, row in results.items()
        for mode, run in row.items()
        if run["non_2xx"]
    }
    for column, runs in (("no copies", no_copies), ("local memory", locmem)):
        for page, run in runs.items():
            if run["non_2xx"]:
                errors[f"{page} ({column})"] = run["non_2xx"]
    if errors:
        lines.append(f"Non-2xx responses during the run: {errors}.")
    return "\n".join(lines)


def write_report(text, options, start=START_MARK, end=END_MARK):
    if options.output:
        Path(options.output).write_text(text + "\n")
        say(f"\nWritten to {options.output}.")
    elif not options.no_write:
        write_doc(text, start, end)
        say(f"\nWritten to {DOC.relative_to(ROOT)} (between the {start} and {end} marks).")


def write_doc(text, start=START_MARK, end=END_MARK):
    doc = DOC.read_text() if DOC.exists() else f"# Performance\n\n{start}\n{end}\n"
    if start not in doc:
        doc += f"\n{start}\n{end}\n"
    before, rest = doc.split(start, 1)
    after = rest.split(end, 1)[1]
    DOC.write_text(f"{before}{start}\n{text}\n{end}{after}")


# Two sizes of site, back to back ---------------------------------------------------------------


def database_label(url):
    return urllib.parse.urlparse(url).path.lstrip("/") or url


def last_json_line(text):
    return json.loads(text.strip().splitlines()[-1])


def prepare_database(url, options):
    """Pages, query counts, admin list and search latency of the database at `url`."""
    env = environment(DATABASE_URL=url)
    label = database_label(url)
    say(f"[{label}] choosing pages (and giving the article 50 comments if it has fewer)...")
    data = last_json_line(django_command(["bench/prepare.py", "urls"], env=env))
    say(f"[{label}] {data['articles']:,} articles, {data['comments']:,} comments; counting queries...")
    queries = last_json_line(
        django_command(
            ["bench/prepare.py", "queries"],
            env=environment(DATABASE_URL=url, PAGE_CACHE_ENABLED="false", FRAGMENT_CACHE_ENABLED="false"),
            stdin=json.dumps(data["pages"]),
        )
    )
    say(f"[{label}] timing the admin's article list...")
    admin = last_json_line(django_command(["bench/prepare.py", "admin"], env=env))
    say(f"[{label}] search latency (bench/search_latency.py, {options.search_runs} runs a query)...")
    search = last_json_line(
        django_command(["bench/search_latency.py", "--runs", str(options.search_runs), "--json"], env=env)
    )
    return {
        "url": url,
        "label": label,
        "data": data,
        "pages": {},
        "queries": queries,
        "admin": admin,
        "search": search,
    }


def measure_pages(results, options, workdir):
    """wrk on each page of each database, alternating page by page, so that both sizes meet
    the same conditions (a busy machine slows both, not one). Each page is measured
    `options.rounds` times, the databases' order swapped every round so that neither is
    always the one measured second, and the round with the median requests per second is
    kept: a shared machine's bursts move one ten-second run by a fifth or more."""
    servers, caches = {}, []
    try:
        for result in results:
            # Redis as in production (the few rows kept under the site generation live there),
            # each database's server under a key prefix of its own.
            caches.append(production_redis())
            servers[result["label"]] = Gunicorn(
                f"uncached-{result['label']}",
                "newsroom.wsgi:application",
                workdir,
                DATABASE_URL=result["url"],
                # Every page built from the database each time: what the archive's size costs.
                PAGE_CACHE_ENABLED="false",
                FRAGMENT_CACHE_ENABLED="false",
                **caches[-1],
            )
        for server in servers.values():
            wait_until_up(server.url + "/healthz")
        for name in results[0]["data"]["pages"]:
            rounds = {result["label"]: [] for result in results}
            for number in range(options.rounds):
                for result in results if number % 2 == 0 else reversed(results):
                    server, path = servers[result["label"]], result["data"]["pages"][name]
                    warm(server.url + path, times=3)
                    rounds[result["label"]].append(wrk(server.url + path, options))
            for result in results:
                measured = result["pages"][name] = median_run(rounds[result["label"]])
                say(
                    f"  {name:22} {result['label']:>16}  {measured['rps']:8,.1f} req/s  "
                    f"p50 {fmt(measured['p50'])} ms  queries {result['queries'][name]['queries']}  "
                    f"(rounds: {', '.join(f'{run["rps"]:,.1f}' for run in rounds[result['label']])})"
                )
    finally:
        for server in servers.values():
            server.stop()
        for redis_env in caches:
            forget_keys(redis_env)


def median_run(runs):
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def ratio(large, small):
    return "–" if not small or large is None else f"{large / small:.2f}"


def scale_report(small, large, info, options):
    s_data, l_data = small["data"], large["data"]
    lines = [
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {info['cores']} cores, {info['memory_gb']} GB, "
        f"{info['cpu']}; {info['wrk']}. Both databases measured back to back on the same PostgreSQL, "
        f"gunicorn as deploy/gunicorn.conf.py, page cache off (every request renders); wrk "
        f"{options.duration} s per page, {options.threads} threads, {options.connections} connections; "
        f"each page the median of {options.rounds} rounds, the databases' order swapped every round.",
        f"Smaller: `{small['label']}`, {s_data['articles']:,} articles, {s_data['comments']:,} comments. "
        f"Larger: `{large['label']}`, {l_data['articles']:,} articles, {l_data['comments']:,} comments.",
        "",
        f"| page | queries | {small['label']} req/s | p50 / p99 ms | {large['label']} req/s | p50 / p99 ms "
        "| larger ÷ smaller (req/s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in small["pages"].items():
        other = large["pages"].get(name)
        if other is None:
            continue
        queries = f"{small['queries'][name]['queries']} / {large['queries'][name]['queries']}"
        lines.append(
            f"| {name} | {queries} | {row['rps']:,.1f} | {fmt(row['p50'])} / {fmt(row['p99'])} "
            f"| {other['rps']:,.1f} | {fmt(other['p50'])} / {fmt(other['p99'])} "
            f"| {ratio(other['rps'], row['rps'])} |"
        )
    lines += ["", "| measured in one process | " + small["label"] + " p50 / p95 ms | " + large["label"]
              + " p50 / p95 ms | queries | full COUNT(*) |", "|---|---|---|---|---|"]  # fmt: skip
    for kind in ("ordinary", "common", "rare"):
        if kind in small["search"] and kind in large["search"]:
            a, b = small["search"][kind], large["search"][kind]
            lines.append(
                f"| search, {kind} words | {fmt(a['p50'])} / {fmt(a['p95'])} "
                f"| {fmt(b['p50'])} / {fmt(b['p95'])} | – | – |"
            )
    for name, row in small["admin"].items():
        other = large["admin"][name]
        lines.append(
            f"| {name} (editor, test client) | {fmt(row['p50'])} / {fmt(row['p95'])} "
            f"| {fmt(other['p50'])} / {fmt(other['p95'])} | {row['queries']} / {other['queries']} "
            f"| {row['full_counts'] + other['full_counts']} |"
        )
    kept = [
        other["rps"] / row["rps"]
        for name, row in small["pages"].items()
        if (other := large["pages"].get(name)) and row["rps"]
    ]
    if kept:
        lines += [
            "",
            f"Speed kept at the larger size: lowest {min(kept):.2f}, "
            f"median {sorted(kept)[len(kept) // 2]:.2f} "
            f"of the smaller size's requests per second (target ≥ 0.8). Search p95 at the larger size: "
            f"{fmt(large['search'].get('ordinary', {}).get('p95'))} ms ordinary, "
            f"{fmt(large['search'].get('common', {}).get('p95'))} ms very common words (target < 50 ms).",
        ]
    return "\n".join(lines)


def compare_databases(options):
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-scale-"))
    try:
        results = [prepare_database(url, options) for url in (options.database, options.compare_database)]
        say(
            f"Measuring every page uncached, {options.rounds} rounds of {options.duration} s each, "
            "alternating the databases..."
        )
        measure_pages(results, options, workdir)
        first, second = results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    small, large = sorted([first, second], key=lambda result: result["data"]["articles"])
    text = scale_report(small, large, machine(), options)
    say("")
    say(text)
    write_report(text, options, SCALE_START_MARK, SCALE_END_MARK)


# One database, in the production shape ------------------------------------------------------------


def production_redis():
    """CACHE_URL and RATELIMIT_CACHE_URL as `make serve` sets them (the local Redis servers
    unless CACHE_URL or REDIS_URL names another), with a key prefix of this run's own: others
    use the same Redis, and a run must neither read their pages nor leave its own behind."""
    cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
    counters_url = os.environ.get("RATELIMIT_CACHE_URL") or cache_url
    if not cache_url:
        subprocess.run([str(ROOT / "scripts" / "localredis.sh"), "start"], cwd=ROOT, check=True)
        cache_url = f"unix://{ROOT / 'var' / 'redis' / 'redis.sock'}"
        counters_url = counters_url or f"unix://{ROOT / 'var' / 'redis' / 'counters.sock'}"
    return {
        "CACHE_URL": cache_url,
        "RATELIMIT_CACHE_URL": counters_url,
        "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:12]}",
    }


def forget_keys(redis_env):
    """Delete every key this run wrote, and nothing else."""
    prefix = redis_env["CACHE_KEY_PREFIX"]
    deleted = 0
    for url in {redis_env["CACHE_URL"], redis_env["RATELIMIT_CACHE_URL"]}:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            deleted += client.delete(*keys[start : start + 1000])
    say(f"Deleted the run's {deleted:,} Redis keys (prefix {prefix}).")


def measure_ceilings(ceilings, runs, options):
    for name, url in ceilings.items():
        runs[name].append(wrk(url, options))
    say("  ceilings: " + ", ".join(f"{name} {runs[name][-1]['rps']:,.0f} req/s" for name in ceilings))


def measure_site(pages, redis_env, workdir, options):
    """wrk on every page in every mode, one mode's gunicorn at a time (each holds a database
    connection a thread), between two measurements of the ceilings."""
    servers, nginx = [], None

    def start(name, app="newsroom.wsgi:application", ready="/healthz", **env):
        server = Gunicorn(name, app, workdir, **env)
        servers.append(server)
        wait_until_up(server.url + ready)
        return server

    def stop(server):
        server.stop()
        servers.remove(server)

    def measure_pages(mode, base, warm_times):
        for name, url in pages.items():
            warm(base + url, times=warm_times)
            results[name][mode] = wrk(base + url, options)
            say(f"  {name:22} {MODES.get(mode, mode):15} {results[name][mode]['rps']:8,.0f} req/s")

    results = {name: {} for name in pages}
    ceiling_runs = {"minimal": [], "full": [], "nginx": []}
    peaks = {}
    try:
        cached = start("cached", **redis_env)
        with urllib.request.urlopen(cached.url + pages["article, 50 comments"]) as response:  # noqa: S310
            article_bytes = response.read()
        (workdir / "article.html").write_bytes(article_bytes)
        (workdir / "static-ceiling").mkdir()
        (workdir / "static-ceiling" / "article.html").write_bytes(article_bytes)
        body = {"BENCH_CEILING_BODY": str(workdir / "article.html")}
        minimal = start("minimal", ready="/", DJANGO_SETTINGS_MODULE="bench.minimal_settings", **body)
        full = start(
            "full-middleware", ready="/", DJANGO_SETTINGS_MODULE="bench.ceiling_settings", **body, **redis_env
        )
        nginx = Nginx(workdir, cached.port)
        wait_until_up(nginx.url + "/healthz")
        ceilings = {
            "minimal": minimal.url + "/",
            "full": full.url + "/",
            "nginx": nginx.static_url + "/article.html",
        }
        say(f"Measuring the ceilings ({options.duration} s each)...")
        measure_ceilings(ceilings, ceiling_runs, options)

        say("Page cache on, in Redis, and through nginx...")
        for name, url in pages.items():
            warm(cached.url + url)
            results[name]["cached"] = wrk(cached.url + url, options)
            warm(nginx.url + url)
            results[name]["nginx"] = wrk(nginx.url + url, options)
            say(
                f"  {name:22} cached {results[name]['cached']['rps']:8,.0f} req/s, "
                f"via nginx {results[name]['nginx']['rps']:8,.0f} req/s"
            )
        peaks["cached"] = cached.peak_rss_mb()
        workers = len(cached.worker_pids())
        # nginx stays up for the ceilings' second measurement (its file server), and with it
        # the gunicorn it fronts, idle.

        for mode, switches in (
            ("pieces", {"PAGE_CACHE_ENABLED": "false"}),
            ("nothing", {"PAGE_CACHE_ENABLED": "false", "FRAGMENT_CACHE_ENABLED": "false"}),
        ):
            say(f"{MODES[mode].capitalize()}...")
            server = start(mode, **redis_env, **switches)
            measure_pages(mode, server.url, warm_times=3)
            peaks[mode] = server.peak_rss_mb()
            stop(server)

        say("Page cache on, in each worker's local memory (the extra column)...")
        local = start("locmem", **{**redis_env, "CACHE_URL": "locmem://", "RATELIMIT_CACHE_URL": "locmem://"})
        # Twenty requests a page, so that every worker's own cache holds it.
        measure_pages("local memory", local.url, warm_times=20)
        peaks["local memory"] = local.peak_rss_mb()
        stop(local)

        say("Page cache on, in Redis, with no copies kept in memory (the extra column)...")
        every_read = start("no-copies", **redis_env, CACHE_LOCAL_COPIES_MB="0")
        measure_pages("no copies", every_read.url, warm_times=3)
        stop(every_read)

        say("Measuring the ceilings again...")
        measure_ceilings(ceilings, ceiling_runs, options)
    finally:
        if nginx is not None:
            nginx.stop()
        for server in list(servers):
            server.stop()
    locmem = {name: row.pop("local memory") for name, row in results.items()}
    no_copies = {name: row.pop("no copies") for name, row in results.items()}
    return {
        "results": results,
        "locmem": locmem,
        "no_copies": no_copies,
        "ceiling_runs": ceiling_runs,
        "memory": {"peaks": peaks, "workers": workers},
        "article_bytes": len(article_bytes),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page and mode")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--articles", type=int, default=100_000, help="load this many when the database holds fewer"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the results without writing docs/performance.md"
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the results to FILE instead of docs/performance.md (a trial run's scratch file)",
    )
    parser.add_argument(
        "--database", metavar="URL", help="measure this database (a DATABASE_URL) instead of the usual one"
    )
    parser.add_argument(
        "--compare-database",
        metavar="URL",
        help="compare the uncached pages, search and admin list of --database (or the usual one) "
        "with this database, back to back, and write both sizes to docs/performance.md",
    )
    parser.add_argument(
        "--search-runs", type=int, default=20, help="timed runs per search query in a comparison"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="wrk runs per page and database in a comparison (median kept)"
    )
    options = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install {tool} (make bench installs it).")
    if options.database:
        os.environ["DATABASE_URL"] = options.database
    if options.compare_database:
        options.database = os.environ.get("DATABASE_URL") or options.database
        if not options.database:
            sys.exit("--compare-database needs --database (or DATABASE_URL) to compare with.")
        compare_databases(options)
        return

    have = article_count()
    if have < options.articles:
        say(f"The database holds {have:,} articles; loading {options.articles - have:,} more...")
        subprocess.run(
            [str(PYTHON), "manage.py", "seed_demo", "--articles", str(options.articles - have)],
            cwd=ROOT,
            env=environment(DEBUG="true"),
            check=True,
        )
    say("Choosing pages (and giving the article 50 comments if it has fewer)...")
    data = last_json_line(django_command(["bench/prepare.py", "urls"]))
    pages = data["pages"]
    say("Counting queries per page...")
    queries = last_json_line(
        django_command(
            ["bench/prepare.py", "queries"],
            # What building each page from the database costs: no page, no kept pieces.
            env=environment(PAGE_CACHE_ENABLED="false", FRAGMENT_CACHE_ENABLED="false"),
            stdin=json.dumps(pages),
        )
    )
    redis = production_redis()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    try:
        measured = measure_site(pages, redis, workdir, options)
    finally:
        forget_keys(redis)
        shutil.rmtree(workdir, ignore_errors=True)
    data["article_bytes"] = measured.pop("article_bytes")
    text = report(**measured, queries=queries, info=machine(), data=data, options=options)
    say("")
    say(text)
    write_report(text, options)


if __name__ == "__main__":
    main()
