"""Retries with back-off for Django tasks.

Django's tasks framework records a failed task but does not run it again. A function declared
with `@retrying_task()` instead of `@task()` enqueues a fresh attempt after a failure, after an
exponentially growing delay (30 s, 60 s, 120 s, ... by default) until TASK_MAX_ATTEMPTS, then
lets the failure stand in the task results. Tasks must therefore be idempotent: an attempt may
have half-run before it failed.
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


def retry_delay(attempt):
    return timedelta(seconds=settings.TASK_RETRY_BASE_SECONDS * 2 ** (attempt - 1))


def retrying_task(**task_options):
    def decorate(func):
        @functools.wraps(func)
        def run(*args, attempt=1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:
                if attempt >= settings.TASK_MAX_ATTEMPTS:
                    logger.exception("%s failed for good after %d attempts", func.__name__, attempt)
                    raise
                delay = retry_delay(attempt)
                logger.warning("%s failed (attempt %d); retrying in %s", func.__name__, attempt, delay)
                the_task.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1, **kwargs)
                raise

        the_task = task(**task_options)(run)
        return the_task

    return decorate


def enqueue_on_commit(task_obj, *args, **kwargs):
    """Queue a task once the surrounding transaction commits, so it never sees rows that
    were rolled back and never runs before the rows it needs exist."""
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs))
