"""Reads are counted by a beacon after the page loads: one upsert, rate-limited, never cached."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import reads
from articles.models import DailyReadCount
from articles.reads import most_read, record_read
from newsroom.models import SiteSettings
from tests.factories import ArticleFactory, singleton_row

pytestmark = pytest.mark.django_db


def beacon(client, article, address="203.0.113.7"):
    return client.post(f"/api/reads/{article.pk}/", REMOTE_ADDR=address)


def count_of(article):
    row = DailyReadCount.objects.filter(article=article, day=timezone.localdate()).first()
    return row.count if row else 0


def test_the_article_page_itself_writes_nothing(client):
    singleton_row(SiteSettings)  # the row the migration creates; a transactional test may have flushed it
    article = ArticleFactory()
    with CaptureQueriesContext(connection) as captured:
        client.get(article.get_absolute_url())
    # A UNION of reads starts with its first member's parenthesis.
    assert not [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip("( ").startswith("SELECT")]
    assert count_of(article) == 0


def test_a_beacon_counts_one_read_in_a_single_statement_and_is_never_cached(client):
    article = ArticleFactory()
    with CaptureQueriesContext(connection) as captured:
        response = beacon(client, article)
    assert response.status_code == 204
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert count_of(article) == 1
    writes = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == 1
    assert "ON CONFLICT" in writes[0]
    beacon(client, article, address="203.0.113.8")
    assert count_of(article) == 2


def test_the_same_reader_is_counted_once_per_article_per_half_hour(client):
    article = ArticleFactory()
    for _ in range(5):
        beacon(client, article)
    assert count_of(article) == 1


def test_one_address_cannot_count_more_than_the_hourly_limit(client, monkeypatch):
    articles = [ArticleFactory() for _ in range(3)]
    monkeypatch.setattr(reads, "READS_PER_HOUR", 2)
    for article in articles:
        beacon(client, article)
    assert sum(count_of(article) for article in articles) == 2


def test_drafts_and_unknown_articles_are_not_counted(client):
    draft = ArticleFactory(status="draft", publish_at=None)
    assert beacon(client, draft).status_code == 204
    assert count_of(draft) == 0
    assert client.post("/api/reads/999999/").status_code == 204
    assert DailyReadCount.objects.count() == 0


def test_the_beacon_accepts_only_post(client):
    article = ArticleFactory()
    assert client.get(f"/api/reads/{article.pk}/").status_code == 405


def test_record_read_adds_to_an_existing_row():
    article = ArticleFactory()
    assert record_read(article.pk) is True
    assert record_read(article.pk) is True
    assert count_of(article) == 2


def test_most_read_sums_the_last_seven_days_in_one_query():
    today = timezone.localdate()
    steady, spike, old = ArticleFactory(), ArticleFactory(), ArticleFactory()
    for days_ago in range(7):
        steady.read_counts.create(day=today - timedelta(days=days_ago), count=10)
    spike.read_counts.create(day=today, count=50)
    old.read_counts.create(day=today - timedelta(days=7), count=1000)
    with CaptureQueriesContext(connection) as captured:
        ranked = most_read()
    assert len(captured.captured_queries) == 1
    assert [article.pk for article in ranked] == [steady.pk, spike.pk]
    assert ranked[0].reads == 70
