"""Running the job queue in tests: the real worker, or each job at once."""

import logging
import threading
from unittest import mock

from django.core.management import call_command
from django.db import connection, connections
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.manager import JobManager

logger = logging.getLogger(__name__)
defer_into_the_queue = JobManager.batch_defer_jobs


def run_worker_until_idle():
    """Procrastinate's real worker (`manage.py procrastinate worker`), in this process, until no
    job is waiting. It reads the committed queue through its own connection, so the test must
    be a transactional one. The cron schedule is left out: it would add jobs at whichever
    minute the test happens to run; the schedule's own tests read it from the registry.

    It runs in a thread of its own: once a browser test has run, Playwright keeps an event loop
    running in the test thread for the rest of the session, and asyncio.run() refuses to start
    inside one."""
    failures = []

    def work():
        try:
            call_command(
                "procrastinate",
                "worker",
                "--one-shot",
                "--no-listen-notify",
                "--fetch-job-polling-interval=0.1",
            )
        except BaseException as error:  # raised again in the test's thread
            failures.append(error)
        finally:
            connections.close_all()

    with mock.patch.dict(app.periodic_registry.periodic_tasks, clear=True):
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
    if failures:
        raise failures[0]


def jobs(task_name):
    return ProcrastinateJob.objects.filter(task_name=task_name).order_by("id")


def run_at_once(job_manager, jobs, connection=None):
    """Stands in for JobManager.batch_defer_jobs (the jobs_run_at_once fixture): each job runs
    when it is deferred, in the test's thread and transaction, as Django's ImmediateBackend ran
    tasks, so a test sees in the outbox what a form sent. A job that fails is logged and goes
    no further, as on a worker out of attempts."""
    for job in jobs:
        try:
            app.tasks[job.task_name](**job.task_kwargs)
        except Exception:
            logger.exception("job %s failed", job.call_string)
    return [job.evolve(id=number, status="succeeded") for number, job in enumerate(jobs, start=1)]


def schedule_of(task_name):
    """The cron line the worker runs this task on."""
    [cron] = [
        periodic.cron
        for periodic in app.periodic_registry.periodic_tasks.values()
        if periodic.task.name == task_name
    ]
    return cron


def let_back_off_pass():
    """Jobs waiting to be retried become due, as if their back-off had passed."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = NOW() WHERE status = 'todo'")
