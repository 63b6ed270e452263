"""The pieces of an article page kept in the cache (newsroom/lib/fragments.py): the article
with its bylines, tags and corrections, the comments region, the related list, the
masthead and the footer.

A signed-in reader's page is never taken from the page cache, so it is rendered every time
from these pieces: each test reads as a signed-in reader, changes something the way the
newsroom does, and checks the reader sees it on the next page.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.services import add_correction, withdraw_article
from comments.models import ArticleCommentPolicy, CommentPolicy
from comments.services import approve_comment
from newsroom.models import SiteSettings
from tests.factories import ArticleFactory

from .test_page_cache import comment_on

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
    comment_on(story, "The wall needs a gate.", published_at=timezone.now())
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
    held = comment_on(story, "Spring tides reach the road.", is_public=False)
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
        story.headline = "Harbour wall plan approved after all-night sitting"
        story.save()
    assert "after all-night sitting" in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        add_correction(article=story, text="The vote was 7 to 4, not 8 to 3.", by=editor)
    assert "The vote was 7 to 4" in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_article(article=story, by=editor)
    assert signed_in.get(story.get_absolute_url()).status_code == 404


def test_a_newly_published_related_article_joins_the_list(
    signed_in, story, django_capture_on_commit_callbacks
):
    assert "Harbour toll scrapped" not in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(headline="Harbour toll scrapped", section=story.section, tags=["Harbour"])

    related = page_text(signed_in, story).split("Related articles")[1]
    assert "Harbour toll scrapped" in related


def test_comment_policies_close_the_discussion_on_the_next_page(
    signed_in, story, django_capture_on_commit_callbacks
):
    Article.objects.filter(pk=story.pk).update(first_published_at=timezone.now() - timedelta(days=2))
    assert "Write a comment" in page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        ArticleCommentPolicy.objects.create(
            article=story, close_after_days=1, closed_message="Closed while the case is in court."
        )
    html = page_text(signed_in, story)
    assert "Closed while the case is in court." in html
    assert "Write a comment" not in html

    with django_capture_on_commit_callbacks(execute=True):
        story.comment_policy.delete()
        policy = CommentPolicy.current()
        policy.close_after_days = 1
        policy.save()
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


def test_editing_the_site_settings_changes_every_footer(signed_in, story, django_capture_on_commit_callbacks):
    page_text(signed_in, story)

    with django_capture_on_commit_callbacks(execute=True):
        furniture = SiteSettings.load()
        furniture.publisher_name = "Harbour Media Trust"
        furniture.save()

    assert "published by Harbour Media Trust" in page_text(signed_in, story)
    assert "published by Harbour Media Trust" in signed_in.get("/").content.decode()


def test_the_masthead_marks_the_current_section_on_each_page(signed_in, story):
    home = signed_in.get("/").content.decode()
    section = signed_in.get("/politics/").content.decode()

    assert '<a href="/" aria-current="page">Home</a>' in home
    assert '<a href="/politics/" aria-current' not in home
    assert '<a href="/politics/" aria-current' in section
    assert '<a href="/" aria-current="page">Home</a>' not in section
