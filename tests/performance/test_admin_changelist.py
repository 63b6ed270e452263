"""The admin's article list never counts the whole table: at a million articles COUNT(*) on
each page load is the slowest thing it does."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.lib import paginators
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

WHOLE_TABLE_COUNT = re.compile(r'SELECT COUNT\(\*\) AS "__count" FROM "articles_article"\s*$')


def whole_table_counts(captured):
    return [query["sql"] for query in captured.captured_queries if WHOLE_TABLE_COUNT.search(query["sql"])]


def test_a_large_article_list_shows_the_estimated_total_without_counting(client, superuser, monkeypatch):
    ArticleFactory.create_batch(3)
    monkeypatch.setattr(paginators, "estimated_rows", lambda model, using: 1_000_000)
    client.force_login(superuser)

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/articles/article/")

    assert response.status_code == 200
    assert whole_table_counts(captured) == []
    assert "1000000 articles" in response.content.decode()


def test_a_small_article_list_is_counted_exactly(client, superuser):
    ArticleFactory.create_batch(3)
    client.force_login(superuser)

    response = client.get("/admin/articles/article/")

    assert "3 articles" in response.content.decode()


def test_a_searched_list_is_counted_exactly_even_when_the_table_is_large(client, superuser, monkeypatch):
    ArticleFactory(headline="Ferry timetable cut")
    ArticleFactory(headline="Library hours extended")
    monkeypatch.setattr(paginators, "estimated_rows", lambda model, using: 1_000_000)
    client.force_login(superuser)

    response = client.get("/admin/articles/article/?q=ferry")

    assert "1 article" in response.content.decode()


def test_the_estimate_comes_from_the_planner_statistics(db):
    from articles.models import Article

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")

    assert isinstance(paginators.estimated_rows(Article, "default"), int)
