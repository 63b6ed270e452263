"""Live pages: what readers see, the update endpoint their open pages poll, the structured data,
and the admin through which writers and editors post and correct entries."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import live
from articles.models import Article, LiveEntry
from newsroom.lib import pagecache
from newsroom.lib.generations import article_generation
from tests.admin_forms import submit_change_form
from tests.factories import ArticleFactory, AuthorFactory, LiveCoverageFactory, LiveEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_page():
    article = ArticleFactory(headline="Budget day, as it happens", slug="budget-day-live")
    LiveCoverageFactory(article=article)
    return article


def post(article, text, **options):
    entry, _ = live.post_entry(article=article, by=None, body=f"<p>{text}</p>", **options)
    return entry


def updates_url(article, after=0):
    return f"/api/live/{article.pk}/entries/?after={after}"


def structured_data(html):
    found = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


# What readers see ---------------------------------------------------------------------------


def test_readers_see_the_entries_newest_first_with_the_pinned_one_on_top(client, live_page):
    pinned = post(live_page, "Key point: the vote is at six.", pinned=True)
    post(live_page, "The minister arrives.")
    post(live_page, "Opposition leader responds.")

    html = client.get(live_page.get_absolute_url()).content.decode()

    assert html.index("Key point: the vote is at six.") < html.index("Opposition leader responds.")
    assert html.index("Opposition leader responds.") < html.index("The minister arrives.")
    assert f'id="entry-{pinned.pk}"' in html
    assert f'href="#entry-{pinned.pk}"' in html
    assert "Pinned" in html
    assert "Latest updates" in html


def test_an_entry_is_signed_by_its_author_or_the_person_who_posted_it(client, live_page, editor):
    live.post_entry(article=live_page, by=editor, body="<p>From the desk.</p>")
    live.post_entry(
        article=live_page,
        by=editor,
        body="<p>From the gallery.</p>",
        author=AuthorFactory(name="Gail Gallery"),
    )

    html = client.get(live_page.get_absolute_url()).content.decode()

    assert "Eddie Editor" in html
    assert "Gail Gallery" in html


def test_a_corrected_entry_says_updated_with_the_time_and_the_note(client, live_page):
    entry = post(live_page, "The vote passed by 40 votes.")
    entry.body = "<p>The vote passed by 14 votes.</p>"
    entry.correction_note = "We first gave the wrong margin."
    live.save_entry(entry=entry, by=None)

    html = client.get(live_page.get_absolute_url()).content.decode()

    shown = f"{timezone.localtime(entry.corrected_at):%H:%M}"
    assert "Updated <time" in html
    assert f">{shown}</time>: We first gave the wrong margin." in html
    assert "passed by 14 votes" in html
    assert "passed by 40 votes" not in html


def test_script_in_an_entry_never_reaches_a_page(client, live_page):
    post(
        live_page,
        'Hello<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>',
    )

    html = client.get(live_page.get_absolute_url()).content.decode()
    region = html[
        html.index('<section class="live"') : html.index("</section>", html.index('<section class="live"'))
    ]
    answer = client.get(updates_url(live_page)).json()["entries"][0]["html"]

    for shown in (region, answer):
        assert "<p>Hello" in shown
        assert "alert" not in shown
        assert "<script" not in shown
    assert structured_data(html)["liveBlogUpdate"][0]["articleBody"] == "Hellox"


def test_an_empty_entry_is_refused_in_plain_words(live_page):
    with pytest.raises(ValidationError) as refused:
        live.post_entry(article=live_page, by=None, body="<p>  </p>")

    assert "cannot be empty" in str(refused.value)
    assert not LiveEntry.objects.exists()


def test_pinning_an_entry_unpins_the_other(live_page):
    first = post(live_page, "First key point.", pinned=True)
    second, unpinned = live.post_entry(article=live_page, by=None, body="<p>Second.</p>", pinned=True)

    first.refresh_from_db()
    assert unpinned == first
    assert not first.pinned
    assert second.pinned


def test_an_ended_page_opens_with_its_summary_stays_readable_and_stops_asking(client, live_page):
    post(live_page, "The count is complete.")
    coverage = live_page.live
    coverage.ended = True
    coverage.summary = "The budget passed; the tax rise was dropped."
    coverage.save()

    html = client.get(live_page.get_absolute_url()).content.decode()

    assert "Live coverage has ended" in html
    assert "the tax rise was dropped" in html
    assert "The count is complete." in html
    assert "data-live-url" not in html
    assert client.get(updates_url(live_page)).json()["ended"] is True


def test_an_ordinary_article_has_no_live_region(client):
    article = ArticleFactory()

    html = client.get(article.get_absolute_url()).content.decode()

    assert "data-live-url" not in html
    assert "js/live.js" not in html
    assert structured_data(html)["@type"] == "NewsArticle"


# Structured data ----------------------------------------------------------------------------


def test_the_page_describes_itself_as_a_live_blog_with_its_updates(client, live_page):
    post(live_page, "The minister arrives.", headline="Arrival")
    post(live_page, "Speech begins.")

    data = structured_data(client.get(live_page.get_absolute_url()).content.decode())

    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"]
    assert [update["articleBody"] for update in data["liveBlogUpdate"]] == [
        "Speech begins.",
        "The minister arrives.",
    ]
    assert data["liveBlogUpdate"][1]["headline"] == "Arrival"
    assert all(
        update["@type"] == "BlogPosting" and update["datePublished"] for update in data["liveBlogUpdate"]
    )


def test_an_ended_page_gives_its_coverage_end_time(client, live_page):
    live_page.live.ended = True
    live_page.live.summary = "Over."
    live_page.live.save()

    data = structured_data(client.get(live_page.get_absolute_url()).content.decode())

    assert data["coverageEndTime"]


# The update endpoint ------------------------------------------------------------------------


def test_an_open_page_gets_only_the_entries_it_has_not_shown(client, live_page):
    first = post(live_page, "First.")
    second = post(live_page, "Second.")
    third = post(live_page, "Third.")

    answer = client.get(updates_url(live_page, after=first.pk)).json()

    assert [entry["id"] for entry in answer["entries"]] == [third.pk, second.pk]
    assert f'id="entry-{third.pk}"' in answer["entries"][0]["html"]
    assert answer["latest"] == third.pk
    assert answer["ended"] is False


def test_an_unchanged_poll_is_a_304(client, live_page):
    entry = post(live_page, "First.")
    first = client.get(updates_url(live_page, after=entry.pk))

    again = client.get(updates_url(live_page, after=entry.pk), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"]
    assert again.status_code == 304


def test_a_poll_is_answered_from_the_cache_until_an_entry_is_posted(
    client, live_page, settings, django_capture_on_commit_callbacks
):
    settings.FRAGMENT_CACHE_ENABLED = True
    entry = post(live_page, "First.")
    client.get(updates_url(live_page, after=entry.pk))

    with CaptureQueriesContext(connection) as polled:
        unchanged = client.get(updates_url(live_page, after=entry.pk)).json()
    with django_capture_on_commit_callbacks(execute=True):
        newer = post(live_page, "Second.")
    changed = client.get(updates_url(live_page, after=entry.pk)).json()

    assert len(polled.captured_queries) == 0, [query["sql"] for query in polled.captured_queries]
    assert unchanged["entries"] == []
    assert [item["id"] for item in changed["entries"]] == [newer.pk]


def test_posting_an_entry_moves_the_article_generation(live_page, django_capture_on_commit_callbacks):
    before = article_generation(live_page.pk)
    with django_capture_on_commit_callbacks(execute=True):
        post(live_page, "Breaking.")
    assert article_generation(live_page.pk) > before


@pytest.mark.parametrize("after", ["abc", "-1", "١٢"])
def test_a_bad_after_is_a_clear_400(client, live_page, after):
    response = client.get(f"/api/live/{live_page.pk}/entries/?after={after}")
    assert response.status_code == 400
    assert "after must be the id of an entry" in response.json()["error"]


def test_an_ordinary_or_unpublished_article_has_no_endpoint(client, live_page):
    assert client.get(updates_url(ArticleFactory())).status_code == 404
    draft = ArticleFactory(status="draft", publish_at=None)
    LiveCoverageFactory(article=draft)
    assert client.get(updates_url(draft)).status_code == 404


# Query budget -------------------------------------------------------------------------------


def queries_for_page(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_a_live_page_costs_one_query_more_than_an_article_whatever_its_entries(client, settings):
    settings.FRAGMENT_CACHE_ENABLED = False
    ordinary = ArticleFactory()
    article = ArticleFactory()
    LiveCoverageFactory(article=article)
    author = AuthorFactory()
    LiveEntryFactory(article=article, author=author)
    base = queries_for_page(client, ordinary.get_absolute_url())
    few = queries_for_page(client, article.get_absolute_url())
    for number in range(25):
        LiveEntryFactory(article=article, author=AuthorFactory() if number % 2 else None, pinned=number == 3)
    many = queries_for_page(client, article.get_absolute_url())

    assert few == base + 1
    assert many == few


def test_unticking_ended_resumes_the_coverage(editor, live_page):
    coverage = live_page.live
    coverage.ended = True
    coverage.summary = "Done for today."
    coverage.save()

    response = submit_change_form(editor, f"/admin/articles/livecoverage/{live_page.pk}/change/", ended=[])

    assert response.status_code == 302
    coverage.refresh_from_db()
    assert not coverage.has_ended
    assert coverage.ends_at is None


def test_the_live_pages_list_links_to_their_entries(editor, live_page):
    desk = Client()
    desk.force_login(editor)
    post(live_page, "Only this one.")
    post(ArticleFactory(), "Not this one.")

    listing = desk.get("/admin/articles/livecoverage/").content.decode()
    entries = desk.get(f"/admin/articles/liveentry/?article__id__exact={live_page.pk}").content.decode()

    assert f"/admin/articles/liveentry/?article__id__exact={live_page.pk}" in listing
    assert "Only this one." in entries
    assert "Not this one." not in entries


# Dates --------------------------------------------------------------------------------------


def test_coverage_that_reached_its_end_time_shows_as_ended(client, live_page):
    coverage = live_page.live
    coverage.ends_at = timezone.now() - timedelta(minutes=1)
    coverage.summary = "It is over."
    coverage.save()

    html = client.get(live_page.get_absolute_url()).content.decode()

    assert "Live coverage has ended" in html


# The admin ----------------------------------------------------------------------------------


def test_an_editor_posts_an_entry_from_the_admin(editor, live_page):
    desk = Client()
    desk.force_login(editor)
    response = desk.post(
        "/admin/articles/liveentry/add/",
        {
            "article": live_page.pk,
            "headline": "",
            "body": "<p>Polls close.</p>",
            "author": "",
            "loaded_version": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    entry = LiveEntry.objects.get()
    assert entry.article == live_page
    assert entry.created_by == editor
    assert "Polls close." in Client().get(live_page.get_absolute_url()).content.decode()


def test_an_empty_entry_in_the_admin_is_refused_and_says_why(editor, live_page):
    desk = Client()
    desk.force_login(editor)
    response = desk.post("/admin/articles/liveentry/add/", {"article": live_page.pk, "body": "<p></p>"})

    assert response.status_code == 200
    assert "cannot be empty" in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_pinning_a_second_entry_in_the_admin_says_which_one_was_unpinned(editor, live_page):
    post(live_page, "The old key point.", pinned=True, headline="Old key point")
    desk = Client()
    desk.force_login(editor)
    response = desk.post(
        "/admin/articles/liveentry/add/",
        {"article": live_page.pk, "body": "<p>A new key point.</p>", "pinned": "on"},
        follow=True,
    )

    assert "Only one entry can be pinned: “Old key point” is no longer pinned." in response.content.decode()
    assert LiveEntry.objects.filter(pinned=True).get().plain_body == "A new key point."


def test_two_editors_saving_the_same_entry_the_second_is_told_and_keeps_their_text(editor, live_page):
    entry = post(live_page, "The vote is at six.")
    url = f"/admin/articles/liveentry/{entry.pk}/change/"
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(editor)
    first_form = first.get(url)
    second_form = second.get(url)
    assert first_form.status_code == second_form.status_code == 200

    saved = first.post(url, {"body": "<p>The vote is at seven.</p>", "loaded_version": entry.version})
    clash = second.post(url, {"body": "<p>The vote is at eight.</p>", "loaded_version": entry.version})

    assert saved.status_code == 302
    assert clash.status_code == 200
    page = clash.content.decode()
    assert "saved this entry while you were editing it" in page
    assert "The vote is at seven." in page  # what is saved now, to compare
    assert "The vote is at eight." in page  # their own text, kept in the form
    entry.refresh_from_db()
    assert entry.plain_body == "The vote is at seven."


def test_a_writer_may_not_post_to_a_published_article_of_someone_else(writer, live_page):
    desk = Client()
    desk.force_login(writer)
    response = desk.post("/admin/articles/liveentry/add/", {"article": live_page.pk, "body": "<p>Hi.</p>"})

    assert response.status_code == 200
    assert "so you cannot change its live page" in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_a_writer_in_the_byline_keeps_posting_after_the_live_page_is_published(writer):
    published = ArticleFactory(authors=[writer.author_profile])
    LiveCoverageFactory(article=published)

    response = submit_change_form(
        writer, "/admin/articles/liveentry/add/", article=str(published.pk), body="<p>From the chamber.</p>"
    )

    assert response.status_code == 302
    assert LiveEntry.objects.get().article == published
    # The article's own text stays the editors' once published: its page is read-only to her.
    desk = Client()
    desk.force_login(writer)
    assert (
        'name="_save_draft"'
        not in desk.get(f"/admin/articles/article/{published.pk}/change/").content.decode()
    )


def test_a_writer_posts_to_the_live_page_of_their_own_draft(writer):
    draft = ArticleFactory(status="draft", publish_at=None, created_by=writer)
    LiveCoverageFactory(article=draft)
    response = submit_change_form(
        writer, "/admin/articles/liveentry/add/", article=str(draft.pk), body="<p>Mine.</p>"
    )

    assert response.status_code == 302
    assert LiveEntry.objects.get().article == draft


def test_readers_and_moderators_cannot_reach_the_live_admin(reader, moderator, live_page):
    entry = post(live_page, "Hello.")
    for person in (reader, moderator):
        desk = Client()
        desk.force_login(person)
        for url in (
            "/admin/articles/liveentry/",
            f"/admin/articles/liveentry/{entry.pk}/change/",
            "/admin/articles/livecoverage/",
        ):
            assert desk.get(url).status_code in {302, 403}, (person, url)


# The page cache -----------------------------------------------------------------------------


def test_a_new_entry_drops_the_cached_page_and_the_cached_poll(
    client, live_page, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    first = post(live_page, "First.")
    url = live_page.get_absolute_url()
    client.get(url)
    client.get(updates_url(live_page, after=first.pk))
    cached_page = client.get(url)
    cached_poll = client.get(updates_url(live_page, after=first.pk))

    with django_capture_on_commit_callbacks(execute=True):
        post(live_page, "Second, just in.")
    page = client.get(url)
    poll = client.get(updates_url(live_page, after=first.pk))

    assert cached_page["X-Page-Cache"] == "hit"
    assert cached_poll["X-Page-Cache"] == "hit"
    assert page["X-Page-Cache"] == "miss"
    assert "Second, just in." in page.content.decode()
    assert "Second, just in." in poll.json()["entries"][0]["html"]


def test_a_cached_live_page_does_not_outlive_its_end_time(live_page):
    # Its end time changes the page (summary shown, polling stopped) with no edit to announce it.
    ends_at = timezone.now() + timedelta(minutes=7)
    live_page.live.ends_at = ends_at
    live_page.live.save()

    assert Article.objects.next_scheduled_change(timezone.now()) == ends_at
    assert pagecache.lifetime(timezone.now()) <= 7 * 60
    live_page.live.ended = True
    live_page.live.save()
    assert Article.objects.next_scheduled_change(timezone.now()) != ends_at
