"""The import runs every SYNDICATION_INTERVAL_MINUTES through the real queue and worker."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from newsroom.lib.periodic import ensure_scheduled
from syndication.models import ImportRun
from syndication.tasks import import_partner_feeds

IMPORT_TASK = "syndication.tasks.import_partner_feeds"


def schedule():
    out = io.StringIO()
    call_command("schedule_periodic_tasks", stdout=out)
    return out.getvalue()


def run_worker_until_idle():
    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, interval=0.1, verbosity=0)


def pending_imports():
    return DBTaskResult.objects.filter(task_path=IMPORT_TASK, status=TaskResultStatus.READY)


@pytest.mark.django_db
def test_scheduling_twice_leaves_exactly_one_pending_import():
    before = timezone.now()

    first = schedule()
    second = schedule()

    assert pending_imports().count() == 1
    assert before <= pending_imports().get().run_after <= timezone.now()
    assert f"{IMPORT_TASK}: first run queued for" in first
    assert f"{IMPORT_TASK}: already queued for" in second
    assert "0 newly queued" in second


@pytest.mark.django_db(transaction=True)
def test_workers_scheduling_at_the_same_moment_queue_one_import_between_them():
    start = threading.Barrier(6)
    errors = []

    def schedule_from_another_process():
        try:
            start.wait()
            ensure_scheduled(import_partner_feeds)
        except Exception as error:  # pragma: no cover - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=schedule_from_another_process) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert pending_imports().count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduled_import_and_queues_the_next_run(feed_server, make_source, settings):
    settings.SYNDICATION_INTERVAL_MINUTES = 30
    source = make_source(feed_server.feed("/rss.xml", "rss.xml"))
    schedule()

    run_worker_until_idle()
    finished = timezone.now()

    assert Article.objects.filter(source=source).count() == 2
    run = ImportRun.objects.get()
    assert run.trigger == ImportRun.Trigger.SCHEDULE
    assert run.source_imports.get().new == 2
    done = DBTaskResult.objects.get(task_path=IMPORT_TASK, status=TaskResultStatus.SUCCESSFUL)
    assert done.return_value == {"import_run": run.pk}
    next_run = pending_imports().get()
    assert finished + timedelta(minutes=29) < next_run.run_after <= finished + timedelta(minutes=30)

    # Scheduling again (a deploy, a second worker) leaves the queued run as it is.
    schedule()
    assert list(pending_imports()) == [next_run]


@pytest.mark.django_db(transaction=True)
def test_a_run_that_fails_still_queues_the_next_one(monkeypatch, settings):
    settings.SYNDICATION_INTERVAL_MINUTES = 10

    def import_that_breaks(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("syndication.tasks.import_feeds", import_that_breaks)
    schedule()

    run_worker_until_idle()

    assert DBTaskResult.objects.get(task_path=IMPORT_TASK, status=TaskResultStatus.FAILED)
    assert pending_imports().get().run_after > timezone.now() + timedelta(minutes=9)
