"""Periodic tasks on Django's tasks framework, which has no scheduler of its own.

A function declared with `@periodic_task(every=...)` is an ordinary task that, when a run
finishes (successfully or not), enqueues its own next run for `every` later. The chain is
started, and repaired if a run was lost (a worker killed mid-task), by
`manage.py schedule_periodic_tasks`, which the worker's start-up script runs: it makes sure each
registered periodic task has exactly one pending run.

"Is there a pending run? If not, enqueue one" must not race between two workers or two
deploys, so it runs under a PostgreSQL advisory lock per task, held until the transaction that
enqueues commits. Pending runs are read from django-tasks-db's table, the backend we use.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    task: object
    every: Callable[[], timedelta]

    @property
    def name(self):
        return self.task.module_path

    def interval(self):
        return self.every()


_registry: dict[str, PeriodicTask] = {}


def periodic_task(*, every, **task_options):
    """Declare a task that runs again `every` after each run finishes.

    `every` is a timedelta or a function returning one; a function is read at each run, so an
    interval taken from settings follows the settings. The task takes no arguments.
    """
    interval = every if callable(every) else (lambda: every)

    def decorate(func):
        @functools.wraps(func)
        def run():
            try:
                return func()
            finally:
                # Even a failed run keeps the chain going: the next run is the retry.
                ensure_scheduled(the_task, run_after=timezone.now() + interval())

        the_task = task(**task_options)(run)
        _registry[the_task.module_path] = PeriodicTask(task=the_task, every=interval)
        return the_task

    return decorate


def registered_periodic_tasks():
    """Every periodic task of the installed apps (their `tasks` modules are imported first)."""
    autodiscover_modules("tasks")
    return sorted(_registry.values(), key=lambda periodic: periodic.name)


def pending_runs(task_obj):
    return DBTaskResult.objects.filter(task_path=task_obj.module_path, status=TaskResultStatus.READY)


def _lock_key(name):
    # pg_advisory_xact_lock takes a signed 64-bit key; derive a stable one from the task's path.
    return int.from_bytes(hashlib.sha256(f"periodic:{name}".encode()).digest()[:8], "big", signed=True)


def ensure_scheduled(task_obj, *, run_after=None):
    """Enqueue a run of `task_obj` at `run_after` (now when None) unless one is already pending.

    Returns the pending run's time and whether this call enqueued it. Safe to call from
    several processes at once: only one of them enqueues.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(task_obj.module_path)])
        existing = pending_runs(task_obj).order_by("run_after").first()
        if existing is not None:
            return existing.run_after, False
        when = run_after or timezone.now()
        task_obj.using(run_after=when).enqueue()
        logger.info("scheduled %s for %s", task_obj.module_path, when.isoformat())
        return when, True
