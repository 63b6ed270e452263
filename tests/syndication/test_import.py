"""Partner feeds become articles: what each field is taken from, and what a second run does."""

import io
import threading
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from PIL import Image
from taggit.models import Tag

from articles.models import Article, Source
from authors.models import Author
from newsroom.lib.locks import try_lock
from syndication.models import ItemProblem, SourceImport
from syndication.services import SOURCE_LOCK
from tests.factories import AuthorFactory


def run_import(*args):
    out = io.StringIO()
    call_command("import_feeds", *args, stdout=out)
    return out.getvalue()


def latest_log(source):
    return SourceImport.objects.filter(source=source).latest("started_at")


@pytest.mark.django_db
def test_an_rss_feed_becomes_draft_articles_with_bylines_tags_and_the_original_link(
    feed_server, make_source, world_news
):
    source = make_source(feed_server.feed("/rss.xml", "rss.xml"), default_tags="Partner research, Taxation")

    output = run_import()

    council, schools = Article.objects.filter(source=source).order_by("-publish_at")
    assert council.headline == "Council tax bills rise faster than wages"
    assert council.status == Article.Status.DRAFT
    assert council.section == world_news
    assert council.standfirst == "Bills in England rose 4.9% this year, while pay rose 3.1%."
    assert (
        council.body == "<p>Bills in England rose <strong>4.9%</strong> this year, while pay rose 3.1%.</p>"
    )
    assert council.original_url == "https://fiscal.example/2026/council-tax-bills"
    assert council.canonical_url == "https://fiscal.example/2026/council-tax-bills"
    assert council.publish_at == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    assert council.syndication_guid == "fiscal-2026-0142"
    assert [b.author.name for b in council.bylines.all()] == ["Priya Raman", "Tom Okafor"]
    assert council.author_names == "Priya Raman, Tom Okafor"
    # Categories plus the source's default tags, "Taxation" only once.
    assert sorted(council.tags.names()) == ["Local government", "Partner research", "Taxation"]

    # No GUID: the link identifies it. The RSS author field "email (Name)" gives the name only.
    assert schools.syndication_guid == "https://fiscal.example/2026/spending-review-schools"
    assert [b.author.name for b in schools.bylines.all()] == ["Ada Lovelace"]
    assert schools.body == "<p>Per-pupil funding is flat in real terms until 2028.</p>"
    assert sorted(schools.tags.names()) == ["Education", "Partner research", "Taxation"]

    log = latest_log(source)
    assert (log.status, log.fetched, log.new, log.updated, log.unchanged, log.skipped, log.failed) == (
        SourceImport.Status.IMPORTED, 2, 2, 0, 0, 0, 0,
    )  # fmt: skip
    assert f"{source.name}: 2 fetched, 2 new, 0 updated, 0 unchanged, 0 skipped, 0 failed" in output
    assert "1 source(s): 2 items fetched, 2 new" in output


@pytest.mark.django_db
def test_an_atom_feed_matches_authors_by_name_whatever_the_case_and_creates_the_others(
    feed_server, make_source
):
    priya = AuthorFactory(name="Priya Raman", slug="priya-raman")
    AuthorFactory(name="Marta Nowak-Jones", slug="marta-nowak")
    source = make_source(feed_server.feed("/atom.xml", "atom.xml"), name="Transport Policy Review")

    run_import()

    article = Article.objects.get(source=source)
    assert article.headline == "Bus routes cut & fares frozen"
    assert article.standfirst == "Forty rural routes will stop running in April."
    assert "<h2>Who is affected</h2>" in article.body
    assert article.original_url == "https://transport.example/articles/bus-routes"
    assert article.publish_at == datetime(2026, 3, 4, 7, 45, tzinfo=UTC)
    marta, matched = [byline.author for byline in article.bylines.all()]
    assert matched == priya
    assert (marta.name, marta.slug, marta.organisation) == (
        "Marta Nowak",
        "marta-nowak-2",
        "Transport Policy Review",
    )
    assert sorted(article.tags.names()) == ["Transport", "buses"]


@pytest.mark.django_db
def test_full_content_becomes_the_body_and_the_enclosed_image_is_stored_as_our_own_rendition(
    feed_server, make_source
):
    feed_server.image("/images/rents.png", size=(2400, 1200), image_format="PNG", mode="RGBA")
    source = make_source(feed_server.feed("/housing.xml", "rss_content_encoded.xml"))

    run_import()

    rents = Article.objects.get(source=source, headline="Rents outpace inflation for a third year")
    assert rents.standfirst == "Private rents rose 7% in the year to February."
    assert rents.body.startswith("<p>Private rents rose <em>7%</em> in the year to February.</p>")
    assert '<a href="https://housing.example/data" rel="noopener">data tables</a>' in rents.body
    assert rents.featured_image.name.startswith("articles/")
    assert rents.featured_image.name.endswith(".jpg")
    with Image.open(rents.featured_image.path) as stored:
        assert (stored.format, stored.size) == ("JPEG", (1600, 800))
    assert rents.image_alt == "Rents outpace inflation for a third year"
    assert rents.image_credit == "Photograph: Housing Observatory"

    # The other item's media:content answers 404: the article comes without a picture, and
    # the log says why.
    waiting = Article.objects.get(source=source, headline="Social housing waiting lists in numbers")
    assert not waiting.featured_image
    warning = ItemProblem.objects.get(kind=ItemProblem.Kind.WARNING)
    assert warning.article == waiting
    assert warning.reason == (
        f"The image {feed_server.url('/images/missing.jpg')} was not imported: "
        f"The server answered 404 Not Found for {feed_server.url('/images/missing.jpg')}."
    )
    assert latest_log(source).new == 2


@pytest.mark.django_db
def test_an_image_that_is_not_a_picture_is_refused_and_the_article_still_imported(feed_server, make_source):
    feed_server.add("/images/rents.png", body=b"<html>not an image</html>", content_type="image/png")
    source = make_source(feed_server.feed("/housing.xml", "rss_content_encoded.xml"))

    run_import()

    rents = Article.objects.get(source=source, headline="Rents outpace inflation for a third year")
    assert not rents.featured_image
    assert ItemProblem.objects.filter(
        article=rents, reason__contains="This file is not an image we can read."
    ).exists()


@pytest.mark.django_db
def test_a_source_that_publishes_at_once_puts_its_items_in_front_of_readers(client, feed_server, make_source):
    source = make_source(feed_server.feed("/rss.xml", "rss.xml"), import_mode=Source.ImportMode.PUBLISH)

    run_import()

    article = Article.objects.get(source=source, syndication_guid="fiscal-2026-0142")
    assert article.is_published
    assert article.publish_at == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    assert [record.history_change_reason for record in article.history.order_by("history_date")] == [
        f"Imported from the feed of {source.name}",
        "Published",
    ]
    assert all(record.history_user is None for record in article.history.all())

    source_page = client.get(source.get_absolute_url())
    assert "Council tax bills rise faster than wages" in source_page.text
    article_page = client.get(article.get_absolute_url())
    assert article_page.status_code == 200
    assert "Bills in England rose" in article_page.text


@pytest.mark.django_db
def test_running_the_import_twice_creates_nothing_twice(feed_server, make_source):
    feed_server.image("/images/rents.png")
    sources = [
        make_source(feed_server.feed("/rss.xml", "rss.xml"), default_tags="Partner research"),
        make_source(feed_server.feed("/atom.xml", "atom.xml")),
        make_source(feed_server.feed("/housing.xml", "rss_content_encoded.xml")),
    ]
    run_import()
    counts = (Article.objects.count(), Author.objects.count(), Tag.objects.count())
    images = sorted(Article.objects.exclude(featured_image="").values_list("featured_image", flat=True))

    output = run_import()

    assert (Article.objects.count(), Author.objects.count(), Tag.objects.count()) == counts == (5, 5, 7)
    assert (
        sorted(Article.objects.exclude(featured_image="").values_list("featured_image", flat=True)) == images
    )
    for source in sources:
        log = latest_log(source)
        assert (log.new, log.updated, log.unchanged) == (0, 0, log.fetched)
    assert "3 source(s): 5 items fetched, 0 new, 0 updated, 5 unchanged" in output


@pytest.mark.django_db
def test_a_changed_item_updates_its_article_and_an_unchanged_one_is_left_alone(feed_server, make_source):
    url = feed_server.feed("/rss.xml", "rss.xml")
    source = make_source(url, import_mode=Source.ImportMode.PUBLISH)
    run_import()
    schools = Article.objects.get(source=source, headline__startswith="What the spending review")
    schools_saved_at = schools.updated_at

    feed_server.feed("/rss.xml", "rss_updated.xml")
    run_import()

    council = Article.objects.get(source=source, syndication_guid="fiscal-2026-0142")
    assert council.headline == "Council tax bills rise faster than wages, new figures show"
    assert (
        council.standfirst
        == "Bills in England rose 5.1% this year, revised figures show, while pay rose 3.1%."
    )
    assert council.is_published
    assert council.history.latest().history_change_reason == f"Updated from the feed of {source.name}"
    schools.refresh_from_db()
    assert schools.updated_at == schools_saved_at
    log = latest_log(source)
    assert (log.fetched, log.new, log.updated, log.unchanged, log.skipped) == (2, 0, 1, 1, 0)


@pytest.mark.django_db
def test_an_article_an_editor_changed_since_import_is_never_overwritten(feed_server, make_source, editor):
    source = make_source(feed_server.feed("/rss.xml", "rss.xml"))
    run_import()
    council = Article.objects.get(source=source, syndication_guid="fiscal-2026-0142")
    council.headline = "Council tax: bills outrun pay"
    council._history_user = editor  # what the admin records for a person's save
    council.save()

    feed_server.feed("/rss.xml", "rss_updated.xml")
    output = run_import()

    council.refresh_from_db()
    assert council.headline == "Council tax: bills outrun pay"
    assert "4.9%" in council.body
    log = latest_log(source)
    assert (log.updated, log.unchanged, log.skipped) == (0, 1, 1)
    problem = log.problems.get()
    assert problem.kind == ItemProblem.Kind.SKIPPED
    assert problem.article == council
    assert problem.reason.startswith("Edited in the newsroom on ")
    assert problem.reason.endswith("so the partner's changes were not applied.")
    assert "0 updated, 1 unchanged, 1 skipped" in output


@pytest.mark.django_db
def test_an_editors_change_recorded_without_touching_the_update_time_is_still_respected(
    feed_server, make_source, editor
):
    source = make_source(feed_server.feed("/rss.xml", "rss.xml"))
    run_import()
    council = Article.objects.get(source=source, syndication_guid="fiscal-2026-0142")
    council.standfirst = "Our own summary."
    council._history_user = editor
    council.save(update_fields=["standfirst"])  # updated_at is not among the columns written

    feed_server.feed("/rss.xml", "rss_updated.xml")
    run_import()

    council.refresh_from_db()
    assert council.standfirst == "Our own summary."
    assert council.headline == "Council tax bills rise faster than wages"
    problem = latest_log(source).problems.get()
    assert problem.reason.startswith(f"Edited by {editor} on ")


@pytest.mark.django_db
def test_a_hostile_feed_is_stored_without_scripts_event_handlers_or_script_links(
    client, feed_server, make_source
):
    source = make_source(
        feed_server.feed("/hostile.xml", "hostile.xml"), import_mode=Source.ImportMode.PUBLISH
    )

    run_import()

    article = Article.objects.get(source=source)
    assert article.headline == "Harmless looking headline"
    assert article.standfirst == "A summary"
    for dangerous in ("<script", "onclick", "onmouseover", "onerror", "onload", "javascript:", "<iframe",
                      "<style", "style=", "data:text", "<svg", "steal()", "document.cookie"):  # fmt: skip
        assert dangerous not in article.body, dangerous
        assert dangerous not in article.standfirst, dangerous
    # What is safe survives: text and an ordinary link. The partner's inline image is not from
    # our media, so it goes (newsroom/lib/sanitize.py): in a feed or email it would be a pixel.
    assert '<a href="https://hostile.example/ok" rel="noopener">that</a>' in article.body
    assert "hostile.example/x.png" not in article.body
    assert "<img" not in article.body
    page = client.get(article.get_absolute_url()).text
    assert "steal()" not in page
    assert "javascript:alert" not in page


@pytest.mark.django_db
def test_an_item_that_fails_is_logged_and_leaves_nothing_half_imported(feed_server, make_source, monkeypatch):
    from syndication import services

    real_set_bylines = services._set_bylines

    def bylines_failing_for_schools(article, source, item):
        if item.headline.startswith("What the spending review"):
            raise RuntimeError("the author table is locked")
        return real_set_bylines(article, source, item)

    monkeypatch.setattr(services, "_set_bylines", bylines_failing_for_schools)
    source = make_source(feed_server.feed("/rss.xml", "rss.xml", etag='"v1"'))

    run_import()

    # The article row was saved before the failure; its transaction took it back out.
    assert list(Article.objects.filter(source=source).values_list("headline", flat=True)) == [
        "Council tax bills rise faster than wages"
    ]
    log = latest_log(source)
    assert (log.status, log.new, log.failed) == (SourceImport.Status.IMPORTED, 1, 1)
    problem = log.problems.get()
    assert problem.kind == ItemProblem.Kind.FAILED
    assert problem.title == "What the spending review means for schools"
    assert problem.reason == "RuntimeError: the author table is locked"
    # The ETag is not kept, so the next run fetches the feed in full and retries the item.
    source.feed_state.refresh_from_db()
    assert source.feed_state.etag == ""

    monkeypatch.setattr(services, "_set_bylines", real_set_bylines)
    run_import()
    assert "If-None-Match" not in feed_server.requests_to("/rss.xml")[-1]
    assert Article.objects.filter(source=source).count() == 2
    source.feed_state.refresh_from_db()
    assert source.feed_state.etag == '"v1"'


@pytest.mark.django_db(transaction=True)
def test_a_source_another_run_is_importing_is_left_to_that_run(feed_server, make_source):
    source = make_source(feed_server.feed("/rss.xml", "rss.xml"))
    locked, release = threading.Event(), threading.Event()

    def another_run_holding_the_source():
        with try_lock(SOURCE_LOCK, source.pk) as acquired:
            assert acquired
            locked.set()
            release.wait(10)
        connection.close()

    other = threading.Thread(target=another_run_holding_the_source)
    other.start()
    locked.wait(10)
    try:
        output = run_import()
    finally:
        release.set()
        other.join()

    assert latest_log(source).status == SourceImport.Status.BUSY
    assert f"{source.name}: skipped: another import of this source was running" in output
    assert feed_server.requests == []
    assert not Article.objects.exists()
