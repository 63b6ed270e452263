"""The page cache keeps anonymous pages and drops them exactly when what they show changes:
publishing, editing, withdrawing, a scheduled time passing, a comment approved or removed, a
section or author edited. Every listing that shows the article follows."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import publish_article, withdraw_article
from comments.models import ModerationReason
from comments.services import approve_comment, remove_comment
from tests.admin_forms import submit_change_form
from tests.articles.editorial_helpers import edit_in_admin
from tests.factories import ArticleFactory, CommentFactory

from .conftest import listing_urls

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def warm(client, urls):
    """Fetch every page twice and check the second came from the cache."""
    for url in urls:
        fetch(client, url)
        assert fetch(client, url)["X-Page-Cache"] == "hit", url


def test_a_second_anonymous_request_is_served_from_the_cache(client, story, django_assert_num_queries):
    first = fetch(client, story.get_absolute_url())
    with django_assert_num_queries(0):
        second = fetch(client, story.get_absolute_url())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_the_query_string_is_part_of_the_key(client, story):
    fetch(client, "/search/?q=harbour")

    other = fetch(client, "/search/?q=budget")

    assert other["X-Page-Cache"] == "miss"
    assert "Harbour wall plan approved" not in other.content.decode()


def test_editing_an_article_updates_its_page_and_every_listing(
    client, story, editor, django_capture_on_commit_callbacks
):
    urls = [story.get_absolute_url(), *listing_urls(story)]
    warm(client, urls)
    before = {url: fetch(client, url).content for url in urls}

    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(editor, story, headline="Harbour wall plan approved after late vote")

    for url in urls:
        after = fetch(client, url).content
        assert after != before[url], url
        if url != "/sitemap-articles.xml":  # the only page without headlines: its date moves
            assert "after late vote" in after.decode(), url


def draft_listed_beside(story):
    """A draft that, once published, appears on every listing that shows `story`."""
    return ArticleFactory(
        headline="Ferry timetable cut",
        status=Article.Status.DRAFT,
        publish_at=None,
        section=story.section,
        authors=[story.bylines.first().author],
        source=story.source,
        tags=["Harbour"],
    )


def test_publishing_an_article_shows_it_on_every_listing(
    client, story, editor, django_capture_on_commit_callbacks
):
    draft = draft_listed_beside(story)
    warm(client, listing_urls(story))

    with django_capture_on_commit_callbacks(execute=True):
        publish_article(article=draft, by=editor)

    for url in listing_urls(story):
        html = fetch(client, url).content.decode()
        assert "Ferry timetable cut" in html or draft.get_absolute_url() in html, url


def test_withdrawing_an_article_removes_it_from_every_page(
    client, story, editor, django_capture_on_commit_callbacks
):
    warm(client, [story.get_absolute_url(), *listing_urls(story)])

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_article(article=story, by=editor)

    assert client.get(story.get_absolute_url()).status_code == 404
    for url in listing_urls(story):
        assert "Harbour wall plan approved" not in fetch(client, url).content.decode(), url


def test_a_scheduled_article_appears_when_its_time_comes_with_no_event(client, story, editor):
    soon = timezone.now() + timedelta(minutes=5)
    ArticleFactory(
        headline="Harbour toll scrapped", section=story.section, tags=["Harbour"], publish_at=soon
    )  # saved inside the test's transaction: no generation bump reaches the cache
    warm(client, ["/", "/politics/", "/tags/harbour/"])

    home = fetch(client, "/")
    assert "Harbour toll scrapped" not in home.content.decode()
    assert "max-age=" in home["Cache-Control"]
    with time_machine.travel(soon + timedelta(seconds=1)):
        for url in ["/", "/politics/", "/tags/harbour/"]:
            assert "Harbour toll scrapped" in fetch(client, url).content.decode(), url


def every_cached_url_family(article):
    """One URL of each kind the page cache keeps that lists `article`: the listings and their
    RSS and Atom feeds, the sitemaps (index, articles, news) and search."""
    section, author, source = (
        article.section.slug, article.bylines.first().author.slug, article.source.slug,
    )  # fmt: skip
    return [
        "/", f"/{section}/", "/tags/harbour/", f"/authors/{author}/", f"/sources/{source}/",
        "/feed/", "/feed/atom/", f"/{section}/feed/", f"/{section}/feed/atom/",
        "/tags/harbour/feed/", "/tags/harbour/feed/atom/", f"/authors/{author}/feed/",
        f"/authors/{author}/feed/atom/", f"/sources/{source}/feed/", f"/sources/{source}/feed/atom/",
        "/sitemap.xml", "/sitemap-articles.xml", "/news-sitemap.xml", "/search/?q=ferry",
    ]  # fmt: skip


def test_no_cached_page_or_piece_outlives_a_scheduled_publication(
    client, story, editor, django_capture_on_commit_callbacks
):
    publish_at = timezone.now() + timedelta(minutes=7)
    draft = draft_listed_beside(story)
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(article=draft, by=editor, at=publish_at)
    urls = every_cached_url_family(story)
    warm(client, urls)
    index_before = fetch(client, "/sitemap.xml").content

    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert client.get(draft.get_absolute_url()).status_code == 200
        for url in urls:
            html = fetch(client, url).content.decode()
            if url != "/sitemap.xml":
                assert "Ferry timetable cut" in html or draft.get_absolute_url() in html, url
        # The index names no article; its newest change date moves, telling crawlers to look.
        assert fetch(client, "/sitemap.xml").content != index_before


def test_a_scheduled_withdrawal_takes_the_article_down_on_time(client, story):
    at = timezone.now() + timedelta(minutes=3)
    Article.objects.filter(pk=story.pk).update(withdraw_at=at)  # no signal, no bump
    warm(client, [story.get_absolute_url(), "/"])

    response = fetch(client, "/")
    max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert max_age <= 180
    with time_machine.travel(at + timedelta(seconds=1)):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert "Harbour wall plan approved" not in fetch(client, "/").content.decode()


def test_no_page_outlives_midnight_because_the_masthead_shows_the_date(client, story):
    evening = timezone.localtime().replace(hour=23, minute=59, second=0, microsecond=0)
    with time_machine.travel(evening, tick=False):
        response = fetch(client, "/")
        assert "max-age=60" in response["Cache-Control"]
    with time_machine.travel(evening + timedelta(seconds=61), tick=False):
        assert fetch(client, "/")["X-Page-Cache"] == "miss"


def test_approving_a_held_comment_shows_it_on_the_cached_article_page(
    client, story, moderator, django_capture_on_commit_callbacks
):
    held = CommentFactory(
        article=story, comment="The wall will not stop a spring tide.", held=True, held_reason="First comment"
    )
    warm(client, [story.get_absolute_url()])
    assert "spring tide" not in fetch(client, story.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=held, by=moderator)

    response = fetch(client, story.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "spring tide" in response.content.decode()


def test_removing_a_comment_takes_it_off_the_cached_article_page(
    client, story, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=story, comment="Buy cheap watches here.")
    warm(client, [story.get_absolute_url()])
    assert "cheap watches" in fetch(client, story.get_absolute_url()).content.decode()
    reason = ModerationReason.objects.get_or_create(
        slug="spam", defaults={"name": "Spam", "description": "Ads."}
    )[0]

    with django_capture_on_commit_callbacks(execute=True):
        remove_comment(comment=comment, by=moderator, reason=reason)

    assert "cheap watches" not in fetch(client, story.get_absolute_url()).content.decode()


def test_a_comment_drops_only_its_own_article_page(
    client, story, moderator, django_capture_on_commit_callbacks
):
    other = ArticleFactory(headline="Library hours extended", section=story.section)
    held = CommentFactory(article=story, comment="A comment.", held=True)
    warm(client, [story.get_absolute_url(), other.get_absolute_url(), "/"])

    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=held, by=moderator)

    assert fetch(client, other.get_absolute_url())["X-Page-Cache"] == "hit"
    assert fetch(client, "/")["X-Page-Cache"] == "hit"


def test_renaming_a_section_updates_every_page(client, story, editor, django_capture_on_commit_callbacks):
    urls = [story.get_absolute_url(), *listing_urls(story)]
    warm(client, urls)

    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("admin:articles_section_change", args=[story.section.pk])
        assert submit_change_form(editor, url, name="Politics and Power").status_code == 302

    for url in [story.get_absolute_url(), "/", "/politics/", "/tags/harbour/"]:
        assert "Politics and Power" in fetch(client, url).content.decode(), url


def test_renaming_an_author_updates_the_article_and_listings(
    client, story, editor, django_capture_on_commit_callbacks
):
    urls = [story.get_absolute_url(), "/", "/politics/", "/authors/pat-reporter/"]
    warm(client, urls)
    author = story.bylines.first().author

    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("admin:authors_author_change", args=[author.pk])
        assert submit_change_form(editor, url, name="Patricia Reporter").status_code == 302

    for url in urls:
        assert "Patricia Reporter" in fetch(client, url).content.decode(), url


# HTTP caching -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["article", "/feed/", "/feed/atom/", "/politics/feed/", "/"])
def test_a_reader_holding_the_current_copy_gets_304(client, story, url):
    url = story.get_absolute_url() if url == "article" else url
    first = fetch(client, url)
    assert first["ETag"]
    assert first["Last-Modified"]

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == 304
    assert by_date.status_code == 304
    assert by_etag.content == b""


def test_after_an_edit_the_old_etag_gets_the_new_page(
    client, story, editor, django_capture_on_commit_callbacks
):
    first = fetch(client, story.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(editor, story, headline="Harbour wall plan shelved")

    response = client.get(story.get_absolute_url(), headers={"if-none-match": first["ETag"]})

    assert response.status_code == 200
    assert "plan shelved" in response.content.decode()
