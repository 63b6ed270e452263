"""Partners sending ninjs (IPTC News in JSON) instead of RSS or Atom: the same import, the same
cleaning, the same log."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Source
from syndication.models import ItemProblem, SourceImport
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def run_import():
    call_command("import_feeds", stdout=io.StringIO())


def latest_log(source):
    return SourceImport.objects.filter(source=source).latest("started_at")


def ninjs_body(*items):
    return json.dumps({"items": list(items)}).encode()


def story(uri, headline, **fields):
    return {
        "uri": uri,
        "headlines": [{"value": headline}],
        "bodies": [{"value": f"<p>{headline}.</p>"}],
        **fields,
    }


def test_a_ninjs_feed_imports_once_with_bylines_tags_and_the_original_link(
    feed_server, make_source, world_news
):
    source = make_source(feed_server.feed("/ninjs.json", "ninjs.json", content_type=JSON))

    run_import()

    ferry, pier = Article.objects.filter(source=source).order_by("-publish_at")
    assert ferry.headline == "Ferry timetable changes for winter"
    assert ferry.status == Article.Status.DRAFT
    assert ferry.section == world_news
    assert ferry.syndication_guid == "urn:newsml:harbour.example:2026:ferry-0042"
    assert ferry.standfirst == "Fewer crossings from November."
    # The HTML body is preferred over the plain-text one.
    assert ferry.body == "<p>Fewer <strong>crossings</strong> from November.</p>"
    assert ferry.original_url == "https://harbour.example/2026/ferry-timetable"
    assert ferry.publish_at == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    # Authors only: a person the story quotes is not on the byline.
    assert [byline.author.name for byline in ferry.bylines.all()] == ["Priya Raman", "Tom Okafor"]
    assert sorted(ferry.tags.names()) == ["Islands", "Transport"]
    assert pier.body == "<p>The pier reopens on Friday.</p><p>Boats return next week.</p>"
    assert [byline.author.name for byline in pier.bylines.all()] == [source.name]

    log = latest_log(source)
    assert (log.status, log.fetched, log.new, log.skipped, log.failed) == (
        SourceImport.Status.IMPORTED,
        2,
        2,
        0,
        0,
    )

    run_import()

    assert Article.objects.filter(source=source).count() == 2
    log = latest_log(source)
    assert (log.new, log.updated, log.unchanged) == (0, 0, 2)


def test_ninjs_is_recognised_by_its_body_whatever_the_content_type(feed_server, make_source):
    single = story("urn:example:one", "One story on its own")
    source = make_source(
        feed_server.add("/story", body=json.dumps(single).encode(), content_type="text/plain")
    )

    run_import()

    assert list(Article.objects.filter(source=source).values_list("headline", flat=True)) == [
        "One story on its own"
    ]


def test_hostile_markup_in_ninjs_is_stripped_exactly_as_in_rss(client, feed_server, make_source):
    from_rss = make_source(feed_server.feed("/hostile.xml", "hostile.xml"), name="Hostile RSS")
    from_ninjs = make_source(
        feed_server.feed("/hostile.json", "hostile.json", content_type=JSON),
        name="Hostile ninjs",
        import_mode=Source.ImportMode.PUBLISH,
    )

    run_import()

    rss_article = Article.objects.get(source=from_rss)
    article = Article.objects.get(source=from_ninjs)
    assert (article.headline, article.standfirst, article.body) == (
        rss_article.headline,
        rss_article.standfirst,
        rss_article.body,
    )
    assert article.headline == "Harmless looking headline"
    for dangerous in ("<script", "onclick", "onmouseover", "onerror", "onload", "javascript:", "<iframe",
                      "<style", "style=", "data:text", "<svg", "steal()", "document.cookie"):  # fmt: skip
        assert dangerous not in article.body, dangerous
        assert dangerous not in article.standfirst, dangerous
    page = client.get(article.get_absolute_url()).text
    assert "steal()" not in page


def test_an_embargoed_item_is_scheduled_for_its_embargo_and_hidden_until_then(
    client, feed_server, make_source
):
    embargo = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    body = ninjs_body(
        story("urn:example:budget", "Budget leaks ahead of the speech", embargoedUntil=embargo.isoformat())
    )
    source = make_source(
        feed_server.add("/embargo.json", body=body, content_type=JSON), import_mode=Source.ImportMode.PUBLISH
    )

    run_import()

    article = Article.objects.get(source=source)
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at == embargo
    assert not article.is_published
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Budget leaks" not in client.get("/feed/").text
    with time_machine.travel(embargo + timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_an_item_with_a_bad_embargo_date_is_skipped_with_a_clear_reason_and_the_rest_import(
    feed_server, make_source
):
    body = ninjs_body(
        story("urn:example:good", "The council meets on Tuesday"),
        story("urn:example:bad", "Budget details under embargo", embargoedUntil="next Tuesday at noon"),
        story("urn:example:naive", "Another embargoed story", embargoedUntil="2026-03-03T09:30:00"),
    )
    source = make_source(feed_server.add("/bad-embargo.json", body=body, content_type=JSON))

    run_import()

    assert list(Article.objects.filter(source=source).values_list("headline", flat=True)) == [
        "The council meets on Tuesday"
    ]
    log = latest_log(source)
    assert (log.status, log.new, log.skipped, log.failed) == (SourceImport.Status.IMPORTED, 1, 2, 0)
    bad, naive = log.problems.order_by("id")
    assert bad.kind == ItemProblem.Kind.SKIPPED
    assert (bad.guid, bad.title) == ("urn:example:bad", "Budget details under embargo")
    assert "embargo date “next Tuesday at noon” is not a date and time with a time zone" in bad.reason
    assert "must not appear before its embargo" in bad.reason
    assert "“2026-03-03T09:30:00”" in naive.reason

    # Nothing is lost: once the partner fixes the date, the next run imports it.
    fixed = ninjs_body(
        story("urn:example:good", "The council meets on Tuesday"),
        story("urn:example:bad", "Budget details under embargo", embargoedUntil="2026-03-03T09:30:00Z"),
    )
    feed_server.add("/bad-embargo.json", body=fixed, content_type=JSON)
    run_import()
    assert Article.objects.filter(source=source, syndication_guid="urn:example:bad").exists()


def test_items_that_are_not_text_or_not_for_publication_are_skipped_with_their_reason(
    feed_server, make_source
):
    body = ninjs_body(
        story("urn:example:photo", "A photo", type="picture"),
        story("urn:example:pulled", "A pulled story", pubStatus="canceled"),
        {"headlines": [{"value": "No identifier"}]},
        "not an object",
    )
    source = make_source(feed_server.add("/odd.json", body=body, content_type=JSON))

    run_import()

    assert not Article.objects.filter(source=source).exists()
    reasons = list(latest_log(source).problems.order_by("id").values_list("reason", flat=True))
    assert reasons == [
        "Only text items are imported; this one is of type “picture”.",
        "The partner marked the item “canceled”: it is not for publication.",
        "The item has no uri, so a later run could not recognise it.",
        "The item is not a JSON object.",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"items": [', "The JSON feed is not valid JSON: Expecting value at line 1, column 12."),
        (b'{"feed": "nothing here"}', "The JSON document holds no ninjs items"),
    ],
)
def test_a_broken_json_feed_fails_with_a_clear_error_and_keeps_what_was_imported(
    feed_server, make_source, body, message
):
    source = make_source(feed_server.add("/broken.json", body=body, content_type=JSON))
    kept = ArticleFactory(source=source, headline="Imported last week")

    run_import()

    log = latest_log(source)
    assert log.status == SourceImport.Status.FAILED
    assert log.error.startswith(message)
    assert Article.objects.filter(source=source).get() == kept


def test_our_own_ninjs_feed_imports_as_a_partners_would(client, feed_server, make_source, settings):
    settings.SITE_URL = "https://ledger.example.org"
    ArticleFactory(headline="Our story for partners", tags=["Harbour"])
    feed = client.get("/feed/ninjs/").content
    partner = make_source(feed_server.add("/ours.json", body=feed, content_type=JSON))

    run_import()

    imported = Article.objects.get(source=partner)
    assert imported.headline == "Our story for partners"
    assert imported.original_url.startswith("https://ledger.example.org/")
    assert "Harbour" in imported.tags.names()
