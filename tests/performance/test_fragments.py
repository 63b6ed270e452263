"""The pieces of an article page kept in the cache (newsroom/lib/fragments.py): the article
with its bylines, tags and corrections, the comments region, the related list, the
masthead and the footer.

A signed-in reader's page is never taken from the page cache, so it is rendered every time
from these pieces: each test reads as a signed-in reader, changes something the way the
newsroom does, and checks the reader sees it on the next page.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import add_correction, publish_article, withdraw_article
from comments.models import CommentPolicy
from comments.services import approve_comment
from newsroom.lib import generations
from newsroom.models import SiteSettings
from tests.admin_forms import submit_change_form
from tests.articles.editorial_helpers import edit_in_admin
from tests.factories import ArticleFactory, CommentFactory, singleton_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def signed_in(client, reader):
    client.force_login(reader)
    return client


def page_text(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response  # a signed-in reader's page is rendered afresh
    return response.content.decode()


def without_nonces(html):
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def test_the_page_built_from_kept_pieces_is_the_page_built_from_the_database(signed_in, story, settings):
    ArticleFactory(headline="Harbour toll debated", section=story.section, tags=["Harbour"])
    CommentFactory(article=story, comment="The wall needs a gate.")
    settings.FRAGMENT_CACHE_ENABLED = False
    from_database = without_nonces(page_text(signed_in, story))
    settings.FRAGMENT_CACHE_ENABLED = True
    page_text(signed_in, story)  # fills the pieces

    with CaptureQueriesContext(connection) as queries:
        from_pieces = without_nonces(page_text(signed_in, story))

    assert from_pieces == from_database
    assert "Harbour toll debated" in from_pieces
    assert "The wall needs a gate." in from_pieces
    read_tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "articles_article" not in read_tables
    assert "django_comments" not in read_tables


def test_a_new_comment_rebuilds_the_comments_and_nothing_else(
    signed_in, story, moderator, django_capture_on_commit_callbacks
):
    held = CommentFactory(article=story, comment="Spring tides reach the road.", held=True)
    assert "Spring tides" not in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=held, by=moderator)
    with CaptureQueriesContext(connection) as queries:
        html = page_text(signed_in, story)

    assert "Spring tides reach the road." in html
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "django_comments" in read
    assert '"articles_article"."headline"' not in read  # the article and related list were kept


def test_editing_withdrawing_and_correcting_show_on_the_next_page(
    signed_in, story, editor, django_capture_on_commit_callbacks
):
    page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(editor, story, headline="Harbour wall plan approved after all-night sitting")
    assert "after all-night sitting" in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        add_correction(article=story, text="The vote was 7 to 4, not 8 to 3.", by=editor)
    assert "The vote was 7 to 4" in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_article(article=story, by=editor)
    assert signed_in.get(story.get_absolute_url()).status_code == 404


def test_a_newly_published_related_article_joins_the_list(
    signed_in, story, editor, django_capture_on_commit_callbacks
):
    draft = ArticleFactory(
        headline="Harbour toll scrapped",
        section=story.section,
        tags=["Harbour"],
        status=Article.Status.DRAFT,
        publish_at=None,
    )
    assert "Harbour toll scrapped" not in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        publish_article(article=draft, by=editor)

    related = page_text(signed_in, story).split("Related articles")[1]
    assert "Harbour toll scrapped" in related


def test_comment_policies_close_the_discussion_on_the_next_page(
    signed_in, story, moderator, django_capture_on_commit_callbacks
):
    Article.objects.filter(pk=story.pk).update(first_published_at=timezone.now() - timedelta(days=2))
    assert "Write a comment" in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            moderator,
            reverse("admin:comments_articlecommentpolicy_add"),
            article=str(story.pk),
            close_after_days="1",
            closed_message="Closed while the case is in court.",
        )
    assert response.status_code == 302
    html = page_text(signed_in, story)
    assert "Closed while the case is in court." in html
    assert "Write a comment" not in html

    with django_capture_on_commit_callbacks(execute=True):
        policy = story.comment_policy
        submit_change_form(
            moderator, reverse("admin:comments_articlecommentpolicy_delete", args=[policy.pk]), post="yes"
        )
        submit_change_form(
            moderator,
            reverse("admin:comments_commentpolicy_change", args=[singleton_row(CommentPolicy).pk]),
            close_after_days="1",
        )
    assert "Comments closed on" in page_text(signed_in, story)


def test_comments_close_on_time_with_no_event(signed_in, story):
    closes = timezone.now() + timedelta(minutes=2)
    Article.objects.filter(pk=story.pk).update(comments_close_at=closes)  # no signal, no bump
    story.refresh_from_db()
    assert "Write a comment" in page_text(signed_in, story)

    with time_machine.travel(closes + timedelta(seconds=1)):
        html = page_text(signed_in, story)
    assert "Write a comment" not in html
    assert "Comments closed on" in html


def test_a_scheduled_withdrawal_takes_the_kept_article_down_on_time(signed_in, story):
    at = timezone.now() + timedelta(minutes=3)
    Article.objects.filter(pk=story.pk).update(withdraw_at=at)  # no signal, no bump
    page_text(signed_in, story)

    with time_machine.travel(at + timedelta(seconds=1)):
        assert signed_in.get(story.get_absolute_url()).status_code == 404


def test_editing_the_site_settings_changes_every_footer(
    signed_in, story, superuser, django_capture_on_commit_callbacks
):
    page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            superuser,
            reverse("admin:newsroom_sitesettings_change", args=[singleton_row(SiteSettings).pk]),
            publisher_name="Harbour Media Trust",
        )
    assert response.status_code == 302

    assert "published by Harbour Media Trust" in page_text(signed_in, story)
    assert "published by Harbour Media Trust" in signed_in.get("/").content.decode()


def test_the_masthead_marks_the_current_section_on_each_page(signed_in, story):
    home = signed_in.get("/").content.decode()
    section = signed_in.get("/politics/").content.decode()

    assert '<a href="/" aria-current="page">Home</a>' in home
    assert '<a href="/politics/" aria-current' not in home
    assert '<a href="/politics/" aria-current' in section
    assert '<a href="/" aria-current="page">Home</a>' not in section


def test_a_page_reads_the_site_generation_once_however_many_pieces_it_keeps(signed_in, story):
    page_text(signed_in, story)  # the pieces are kept

    with mock.patch.object(generations, "_current", wraps=generations._current) as read:
        page_text(signed_in, story)

    assert [call.args[0] for call in read.call_args_list].count(generations.SITE_KEY) == 1


def test_a_page_reads_its_articles_generation_once(signed_in, story):
    # The page (for the page cache) and its comments piece are kept under one reading.
    page_text(signed_in, story)

    with mock.patch.object(generations, "_current", wraps=generations._current) as read:
        page_text(signed_in, story)

    keys = [call.args[0] for call in read.call_args_list]
    assert keys.count(generations.ARTICLE_KEY.format(story.pk)) == 1
