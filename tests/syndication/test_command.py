"""`manage.py import_feeds`: which sources it imports and what it tells the person running it."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from syndication.models import ImportRun


@pytest.mark.django_db
def test_only_sources_whose_import_is_on_are_imported(feed_server, make_source):
    active = make_source(feed_server.feed("/rss.xml", "rss.xml"))
    switched_off = make_source(feed_server.feed("/atom.xml", "atom.xml"), import_active=False)

    call_command("import_feeds", stdout=io.StringIO())

    assert Article.objects.filter(source=active).count() == 2
    assert not Article.objects.filter(source=switched_off).exists()
    assert feed_server.requests_to("/atom.xml") == []


@pytest.mark.django_db
def test_one_source_can_be_imported_on_its_own(feed_server, make_source):
    make_source(feed_server.feed("/rss.xml", "rss.xml"))
    transport = make_source(feed_server.feed("/atom.xml", "atom.xml"), slug="transport-review")
    out = io.StringIO()

    call_command("import_feeds", "--source", "transport-review", stdout=out)

    assert list(Article.objects.values_list("source__slug", flat=True)) == ["transport-review"]
    run = ImportRun.objects.get()
    assert run.trigger == ImportRun.Trigger.COMMAND
    assert out.getvalue().splitlines() == [
        f"{transport.name}: fetching {transport.feed_url}",
        f"{transport.name}: 1 fetched, 1 new, 0 updated, 0 unchanged, 0 skipped, 0 failed",
        "1 source(s): 1 items fetched, 1 new, 0 updated, 0 unchanged, 0 skipped, 0 failed; 0 feed(s) failed.",
        f"Log: /admin/syndication/importrun/{run.pk}/change/",
    ]


@pytest.mark.django_db
def test_an_unknown_or_switched_off_source_is_refused_by_name(make_source):
    make_source(
        "https://partner.example/feed.xml", slug="dormant", name="Dormant Partner", import_active=False
    )

    with pytest.raises(CommandError, match="No source has the slug “missing”"):
        call_command("import_feeds", "--source", "missing")
    with pytest.raises(CommandError, match="Importing is switched off for Dormant Partner"):
        call_command("import_feeds", "--source", "dormant")
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_runs_older_than_the_retention_period_leave_the_log(feed_server, make_source, settings):
    settings.SYNDICATION_LOG_RETENTION_DAYS = 90
    make_source(feed_server.feed("/rss.xml", "rss.xml"))
    old, recent = ImportRun.objects.create(trigger="command"), ImportRun.objects.create(trigger="command")
    ImportRun.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(days=91))
    ImportRun.objects.filter(pk=recent.pk).update(started_at=timezone.now() - timedelta(days=89))

    call_command("import_feeds", stdout=io.StringIO())

    assert not ImportRun.objects.filter(pk=old.pk).exists()
    assert ImportRun.objects.filter(pk=recent.pk).exists()
    assert ImportRun.objects.count() == 2
