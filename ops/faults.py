"""`make faults`: does the site survive the failures a newsroom will meet?

    .venv/bin/python -m ops.faults [--only 1,3] [--subscribers 1500] [--keep]

Builds a small site of its own and serves it as production does, then breaks things under a
light load and measures what readers, commenters and recipients see:

1. PostgreSQL restarted: uncached requests fail fast with 503, cached pages keep serving
   through nginx, the site recovers by itself, and no comment is accepted and lost.
2. Mail server down: emails wait in the job queue, retried with back-off, and each arrives
   exactly once when the server is back.
3. Worker killed mid-batch (the daily digest, then a batch of shares): once the restarted
   worker sees the dead one's heartbeats stop (about a minute) it takes the job again, the batch
   completes and nobody gets a message twice.
4. A query held on a lock is cut by the statement timeout: a 503 within the timeout, and the
   worker serves the next request.
5. Media disk full during an admin upload: a plain-words error, no row, no partial file.

Everything lives under var/faults/ (its logs stay there; the cluster is deleted at the end
unless --keep): a throwaway PostgreSQL cluster (never the shared one in var/pg), gunicorn with
deploy/gunicorn.conf.py and nginx with deploy/nginx/newsroom.conf (both through bench/run.py),
a Procrastinate worker, an SMTP sink (aiosmtpd) and, for fault 5, a 1 MB tmpfs as MEDIA_ROOT (root
only). Every server listens on a free port and is stopped even when a fault fails.
Timings depend on the machine and on what else runs on it: every figure is printed.
"""

import argparse
import http.cookiejar
import io
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from bench.run import PYTHON, ROOT, Gunicorn, Nginx, environment, free_port, wait_until_up
from ops.faults_pg import ThrowawayCluster
from ops.faults_site import ADMIN_EMAIL, COMMENTER_EMAIL, PASSWORD

WORKDIR = ROOT / "var" / "faults"
STATEMENT_TIMEOUT_MS = 1500
WEB_CONCURRENCY, WEB_THREADS = 2, 2
# Under a second is "fast": a request that waits on a dead database for longer holds a worker.
FAIL_FAST_SECONDS = 1.0
RECOVERY_LIMIT_SECONDS = 10.0
POSTGRES_DOWN_SECONDS = 4.0
MAIL_DOWN_SECONDS = 8.0
MEDIA_TMPFS = "1m"


def say(message=""):
    print(message, flush=True)


# HTTP ------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping client that never follows redirects and never raises on a status."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, url, *, data=None, headers=None, timeout=30):
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - our own servers
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                body = response.read()
                status, response_headers = response.status, response.headers
        except urllib.error.HTTPError as error:
            body, status, response_headers = error.read(), error.code, error.headers
        except OSError as error:
            return {"status": 0, "body": str(error), "seconds": time.monotonic() - started, "headers": {}}
        return {
            "status": status,
            "body": body.decode("utf-8", "replace"),
            "seconds": time.monotonic() - started,
            "headers": response_headers,
        }

    def get(self, url, **kwargs):
        return self.request(url, **kwargs)

    def post(self, url, fields, *, referer=None, files=None, timeout=60):
        headers = {"Referer": referer or url}
        if files:
            boundary = uuid.uuid4().hex
            body = io.BytesIO()
            for name, value in fields.items():
                body.write(
                    f"--{boundary}\r\nContent-Disposition: form-data; "
                    f'name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
            for name, (filename, content, content_type) in files.items():
                body.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\n'
                    f"Content-Type: {content_type}\r\n\r\n".encode()
                )
                body.write(content + b"\r\n")
            body.write(f"--{boundary}--\r\n".encode())
            data = body.getvalue()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            data = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request(url, data=data, headers=headers, timeout=timeout)


def hidden_fields(html):
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def csrf_token(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


class Readers:
    """A few anonymous readers reading home, an article and a section through nginx in a loop."""

    def __init__(self, base, paths, count=3, pause=0.05):
        self.base, self.paths, self.count, self.pause = base, paths, count, pause
        self.samples = []  # (monotonic time, path, status, seconds)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._read, daemon=True) for _ in range(count)]

    def _read(self):
        browser = Browser()
        while not self._stop.is_set():
            for path in self.paths:
                result = browser.get(self.base + path, timeout=15)
                self.samples.append((time.monotonic(), path, result["status"], result["seconds"]))
                time.sleep(self.pause)

    def start(self):
        for thread in self._threads:
            thread.start()

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=20)

    def between(self, start, end):
        return [sample for sample in self.samples if start <= sample[0] <= end]


def summary(samples):
    if not samples:
        return "no requests"
    statuses = {}
    for _, _, status, _ in samples:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(seconds for *_, seconds in samples)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    codes = ", ".join(f"{code}×{count}" for code, count in sorted(statuses.items()))
    p50 = statistics.median(latencies)
    return f"{len(samples)} requests ({codes}), p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"


# Mail ------------------------------------------------------------------------------------


class Sink:
    """An SMTP server recording each message's envelope recipients and Message-ID."""

    def __init__(self):
        self.port = free_port()
        self.messages = []  # (recipient, message id)
        self.delay = 0.0
        self._lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        # Recorded as soon as the whole message has arrived: from here the server has it,
        # whatever happens to the client while it waits for the reply.
        match = re.search(
            rb"^Message-ID:\s*(\S+)", envelope.original_content or envelope.content, re.I | re.M
        )
        message_id = match.group(1).decode() if match else ""
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append((recipient.lower(), message_id))
        if self.delay:
            time.sleep(self.delay)
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def received(self, suffix, prefix=""):
        with self._lock:
            return [
                (recipient, message_id)
                for recipient, message_id in self.messages
                if recipient.endswith(suffix) and recipient.startswith(prefix)
            ]


def exactly_once(received, expected):
    """(arrived, duplicates, missing) for these expected recipients."""
    counts = {}
    for recipient, _ in received:
        counts[recipient] = counts.get(recipient, 0) + 1
    ids = [message_id for _, message_id in received if message_id]
    duplicates = sum(count - 1 for count in counts.values()) + (len(ids) - len(set(ids)))
    missing = sorted(set(expected) - set(counts))
    return len(counts), duplicates, missing


# The site --------------------------------------------------------------------------------


class Site:
    def __init__(self, options):
        self.options = options
        self.cluster = ThrowawayCluster(WORKDIR / "pg")
        self.media = WORKDIR / "media"
        self.sink = Sink()
        self.gunicorn = self.nginx = self.worker = self.readers = None
        self.worker_log = None
        # Held while the worker is started, stopped or looked after (keep_worker_running).
        self.worker_lock = threading.RLock()
        self.supervising = threading.Event()
        self.mounted = False
        self.env = {}

    def django(self, *args, check=True):
        result = subprocess.run(
            [str(PYTHON), *args],
            cwd=ROOT,
            env=environment(**self.env),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def ask(self, *args):
        return json.loads(self.django("-m", "ops.faults_site", *args).strip().splitlines()[-1])

    def set_up(self):
        say("Creating a throwaway PostgreSQL cluster in var/faults/pg ...")
        self.cluster.create()
        self.media.mkdir(parents=True, exist_ok=True)
        self.env = {
            "DATABASE_URL": self.cluster.url,
            "DB_STATEMENT_TIMEOUT_MS": str(STATEMENT_TIMEOUT_MS),
            "MEDIA_ROOT": str(self.media),
            "EMAIL_URL": self.sink.url,
            "WEB_CONCURRENCY": str(WEB_CONCURRENCY),
            "WEB_THREADS": str(WEB_THREADS),
            # nginx in front overwrites X-Forwarded-For, so the commenter's limit is per client.
            "TRUSTED_PROXY_COUNT": "1",
            "COMMENTS_PER_MINUTE": "1000",
            # Short retries, so a mail outage of seconds is retried within seconds.
            "TASK_RETRY_BASE_SECONDS": "1",
            "TASK_MAX_ATTEMPTS": "10",
            # Not due while this runs (unless it runs across 23:59): the worker's own five-minute
            # look would send it before fault 3 can kill a worker mid-batch. Fault 3 queues
            # today's issue itself (ops/faults_site.py: digest_start).
            "NEWSLETTER_DIGEST_TIME": "23:59",
            "NEWSLETTER_BATCH_SIZE": "100",
            "CACHE_URL": "",
        }
        # bench/run.py's environment() puts its production settings over ours (EMAIL_URL among
        # them), so every child gets self.env on top; nginx reads MEDIA_ROOT from ours.
        os.environ.update(self.env)
        say("Migrating and seeding a small site ...")
        self.django("manage.py", "migrate", "--noinput")
        self.django("manage.py", "seed_demo")
        self.pages = self.ask("prepare", str(self.options.subscribers))
        say(f"  article {self.pages['article']}, {self.options.subscribers} newsletter subscribers")
        self.sink.start()
        say(
            f"Starting the SMTP sink on port {self.sink.port}, gunicorn "
            f"({WEB_CONCURRENCY}×{WEB_THREADS}) and nginx ..."
        )
        self.gunicorn = Gunicorn("faults", "newsroom.wsgi:application", WORKDIR, **self.env)
        wait_until_up(self.gunicorn.url + "/healthz")
        self.nginx = Nginx(WORKDIR, self.gunicorn.port)
        wait_until_up(self.nginx.url + "/healthz")
        self.start_worker()
        threading.Thread(target=self.keep_worker_running, daemon=True).start()
        self.readers = Readers(self.nginx.url, ["/", self.pages["article"], self.pages["section"]])
        for _ in range(3):  # the proxy and the app's page cache hold each page before the faults
            for path in self.readers.paths:
                Browser().get(self.nginx.url + path)
        self.readers.start()
        say(f"Site up: nginx {self.nginx.url}, gunicorn {self.gunicorn.url}, readers running.\n")

    def start_worker(self):
        with self.worker_lock:
            self.worker_log = open(WORKDIR / "worker.log", "a")  # noqa: SIM115 - closed in stop_worker()
            # As scripts/run.sh starts it, keeping finished jobs so tasks-state can count them. A
            # job whose worker was killed is taken again once the worker has missed its heartbeats
            # (newsroom/tasks.py: retry_stalled_jobs).
            self.worker = subprocess.Popen(
                [str(PYTHON), "manage.py", "procrastinate", "worker", "--fetch-job-polling-interval", "0.5"],
                cwd=ROOT,
                env=environment(**self.env),
                stdout=self.worker_log,
                stderr=subprocess.STDOUT,
            )

    def stop_worker(self, *, kill=False):
        with self.worker_lock:
            if self.worker is None:
                return
            if kill:
                self.worker.send_signal(signal.SIGKILL)
            else:
                self.worker.send_signal(signal.SIGTERM)
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
            self.worker = None
            self.worker_log.close()

    def keep_worker_running(self):
        """What production's supervisor does (systemd's Restart=always, docs/deployment.md) and
        scripts/run.sh does: Procrastinate's worker exits when it loses the database, so a worker
        that stopped by itself is started again, once a second at most."""
        while not self.supervising.wait(1):
            with self.worker_lock:
                if self.worker is None or self.worker.poll() is None:
                    continue
                say(f"  (the worker stopped by itself, status {self.worker.returncode}; starting it again)")
                self.worker_log.close()
                self.start_worker()

    def tear_down(self):
        say("\nStopping everything ...")
        for step in (
            lambda: self.readers and self.readers.stop(),
            self.supervising.set,
            self.stop_worker,
            lambda: self.nginx and self.nginx.stop(),
            lambda: self.gunicorn and self.gunicorn.stop(),
            self.sink.stop,
            self.unmount_media,
            lambda: None if self.options.keep else self.cluster.destroy(),
        ):
            try:
                step()
            except Exception as error:  # keep stopping the rest
                say(f"  while stopping: {type(error).__name__}: {error}")
        if self.options.keep:
            self.cluster.stop()
            say(f"Kept {WORKDIR.relative_to(ROOT)} (logs, cluster data).")

    def mount_media(self):
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={MEDIA_TMPFS},mode=0755", "tmpfs", str(self.media)],
            check=True,
        )
        self.mounted = True

    def unmount_media(self):
        if self.mounted:
            subprocess.run(["umount", str(self.media)], check=False)
            self.mounted = False

    def admin_browser(self):
        browser = Browser()
        login = browser.get(self.nginx.url + "/admin/login/?next=/admin/")
        answer = browser.post(
            self.nginx.url + "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": csrf_token(login["body"]),
                "username": ADMIN_EMAIL,
                "password": PASSWORD,
                "next": "/admin/",
            },
        )
        if answer["status"] != 302:
            raise RuntimeError(f"admin login answered {answer['status']}")
        return browser


# The faults ------------------------------------------------------------------------------


class Commenter:
    """A signed-in reader posting numbered comments; remembers what the site answered."""

    def __init__(self, site, prefix):
        self.site, self.prefix = site, prefix
        self.browser = Browser()
        self.answers = []  # (text, status)
        self._stop = threading.Event()
        base = site.nginx.url
        login = self.browser.get(base + "/accounts/login/")
        signed_in = self.browser.post(
            base + "/accounts/login/",
            {
                "csrfmiddlewaretoken": csrf_token(login["body"]),
                "login": COMMENTER_EMAIL,
                "password": PASSWORD,
            },
        )
        if signed_in["status"] != 302:
            raise RuntimeError(f"the commenter could not sign in ({signed_in['status']})")
        self.post_url = f"{base}/comments/article/{site.pages['article_id']}/post/"
        form = self.browser.get(self.post_url)
        self.fields = hidden_fields(form["body"])
        if "security_hash" not in self.fields:
            raise RuntimeError(f"no comment form for the commenter ({form['status']})")

    def post(self, number):
        text = f"{self.prefix} comment number {number}"
        answer = self.browser.post(
            self.post_url, {**self.fields, "comment": text, "honeypot": ""}, timeout=20
        )
        self.answers.append((text, answer["status"]))

    def run(self, pause=0.25):
        number = 0
        while not self._stop.is_set():
            self.post(number)
            number += 1
            time.sleep(pause)

    def accepted(self):
        # A published comment redirects to itself; one held for a moderator gets a 200 page.
        return {text for text, status in self.answers if status in (200, 302)}


def fault_postgres_restart(site):
    commenter = Commenter(site, f"fault-{uuid.uuid4().hex[:8]}")
    probes = []  # (time, status, seconds) of uncached requests straight to gunicorn
    stop = threading.Event()

    def probe():
        browser = Browser()
        while not stop.is_set():
            result = browser.get(f"{site.gunicorn.url}/search/?q=clinic+{uuid.uuid4().hex[:6]}", timeout=30)
            probes.append((time.monotonic(), result["status"], result["seconds"]))
            time.sleep(0.2)

    workers_before = sorted(site.gunicorn.worker_pids())
    threads = [
        threading.Thread(target=probe, daemon=True),
        threading.Thread(target=commenter.run, daemon=True),
    ]
    for thread in threads:
        thread.start()
    time.sleep(2)
    down_at = time.monotonic()
    site.cluster.stop(mode="fast")
    stopped_at = time.monotonic()
    time.sleep(POSTGRES_DOWN_SECONDS)
    site.cluster.start()
    up_at = time.monotonic()
    deadline = up_at + 30
    recovered_at = None
    while time.monotonic() < deadline and recovered_at is None:
        time.sleep(0.1)
        recovered_at = next((t for t, status, _ in probes if t > up_at and status == 200), None)
    time.sleep(2)
    stop.set()
    commenter._stop.set()
    for thread in threads:
        thread.join(timeout=30)

    during = [(t, status, seconds) for t, status, seconds in probes if stopped_at + 0.2 <= t <= up_at - 0.2]
    statuses_down = sorted({status for _, status, _ in during})
    slowest_down = max((seconds for *_, seconds in during), default=0.0)
    readers_down = site.readers.between(down_at, up_at)
    readers_failed = [sample for sample in readers_down if sample[2] != 200]
    stored = set(site.ask("comments", commenter.prefix)["texts"])
    accepted = commenter.accepted()
    lost = accepted - stored
    refused = [status for _, status in commenter.answers if status not in (200, 302)]
    recovery = (recovered_at - up_at) if recovered_at else None
    same_workers = sorted(site.gunicorn.worker_pids()) == workers_before
    passed = (
        bool(during)
        and statuses_down == [503]
        and slowest_down < FAIL_FAST_SECONDS
        and not readers_failed
        and recovery is not None
        and recovery < RECOVERY_LIMIT_SECONDS
        and not lost
        and same_workers
    )
    figures = (
        f"down {up_at - down_at:.1f} s; uncached while down: {len(during)} requests, statuses "
        f"{statuses_down}, "
        f"slowest {slowest_down * 1000:.0f} ms; readers through nginx while down: {summary(readers_down)}; "
        f"recovered {recovery:.1f} s after PostgreSQL was back"
        if recovery is not None
        else "never recovered"
    )
    figures += (
        f"; gunicorn workers {'unchanged' if same_workers else 'CHANGED'}; comments: "
        f"{len(commenter.answers)} posted, "
        f"{len(accepted)} accepted, {len(stored)} stored, {len(refused)} refused ({sorted(set(refused))}), "
        f"{len(lost)} accepted and lost"
    )
    return passed, figures


def fault_mail_down(site):
    tag = f"maildown{uuid.uuid4().hex[:6]}"
    site.sink.stop()
    down_at = time.monotonic()
    recipients = site.ask("shares", "10", "2", tag)["recipients"]
    time.sleep(MAIL_DOWN_SECONDS)
    tasks = site.ask("tasks-state", "enquiries.tasks.send_share")
    queued = site.ask("share-state", tag)
    site.sink.start()
    back_at = time.monotonic()
    arrived_at = None
    while time.monotonic() < back_at + 120:
        if len({r for r, _ in site.sink.received("@shares.faults.test") if r.startswith(tag)}) >= len(
            recipients
        ):
            arrived_at = time.monotonic()
            break
        time.sleep(0.25)
    time.sleep(3)  # anything sent twice would arrive now
    received = [(r, m) for r, m in site.sink.received("@shares.faults.test") if r.startswith(tag)]
    arrived, duplicates, missing = exactly_once(received, recipients)
    final = site.ask("share-state", tag)
    passed = (
        queued["sent"] == 0
        and tasks["retries_queued"] > 0
        and arrived_at is not None
        and duplicates == 0
        and not missing
        and final["waiting"] == 0
    )
    figures = (
        f"mail down {back_at - down_at:.1f} s with {len(recipients)} share emails queued "
        f"(none sent while down: {queued['sent'] == 0}, {tasks['retries_queued']} retries with back-off "
        "queued); "
        + (
            f"all arrived {arrived_at - back_at:.1f} s after it was back; "
            if arrived_at
            else "not all arrived; "
        )
        + f"{arrived}/{len(recipients)} recipients, {len(received)} messages, {duplicates} duplicates, "
        f"{len(missing)} missing"
    )
    return passed, figures


def kill_mid_batch(site, *, start_batch, suffix, prefix, expected, kill_after, done):
    """Start a batch, kill -9 the worker once `kill_after` messages arrived, restart it,
    wait for `done()`. Returns the figures of the sink and the batch."""
    # Started beside the watch, not before it: the worker takes the jobs the moment they are
    # queued (LISTEN/NOTIFY), so a whole batch can be sent before the command that queued it
    # has even exited.
    starter = threading.Thread(target=start_batch)
    starter.start()
    deadline = time.monotonic() + 120
    while len(site.sink.received(suffix, prefix)) < kill_after and time.monotonic() < deadline:
        time.sleep(0.02)
    killed_pid = site.worker.pid
    site.stop_worker(kill=True)
    starter.join()
    at_kill = len(site.sink.received(suffix, prefix))
    time.sleep(1.5)
    after_kill = len(site.sink.received(suffix, prefix))
    restarted_at = time.monotonic()
    site.start_worker()
    finished_at = None
    while time.monotonic() < restarted_at + 180:
        if done():
            finished_at = time.monotonic()
            break
        time.sleep(0.3)
    time.sleep(2)  # anything sent twice would arrive now
    received = site.sink.received(suffix, prefix)
    arrived, duplicates, missing = exactly_once(received, expected)
    return {
        "killed_pid": killed_pid,
        "at_kill": at_kill,
        "after_kill": after_kill,
        "finished_in": (finished_at - restarted_at) if finished_at else None,
        "arrived": arrived,
        "messages": len(received),
        "duplicates": duplicates,
        "missing": missing,
    }


def fault_worker_killed(site):
    subscribers = site.options.subscribers
    expected = [f"reader{number:05d}@digest.faults.test" for number in range(subscribers)]
    site.sink.delay = 0.004
    digest = kill_mid_batch(
        site,
        start_batch=lambda: site.ask("digest-start"),
        suffix="@digest.faults.test",
        prefix="reader",
        expected=expected,
        kill_after=subscribers // 3,
        done=lambda: site.ask("digest-state").get("completed", False),
    )
    digest_state = site.ask("digest-state")
    tag = f"killshare{uuid.uuid4().hex[:6]}"
    share_recipients = [
        f"{tag}-{number:03d}-{k}@shares.faults.test" for number in range(40) for k in range(3)
    ]
    site.sink.delay = 0.02

    def shares_done():
        return site.ask("share-state", tag)["waiting"] == 0

    shares = kill_mid_batch(
        site,
        start_batch=lambda: site.ask("shares", "40", "3", tag),
        suffix="@shares.faults.test",
        prefix=f"{tag}-",
        expected=share_recipients,
        kill_after=len(share_recipients) // 3,
        done=shares_done,
    )
    site.sink.delay = 0.0
    # The digest sends each message at most once: the one a killed worker had in flight stays
    # "sending" (the admin counts it unconfirmed) and is never resent, since the mail server
    # may have taken it. So one kill may leave that one recipient without the issue, and only
    # that one; shares must all arrive.
    digest["may_miss"] = digest_state.get("unconfirmed", [])[:1]
    shares["may_miss"] = []
    passed = all(
        batch["finished_in"] is not None
        and batch["duplicates"] == 0
        and set(batch["missing"]) <= set(batch["may_miss"])
        and batch["at_kill"] < total
        for batch, total in ((digest, subscribers), (shares, len(share_recipients)))
    )

    def line(name, batch, total):
        finished = (
            f"completed {batch['finished_in']:.1f} s after the restart"
            if batch["finished_in"]
            else "never completed"
        )
        return (
            f"{name}: worker {batch['killed_pid']} killed at {batch['at_kill']}/{total} delivered, "
            f"{finished}; {batch['arrived']}/{total} recipients, {batch['messages']} messages, "
            f"{batch['duplicates']} duplicates, {len(batch['missing'])} missing"
            + (
                " (the one in flight when the worker was killed, unconfirmed, never resent)"
                if batch["missing"] and set(batch["missing"]) <= set(batch["may_miss"])
                else ""
            )
        )

    figures = (
        line("digest", digest, subscribers)
        + f" (deliveries {digest_state.get('states')})"
        + "; "
        + line("shares", shares, len(share_recipients))
    )
    return passed, figures


def fault_statement_timeout(site):
    import psycopg

    article = site.pages["article"]
    limit = STATEMENT_TIMEOUT_MS / 1000
    threads = WEB_CONCURRENCY * WEB_THREADS
    with psycopg.connect(host=str(site.cluster.socket_dir), user="newsroom", dbname="newsroom") as holder:
        holder.execute("LOCK TABLE articles_article IN ACCESS EXCLUSIVE MODE")
        # As many slow requests at once as gunicorn has threads: every thread is stuck on the lock.
        with ThreadPoolExecutor(threads) as pool:
            slow = list(
                pool.map(
                    lambda n: Browser().get(
                        f"{site.gunicorn.url}{article}?slow={n}-{uuid.uuid4().hex[:6]}", timeout=60
                    ),
                    range(threads),
                )
            )
        # The lock is still held: a request that needs no article is answered at once.
        next_request = Browser().get(site.gunicorn.url + "/healthz")
        holder.rollback()
    after = Browser().get(f"{site.gunicorn.url}{article}?after={uuid.uuid4().hex[:6]}")
    statuses = sorted({answer["status"] for answer in slow})
    slowest = max(answer["seconds"] for answer in slow)
    typical = statistics.median(answer["seconds"] for answer in slow)
    page_says = all("temporarily unavailable" in answer["body"] for answer in slow)
    retry_after = all(answer["headers"].get("Retry-After") for answer in slow)
    passed = (
        statuses == [503]
        # Each is cut once its own query has waited the timeout; gunicorn may have queued one
        # behind another on the same worker, so the slowest can wait for two.
        and typical < limit + FAIL_FAST_SECONDS
        and slowest < 2 * limit + FAIL_FAST_SECONDS
        and page_says
        and retry_after
        and next_request["status"] == 200
        and next_request["seconds"] < FAIL_FAST_SECONDS
        and after["status"] == 200
    )
    figures = (
        f"statement timeout {STATEMENT_TIMEOUT_MS} ms, {threads} requests blocked on a table lock: "
        f"statuses {statuses}, "
        f"median {typical:.2f} s, slowest {slowest:.2f} s, "
        f"503 page says 'temporarily unavailable': {page_says}, Retry-After: "
        f"{retry_after}; "
        f"next request {next_request['status']} in {next_request['seconds'] * 1000:.0f} ms; "
        f"after the lock {after['status']} in {after['seconds'] * 1000:.0f} ms"
    )
    return passed, figures


def noise_png(side):
    from PIL import Image

    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def fault_media_full(site):
    if os.geteuid() != 0:
        return False, "needs root to mount a small tmpfs as MEDIA_ROOT; run make faults as root"
    site.mount_media()
    try:
        browser = site.admin_browser()
        add_url = site.nginx.url + "/admin/authors/author/add/"

        def upload(name, content):
            form = browser.get(add_url)
            return browser.post(
                add_url,
                {
                    "csrfmiddlewaretoken": csrf_token(form["body"]),
                    "name": name,
                    "slug": name.lower().replace(" ", "-"),
                    "role": "",
                    "organisation": "",
                    "bio": "",
                    "user": "",
                    "_save": "Save",
                },
                files={"photo": (f"{name.lower().replace(' ', '-')}.png", content, "image/png")},
            )

        suffix = uuid.uuid4().hex[:6]
        small_name, big_name = f"Fault Small {suffix}", f"Fault Big {suffix}"
        small_png, big_png = noise_png(100), noise_png(720)
        small = upload(small_name, small_png)
        big = upload(big_name, big_png)
        small_rows = site.ask("authors", small_name)
        big_rows = site.ask("authors", big_name)
        on_disk = (
            sorted(path.name for path in (site.media / "authors").glob("*"))
            if (site.media / "authors").exists()
            else []
        )
        used = sum(path.stat().st_size for path in site.media.rglob("*") if path.is_file())
        plain_words = (
            "could not be stored" in big["body"] and "storage for uploaded files is full" in big["body"]
        )
        small_ok = (
            small["status"] == 302
            and small_rows["rows"] == 1
            and small_rows["files"][0]["exists"]
            and small_rows["files"][0]["size"] == len(small_png)
        )
        passed = (
            small_ok
            and big["status"] == 507
            and plain_words
            and big_rows["rows"] == 0
            and used == len(small_png)
        )
        figures = (
            f"media on a {MEDIA_TMPFS} tmpfs; a {len(small_png) // 1024} KB photo: {small['status']}, "
            f"stored whole: {small_ok}; "
            f"a {len(big_png) // 1024} KB photo: {big['status']} in {big['seconds']:.2f} s, plain-words "
            f"page: {plain_words}, "
            f"author rows {big_rows['rows']}, files left in media/authors {on_disk} ({used} bytes on "
            "the disk)"
        )
        return passed, figures
    finally:
        site.unmount_media()


FAULTS = [
    ("1", "PostgreSQL restarted", fault_postgres_restart),
    ("2", "Mail server down", fault_mail_down),
    ("3", "Task worker killed mid-batch", fault_worker_killed),
    ("4", "Slow query cut by the statement timeout", fault_statement_timeout),
    ("5", "Media disk full during an upload", fault_media_full),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated fault numbers, e.g. 1,4")
    parser.add_argument("--subscribers", type=int, default=1500, help="newsletter subscribers for fault 3")
    parser.add_argument("--keep", action="store_true", help="keep var/faults (logs, cluster) afterwards")
    options = parser.parse_args()
    chosen = [fault for fault in FAULTS if not options.only or fault[0] in options.only.split(",")]
    started = time.monotonic()
    site = Site(options)
    results = []
    interrupted = None
    try:
        site.set_up()
        for number, name, run in chosen:
            say(f"Fault {number}: {name} ...")
            fault_started = time.monotonic()
            try:
                passed, figures = run(site)
            except Exception as error:
                passed, figures = False, f"the fault run itself failed: {type(error).__name__}: {error}"
            seconds = time.monotonic() - fault_started
            results.append((number, name, passed, seconds))
            say(f"{'PASS' if passed else 'FAIL'} {number}. {name} ({seconds:.0f} s): {figures}\n")
    except KeyboardInterrupt as error:
        interrupted = error
    finally:
        readers = site.readers.samples if site.readers else []
        site.tear_down()
    say("\nSummary")
    say(f"  {'fault':<45} {'result':<6} seconds")
    for number, name, passed, seconds in results:
        say(f"  {number + '. ' + name:<45} {'PASS' if passed else 'FAIL':<6} {seconds:.0f}")
    failed = [number for number, _, passed, _ in results if not passed]
    say(
        f"\n{len(results) - len(failed)} of {len(results)} faults survived in "
        f"{time.monotonic() - started:.0f} s; "
        f"the light load through nginx during the whole run: {summary(readers)}. "
        "Timings were taken on this machine under whatever else it was running: re-run on a quiet machine "
        "for figures to compare."
    )
    if interrupted or failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
