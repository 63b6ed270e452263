"""Time the audit log's admin list at a million rows.

Entries cannot be deleted, so this fills a scratch database, never a real one: it refuses to
run unless the database name starts with "bench". Run it as

    createdb -h var/pg/run bench_audit
    DATABASE_URL=postgres://newsroom@/bench_audit?host=$PWD/var/pg/run \\
        python manage.py migrate && python manage.py audit_benchmark --rows 1000000

It prints, for each list a superuser opens (unfiltered, each filter, a search), the median
time of the whole admin request and the plan of its main query.
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry

FILL_SLICE = 50_000
FILL_SQL = """
INSERT INTO audit_auditentry
    (created_at, actor_id, actor_name, action, object_type, object_id, object_repr, ip_address, detail)
SELECT now() - (n || ' seconds')::interval,
       CASE WHEN n %% 10 = 0 THEN NULL ELSE %(actor)s END,
       CASE WHEN n %% 10 = 0 THEN '' ELSE %(actor_name)s END,
       (ARRAY['changed','published','withdrawn','comment_removed','comment_approved','added'])[1 + n %% 6],
       'articles.article', (n %% 100000)::text,
       'Council reviews budget plan number ' || n,
       '192.0.2.1', '{}'::jsonb
FROM generate_series(%(start)s, %(stop)s) AS n
"""


class Command(BaseCommand):
    help = "Fill a scratch database with audit entries and time the admin list on it."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, rows, repeat, **options):
        name = settings.DATABASES["default"]["NAME"]
        if not str(name).startswith("bench"):
            raise CommandError(
                f"Refusing to fill “{name}”: use a scratch database whose name starts with bench."
            )
        User = get_user_model()
        chief, _ = User.objects.get_or_create(
            email="bench-chief@example.org", defaults={"is_staff": True, "is_superuser": True}
        )
        have = AuditEntry.objects.count()
        if have < rows:
            self.stdout.write(f"Adding {rows - have:,} entries (have {have:,})…")
            started = time.perf_counter()
            with connection.cursor() as cursor:
                # In slices, each well inside the statement timeout (the trigram indexes make
                # inserts dearer than the rows alone).
                for start in range(have + 1, rows + 1, FILL_SLICE):
                    stop = min(start + FILL_SLICE - 1, rows)
                    cursor.execute(
                        FILL_SQL, {"actor": chief.pk, "actor_name": chief.email, "start": start, "stop": stop}
                    )
                    self.stdout.write(f"  {stop:,} rows")
                cursor.execute("VACUUM ANALYZE audit_auditentry")
            self.stdout.write(f"  filled in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(chief)
        url = reverse("admin:audit_auditentry_changelist")
        cases = {
            "unfiltered, page 1": "",
            "unfiltered, page 50": "?p=50",
            "by actor": f"?actor={chief.pk}",
            "automatic processes": "?actor=none",
            "by action": "?action=withdrawn",
            "last 7 days": "?created_at__gte=" + _days_ago(7),
            "search a headline word": "?q=number+123456",
            "search an address": "?q=bench-chief",
        }
        self.stdout.write(f"{'list':<26}{'median ms':>10}{'queries':>9}  slowest query ms")
        results = []
        for label, query in cases.items():
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url + query)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            median = statistics.median(timings)
            results.append((label, median))
            self.stdout.write(
                f"{label:<26}{median:>10.1f}{len(captured):>9}  {float(slowest['time']) * 1000:.1f}"
            )
        total = AuditEntry.objects.count()
        worst = max(results, key=lambda r: r[1])
        self.stdout.write(
            f"\nSummary: {total:,} audit entries; {len(cases)} admin lists opened {repeat} times each; "
            f"the slowest was “{worst[0]}” at a median of {worst[1]:.0f} ms per request. "
            "Timings on a shared machine are indicative only: re-run on a quiet one."
        )


def _days_ago(days):
    from datetime import timedelta
    from urllib.parse import quote

    from django.utils import timezone

    return quote(str(timezone.now() - timedelta(days=days)))
