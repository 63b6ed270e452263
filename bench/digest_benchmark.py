"""Send one daily digest to 100,000 subscribers through a local SMTP sink, and measure it.

    .venv/bin/python bench/digest_benchmark.py [--subscribers 100000] [--batch-size 500]
                                               [--tracemalloc] [--keep]

It uses the development database (the local cluster, or DATABASE_URL), adds the subscribers in
bulk, starts an SMTP sink on 127.0.0.1 in a separate process (so the sender's memory and CPU
are measured alone) that counts every message it accepts, points EMAIL_URL at it, and sends
one issue through the real code path: subscriptions.digest.send_digest queues one job per
batch, and Procrastinate's worker, run in this process until the queue is empty, sends each
batch over one mail connection and marks each message sent. (Any other job waiting in the
development queue runs too, its mail going to the sink.) It prints progress lines and a
summary: time, messages a second, and memory (peak RSS, and the RSS at each progress line,
which should stay flat as the list is worked through; with --tracemalloc, Python's own peak
allocation too, at a cost in speed).

Everything it adds (the subscribers and the issue) is removed at the end unless --keep is
given, so the development worker never mails the benchmark's addresses.
"""

import argparse
import asyncio
import multiprocessing
import os
import resource
import socket
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

BENCH_DOMAIN = "digest-bench.invalid"
BENCH_DATE = date(2001, 1, 1)  # an issue date no real digest will ever use
ARTICLES_IN_ISSUE = 8


# The SMTP sink ------------------------------------------------------------------------------


class SinkProtocol(asyncio.Protocol):
    """Just enough SMTP for smtplib: greet, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def __init__(self, counter):
        self.counter = counter
        self.buffer = b""
        self.in_data = False

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 digest-bench sink ready\r\n")

    def data_received(self, data):
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                with self.counter.get_lock():
                    self.counter.value += 1
                self.transport.write(b"250 OK: queued\r\n")
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return
            line, self.buffer = self.buffer[:line_end], self.buffer[line_end + 2 :]
            self.command(line.decode("ascii", errors="replace"))

    def command(self, line):
        verb = line[:4].upper()
        if verb == "EHLO":
            self.transport.write(b"250-digest-bench\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
        elif verb == "DATA":
            self.in_data = True
            self.transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == "QUIT":
            self.transport.write(b"221 Bye\r\n")
            self.transport.close()
        elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
            self.transport.write(b"250 OK\r\n")
        else:
            self.transport.write(b"502 Command not implemented\r\n")


def run_sink(listening, counter, ready):
    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SinkProtocol(counter), sock=listening)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


def start_sink():
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    listening.listen(128)
    counter = multiprocessing.Value("L", 0)
    ready = multiprocessing.Event()
    process = multiprocessing.Process(target=run_sink, args=(listening, counter, ready), daemon=True)
    process.start()
    if not ready.wait(10):
        sys.exit("The SMTP sink did not start.")
    return listening.getsockname()[1], counter, process


# Measuring --------------------------------------------------------------------------------------


def rss_mib():
    """The process's resident memory now, from /proc (Linux)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# The benchmark ----------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--keep", action="store_true", help="keep the subscribers and the issue afterwards")
    args = parser.parse_args()

    port, counter, sink = start_sink()
    print(f"SMTP sink listening on 127.0.0.1:{port} (process {sink.pid})")

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "true")  # the development database and settings
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from procrastinate.contrib.django.models import ProcrastinateJob

    from articles.models import Article
    from subscriptions import digest
    from subscriptions.models import DigestIssue, DigestRun, NewsletterSubscriber

    database = connection.settings_dict["NAME"]
    print(f"Database: {database}; mail: {settings.MAILERS['default']['BACKEND']} on port {port}")

    articles = list(
        Article.objects.published().exclude(section=None).order_by("-publish_at")[:ARTICLES_IN_ISSUE]
    )
    if not articles:
        sys.exit("No published articles in the development database: run `make seed` first.")
    section_ids = sorted({article.section_id for article in articles})

    cleanup(NewsletterSubscriber, DigestIssue)
    started = time.perf_counter()
    create_subscribers(NewsletterSubscriber, args.subscribers, section_ids)
    print(f"Created {args.subscribers:,} confirmed subscribers in {time.perf_counter() - started:.1f} s")

    window_end = timezone.make_aware(datetime.combine(BENCH_DATE, digest.send_time()))
    DigestIssue.objects.create(
        date=BENCH_DATE,
        window_start=window_end - timedelta(days=1),
        window_end=window_end,
        article_ids=[article.pk for article in articles],
    )
    print(f"Issue of {BENCH_DATE} with {len(articles)} articles from {len(section_ids)} sections")
    others = NewsletterSubscriber.objects.confirmed().exclude(email__endswith=f"@{BENCH_DOMAIN}").count()
    if others:
        print(
            f"(also {others} confirmed subscribers already in this database; "
            "they get the issue too, at the sink)"
        )

    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    baseline_rss = rss_mib()
    rss_samples = []
    last_report = [0]
    sending_started = time.perf_counter()

    worker_done = threading.Event()

    def report_progress(run_id):
        while not worker_done.wait(1):
            run = DigestRun.objects.get(pk=run_id)
            done = run.sent + run.skipped + run.failed
            if done - last_report[0] >= 10_000 or done >= args.subscribers:
                last_report[0] = done
                elapsed = time.perf_counter() - sending_started
                rss = rss_mib()
                rss_samples.append(rss)
                print(
                    f"  {done:>7,} done ({run.sent:,} sent, {run.skipped:,} skipped) "
                    f"in {elapsed:6.1f} s, {run.sent / elapsed:6.0f} msg/s, "
                    f"sink has {counter.value:,}, RSS {rss:6.1f} MiB",
                    flush=True,
                )
        connection.close()

    run = digest.send_digest(BENCH_DATE, batch_size=args.batch_size)
    batches = ProcrastinateJob.objects.filter(
        task_name="subscriptions.tasks.send_digest_batch", status="todo"
    )
    print(f"Queued {batches.count():,} batch jobs in {time.perf_counter() - sending_started:.1f} s")
    reporter = threading.Thread(target=report_progress, args=(run.pk,), daemon=True)
    reporter.start()
    call_command("procrastinate", "worker", "--one-shot", "--no-listen-notify", "--delete-jobs", "successful")
    worker_done.set()
    reporter.join()
    run.refresh_from_db()
    elapsed = time.perf_counter() - sending_started
    traced_peak = None
    if args.tracemalloc:
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    # The sink counts asynchronously; give it a moment to take the last replies into account.
    deadline = time.time() + 5
    while counter.value < run.sent and time.time() < deadline:
        time.sleep(0.05)
    received = counter.value
    again = digest.send_digest(BENCH_DATE, batch_size=args.batch_size)

    print()
    print("Summary")
    print(f"  subscribers          {args.subscribers:,} (batch size {args.batch_size})")
    print(f"  messages sent        {run.sent:,} (skipped {run.skipped:,}, failed {run.failed:,})")
    print(f"  received by the sink {received:,}")
    print(f"  time                 {elapsed:.1f} s")
    print(f"  throughput           {run.sent / elapsed:.0f} messages/s")
    print(f"  mail connections     about {-(-run.sent // args.batch_size):,} (one per batch job)")
    print(f"  RSS before sending   {baseline_rss:.1f} MiB")
    if rss_samples:
        print(f"  RSS during sending   {min(rss_samples):.1f} to {max(rss_samples):.1f} MiB")
    print(f"  peak RSS (process)   {peak_rss_mib():.1f} MiB")
    if traced_peak is not None:
        print(f"  tracemalloc peak     {traced_peak / 2**20:.1f} MiB (Python allocations while sending)")
    print(
        f"  second run           {'sent nothing (issue complete)' if again is None else f'sent {again.sent}'}"
    )

    if not args.keep:
        cleanup(NewsletterSubscriber, DigestIssue)
        print("Removed the benchmark's subscribers and issue.")
    sink.terminate()
    if received != run.sent:
        sys.exit(f"The sink received {received:,} messages but {run.sent:,} were recorded as sent.")


def create_subscribers(model, count, section_ids):
    """Bulk-insert confirmed subscribers: most want every section, some one section each."""
    from django.utils import timezone

    now = timezone.now()
    through = model.sections.through
    chunk = 10_000
    for start in range(0, count, chunk):
        rows = [
            model(email=f"reader{number:06d}@{BENCH_DOMAIN}", state=model.State.CONFIRMED, confirmed_at=now)
            for number in range(start, min(start + chunk, count))
        ]
        created = model.objects.bulk_create(rows, batch_size=chunk)
        picks = [
            through(newslettersubscriber_id=subscriber.pk, section_id=section_ids[number % len(section_ids)])
            for number, subscriber in enumerate(created)
            if number % 10 < 3
        ]
        through.objects.bulk_create(picks, batch_size=chunk)


def cleanup(subscriber_model, issue_model):
    issue_model.objects.filter(date=BENCH_DATE).delete()
    subscriber_model.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()


if __name__ == "__main__":
    main()
