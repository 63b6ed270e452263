"""What every background job of ours shares.

Jobs are Procrastinate tasks, declared in `<app>/tasks.py` with
`@app.task(retry=RETRY_WITH_BACK_OFF)` (`app` from procrastinate.contrib.django) and run by
`manage.py procrastinate worker`. A failed job is retried by Procrastinate itself: at most
TASK_MAX_ATTEMPTS runs in all, the n-th retry TASK_RETRY_BASE_SECONDS ** n seconds later
(5, 25, 125, 625 s by default). Jobs must therefore be idempotent: an attempt may have half-run
before it failed, and a job whose worker died is run again (newsroom/tasks.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from procrastinate import RetryStrategy

# Procrastinate counts retries, not runs; and a max_attempts of 0 would mean "for ever".
RETRY_WITH_BACK_OFF = (
    RetryStrategy(
        max_attempts=settings.TASK_MAX_ATTEMPTS - 1,
        exponential_wait=settings.TASK_RETRY_BASE_SECONDS,
    )
    if settings.TASK_MAX_ATTEMPTS > 1
    else False
)


def defer_on_commit(task, **task_kwargs):
    """Queue a job once the surrounding transaction commits, so it never sees rows that were
    rolled back and never runs before the rows it needs exist. `task` is a task or a task
    configured with `.configure(lock=..., queueing_lock=...)`; Procrastinate has no
    on-commit deferral of its own when it shares Django's connection."""
    transaction.on_commit(lambda: task.defer(**task_kwargs))


def falls_due(timestamp, every):
    """Whether a periodic job that runs each minute should work at its scheduled `timestamp`
    (the seconds since the epoch that Procrastinate passes it) when its interval is `every`
    (a timedelta read from settings). Cron cannot say "every 45 minutes", and a cron line
    built from settings at import would not follow them; so the job runs each minute and works
    on the minutes that are a multiple of the interval. Minutes a stopped worker missed are
    deferred when it starts again (Procrastinate's periodic max_delay, 10 minutes)."""
    minutes = max(1, every // timedelta(minutes=1))
    return (timestamp // 60) % minutes == 0
