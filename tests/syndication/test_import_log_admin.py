"""The import log in the admin: per run and per source, counts and reasons, read-only."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from syndication.models import ImportRun, SourceImport


@pytest.fixture
def imported_twice(feed_server, make_source, editor):
    """Two runs: a healthy feed whose article an editor then edited, and a feed that is gone."""
    healthy = make_source(feed_server.feed("/rss.xml", "rss.xml"), name="Fiscal Studies Institute")
    broken = make_source(feed_server.url("/gone.xml"), name="Defunct Think Tank")
    call_command("import_feeds", stdout=io.StringIO())
    article = Article.objects.get(syndication_guid="fiscal-2026-0142")
    article.headline = "Our own headline"
    article._history_user = editor
    article.save()
    feed_server.feed("/rss.xml", "rss_updated.xml")
    call_command("import_feeds", stdout=io.StringIO())
    return healthy, broken


@pytest.mark.django_db
def test_the_run_list_shows_each_runs_counts(admin_client, imported_twice):
    response = admin_client.get("/admin/syndication/importrun/")

    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert [
        (
            run.source_count,
            run.total_fetched,
            run.total_new,
            run.total_unchanged,
            run.total_skipped,
            run.feeds_failed,
        )
        for run in rows
    ] == [(2, 2, 0, 1, 1, 1), (2, 2, 2, 0, 0, 1)]
    assert "Command line" in response.text


@pytest.mark.django_db
def test_a_run_page_shows_each_source_and_the_feed_error(admin_client, imported_twice, feed_server):
    run = ImportRun.objects.order_by("started_at").last()

    response = admin_client.get(f"/admin/syndication/importrun/{run.pk}/change/")

    assert response.status_code == 200
    assert "Fiscal Studies Institute" in response.text
    assert "Defunct Think Tank" in response.text
    assert f"The server answered 404 Not Found for {feed_server.url('/gone.xml')}." in response.text


@pytest.mark.django_db
def test_a_source_page_lists_the_skipped_items_with_their_reason(admin_client, imported_twice):
    healthy, _ = imported_twice
    source_import = SourceImport.objects.filter(source=healthy).latest("started_at")

    response = admin_client.get(f"/admin/syndication/sourceimport/{source_import.pk}/change/")

    assert response.status_code == 200
    assert "Council tax bills rise faster than wages, new figures show" in response.text
    assert "so the partner&#x27;s changes were not applied." in response.text


@pytest.mark.django_db
def test_the_log_cannot_be_added_to_changed_or_deleted_in_the_admin(admin_client, imported_twice):
    run = ImportRun.objects.first()

    assert admin_client.get("/admin/syndication/importrun/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/syndication/importrun/{run.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert ImportRun.objects.filter(pk=run.pk).exists()
    page = admin_client.get(f"/admin/syndication/importrun/{run.pk}/change/").text
    assert 'name="_save"' not in page
