"""Several task workers share the database queue without running any task twice."""

import sys
import time
from collections import Counter

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.scale_out.processes import ROOT, Process, app_environment
from tests.scale_out.tasks import record_run

TASKS = 300


def db_worker(env, name):
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--queue-name", "*"]
    command += ["--interval", "0.1", "--no-startup-delay", "--no-reload", "--verbosity", "1"]
    return Process(name, command, env=env)


def wait_until(condition, *, timeout, processes):
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            process.check_running()
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.output()[-2000:]}" for p in processes)
            raise AssertionError(f"gave up waiting after {timeout} s\n{logs}")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_queue_and_run_every_task_exactly_once(shared_cache, key_prefix, tmp_path):
    runs = tmp_path / "runs.log"
    runs.touch()
    env = app_environment(cache_url=shared_cache, key_prefix=key_prefix)

    with db_worker(env, "worker-1") as first, db_worker(env, "worker-2") as second:
        workers = [first, second]
        # Both workers polling before the work arrives, so neither has a head start.
        wait_until(
            lambda: all("Starting worker" in w.output() for w in workers), timeout=60, processes=workers
        )
        for number in range(TASKS):
            record_run.enqueue(number, str(runs))
        wait_until(
            lambda: DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == TASKS,
            timeout=120,
            processes=workers,
        )
        worker_pids = {str(first.popen.pid), str(second.popen.pid)}

    lines = [line.split() for line in runs.read_text().splitlines()]
    runs_per_task = Counter(int(number) for number, _ in lines)
    tasks_per_worker = Counter(pid for _, pid in lines)
    assert sorted(runs_per_task) == list(range(TASKS))
    assert set(runs_per_task.values()) == {1}
    assert set(tasks_per_worker) == worker_pids
    assert min(tasks_per_worker.values()) > TASKS // 10, tasks_per_worker
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
