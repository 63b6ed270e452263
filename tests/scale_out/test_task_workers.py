"""Several workers share the PostgreSQL job queue without running any job twice."""

import sys
import time
from collections import Counter

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from tests.scale_out.processes import ROOT, Process, app_environment
from tests.scale_out.tasks import record_run

TASKS = 300
RECORD_RUN = "tests.scale_out.tasks.record_run"


def worker(env, name):
    """`manage.py procrastinate worker` as deployed, which also knows the test's task."""
    command = [sys.executable, str(ROOT / "manage.py"), "procrastinate", "worker", "--name", name]
    return Process(name, command, env={**env, "DJANGO_SETTINGS_MODULE": "tests.worker_settings"})


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

    with worker(env, "worker-1") as first, worker(env, "worker-2") as second:
        workers = [first, second]
        # Both workers polling before the work arrives, so neither has a head start.
        wait_until(
            lambda: all("Starting worker" in w.output() for w in workers), timeout=60, processes=workers
        )
        record_run.batch_defer(*({"number": number, "log_path": str(runs)} for number in range(TASKS)))
        wait_until(
            lambda: (
                ProcrastinateJob.objects.filter(task_name=RECORD_RUN, status="succeeded").count() == TASKS
            ),
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
    assert not ProcrastinateJob.objects.filter(task_name=RECORD_RUN).exclude(status="succeeded").exists()
