"""Give tasks back to the queue when the worker running them was killed.

django-tasks-db marks a task "running" when a worker takes it and "successful" or "failed"
when it ends; a worker killed in between (kill -9, out of memory, the machine rebooted)
leaves it "running" for ever, and its work (the rest of a digest, a share's other
recipients) is never done. Our tasks are idempotent, so running such a task again is safe.

A worker started through scripts/run.sh (or ops/faults.py) takes the id "<host>:<pid>", so
`manage.py requeue_interrupted_tasks`, run before a worker starts, can tell a task whose
worker is gone from one a live worker on this or another machine is still running. Tasks
taken by workers named otherwise (another host, or a random id) are never touched.
"""

import logging
import os
import socket
from pathlib import Path

from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def this_host():
    # db_worker accepts ids of up to 64 characters; the pid needs at most 8 of them.
    return socket.gethostname()[:48]


def worker_id(pid=None):
    return f"{this_host()}:{pid or os.getpid()}"


def worker_is_gone(pid):
    """Whether no db_worker runs with this process id here (a dead or reused pid)."""
    proc = Path(f"/proc/{pid}")
    try:
        stat = (proc / "stat").read_text()
        command = (proc / "cmdline").read_bytes()
    except OSError:
        return True
    # The state follows the parenthesised command name; Z is a killed process not yet reaped.
    state = stat.rsplit(")", 1)[1].split()[0]
    return state in {"Z", "X"} or not (b"db_worker" in command or b"task_worker" in command)


def abandoned(task_result):
    """The pid of the local worker that took this task and has gone since, or None."""
    if not task_result.worker_ids:
        return None
    host, _, pid = str(task_result.worker_ids[-1]).rpartition(":")
    if host != this_host() or not pid.isdigit():
        return None
    return int(pid) if worker_is_gone(int(pid)) else None


def requeue_interrupted_tasks():
    """Put every task left "running" by a killed worker of this host back in the queue.
    Returns (requeued, left): how many went back, and how many running tasks were left alone."""
    requeued = left = 0
    for task_result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("enqueued_at"):
        pid = abandoned(task_result)
        if pid is None:
            left += 1
            continue
        # Only if still running: a worker may have finished it since we looked.
        changed = DBTaskResult.objects.filter(pk=task_result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        if changed:
            requeued += 1
            logger.warning(
                "requeued task %s (%s): its worker %s is gone", task_result.pk, task_result.task_path, pid
            )
    return requeued, left
