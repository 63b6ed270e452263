"""The public change log ("What changed"): an article's substantive edits since publication,
with the parts they changed, and its corrections, highlighted; edits marked minor are left out
and leave "Updated" alone, so dateModified is always the latest change listed."""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.lib.timestamps import machine_datetime
from tests.articles.editorial_helpers import edit_in_admin
from tests.factories import ArticleFactory, CorrectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The view itself is measured and read; edits here commit nothing that would move the
    # cache generations, so the article's kept copy is dropped by hand between edits.
    settings.PAGE_CACHE_ENABLED = False
    cache.clear()


@pytest.fixture
def article(db):
    return ArticleFactory(
        headline="Harbour wall repairs to start in March",
        standfirst="The council approved the money on Tuesday.",
        body="<p>The repairs will cost £2m.</p>",
        publish_at=timezone.now() - timedelta(hours=3),
    )


def changes_url(article):
    return article.get_absolute_url() + "changes/"


def listed_times(html):
    log = html[html.index('<ol class="change-log"') :] if 'class="change-log"' in html else ""
    return re.findall(r'<time datetime="([^"]+)"', log)


def date_modified(html):
    for block in re.findall(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data.get("@type") == "NewsArticle":
            return data["dateModified"]
    raise AssertionError("no NewsArticle JSON-LD on the page")


def test_an_edit_is_listed_with_the_parts_it_changed_and_is_the_updated_time(client, article, editor):
    edit_in_admin(editor, article, headline="Harbour wall repairs to start in April", body="<p>£3m.</p>")

    page = client.get(changes_url(article)).content.decode()

    assert "Edited: the headline, the text." in page
    article_page = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="{changes_url(article)}">What changed</a>' in article_page
    assert listed_times(page)[0] == date_modified(article_page)


def test_a_minor_edit_is_left_out_and_leaves_updated_alone(client, article, editor):
    edit_in_admin(editor, article, body="<p>The repairs will cost £2 million.</p>", minor_edit=True)

    assert article.revised_at is None
    assert article.history.first().history_change_reason == "Minor edit"
    page = client.get(changes_url(article)).content.decode()
    assert "Nothing has changed since this article was published." in page
    article_page = client.get(article.get_absolute_url()).content.decode()
    assert "What changed" not in article_page
    assert date_modified(article_page) == machine_datetime(article.publish_at)


def test_a_minor_edit_after_a_real_one_keeps_the_real_ones_time(client, article, editor):
    edit_in_admin(editor, article, standfirst="The council approved the money on Wednesday.")
    updated = article.revised_at
    edit_in_admin(editor, article, standfirst="The council approved the money on Wednesday!", minor_edit=True)

    assert article.revised_at == updated
    page = client.get(changes_url(article)).content.decode()
    assert page.count("Edited:") == 1
    assert "Edited: the standfirst." in page
    assert listed_times(page)[0] == date_modified(client.get(article.get_absolute_url()).content.decode())


def test_corrections_are_listed_and_marked_as_such(client, article, editor):
    edit_in_admin(editor, article, headline="Harbour wall repairs to start in April")
    CorrectionFactory(article=article, text="An earlier version gave the wrong cost.")

    page = client.get(changes_url(article)).content.decode()

    assert page.index("change-log__item--correction") < page.index("Edited: the headline.")  # newest first
    label = '<strong class="change-log__label">Correction</strong>'
    assert f"{label} An earlier version gave the wrong cost." in page
    article.refresh_from_db()
    assert listed_times(page)[0] == date_modified(client.get(article.get_absolute_url()).content.decode())


def test_edits_in_the_quiet_minutes_after_publication_are_not_listed(client, editor):
    fresh = ArticleFactory(publish_at=timezone.now() - timedelta(minutes=1))
    edit_in_admin(editor, fresh, headline="A slip put right at once")

    assert "Nothing has changed" in client.get(changes_url(fresh)).content.decode()


def test_unpublished_articles_have_no_change_log(client):
    draft = ArticleFactory(status="draft", publish_at=None)

    assert client.get(draft.get_absolute_url() + "changes/").status_code == 404


def test_the_change_log_costs_the_same_queries_for_one_edit_or_five(client, article, editor):
    edit_in_admin(editor, article, headline="First headline")
    client.get(changes_url(article))
    with CaptureQueriesContext(connection) as one:
        client.get(changes_url(article))
    for number in range(4):
        edit_in_admin(editor, article, headline=f"Headline {number}")
        CorrectionFactory(article=article, text=f"Correction {number}.")
    cache.clear()
    client.get(changes_url(article))
    with CaptureQueriesContext(connection) as five:
        page = client.get(changes_url(article)).content.decode()

    assert page.count("Edited: the headline.") == 5
    assert len(five.captured_queries) == len(one.captured_queries) <= 4
