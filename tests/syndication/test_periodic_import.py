"""The import runs every SYNDICATION_INTERVAL_MINUTES through the real queue and worker."""

from functools import partial

import pytest
from django.db import transaction
from procrastinate.exceptions import AlreadyEnqueued

from articles.models import Article
from syndication.models import ImportRun
from syndication.tasks import import_partner_feeds
from tests.concurrency import at_the_same_moment
from tests.jobs import jobs, run_worker_until_idle, schedule_of

IMPORT_TASK = "syndication.tasks.import_partner_feeds"
# Seconds since the epoch, as the worker's schedule passes them: on the hour, and 10 minutes on.
ON_THE_HOUR = 1_800_000_000
TEN_PAST = ON_THE_HOUR + 600


def test_the_worker_looks_every_minute_whether_an_import_is_due():
    assert schedule_of(IMPORT_TASK) == "* * * * *"


@pytest.mark.django_db
def test_an_import_already_waiting_in_the_queue_is_not_queued_twice():
    import_partner_feeds.defer(timestamp=ON_THE_HOUR)

    with pytest.raises(AlreadyEnqueued), transaction.atomic():
        import_partner_feeds.defer(timestamp=TEN_PAST)

    assert [job.status for job in jobs(IMPORT_TASK)] == ["todo"]


@pytest.mark.django_db(transaction=True)
def test_workers_queueing_at_the_same_moment_queue_one_import_between_them():
    outcomes = at_the_same_moment(
        *[partial(import_partner_feeds.defer, timestamp=ON_THE_HOUR)] * 6, expected=AlreadyEnqueued
    )

    assert sum(isinstance(outcome, AlreadyEnqueued) for outcome in outcomes) == 5
    assert jobs(IMPORT_TASK).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_imports_on_the_minutes_the_interval_names_only(feed_server, make_source, settings):
    settings.SYNDICATION_INTERVAL_MINUTES = 30
    source = make_source(feed_server.feed("/rss.xml", "rss.xml"))

    import_partner_feeds.defer(timestamp=TEN_PAST)
    run_worker_until_idle()
    assert not ImportRun.objects.exists()

    import_partner_feeds.defer(timestamp=ON_THE_HOUR + 1800)
    run_worker_until_idle()

    assert Article.objects.filter(source=source).count() == 2
    run = ImportRun.objects.get()
    assert run.trigger == ImportRun.Trigger.SCHEDULE
    assert run.source_imports.get().new == 2
    assert [job.status for job in jobs(IMPORT_TASK)] == ["succeeded", "succeeded"]


@pytest.mark.django_db(transaction=True)
def test_a_run_that_fails_is_not_retried_the_next_due_minute_runs_instead(monkeypatch, settings):
    settings.SYNDICATION_INTERVAL_MINUTES = 10

    def import_that_breaks(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("syndication.tasks.import_feeds", import_that_breaks)
    import_partner_feeds.defer(timestamp=TEN_PAST)

    run_worker_until_idle()

    [failed] = jobs(IMPORT_TASK)
    assert (failed.status, failed.attempts) == ("failed", 1)  # tried once, not retried
