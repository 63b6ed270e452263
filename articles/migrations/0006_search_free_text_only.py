"""The search column stops indexing premium bodies (issue 26: a word only in a premium body
made search return the article, so searching told anyone the subscribers' text).

PostgreSQL (before 17) cannot change a generated column's expression, so the column is
dropped and added again, and its index with it. Adding a stored generated column rewrites the
whole table under an exclusive lock: at a million articles that is a few minutes during which
nothing can read or write articles, and search then runs without its index until the index is
rebuilt (concurrently, about a minute more). Run it in a quiet hour, in maintenance mode.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations, models

import articles.models

# As in 0004: rewriting the table and building a GIN index outlast the statement timeout.
NO_TIMEOUT = "SET statement_timeout = 0"


class Migration(migrations.Migration):
    # Not atomic: the index is built concurrently, as in 0004 and 0005.
    atomic = False

    dependencies = [
        ("articles", "0005_search_by_week"),
    ]

    operations = [
        migrations.RunSQL(NO_TIMEOUT, reverse_sql=migrations.RunSQL.noop),
        RemoveIndexConcurrently(model_name="article", name="article_search_week_gin"),
        migrations.RemoveField(model_name="article", name="search"),
        migrations.AddField(
            model_name="article",
            name="search",
            field=models.GeneratedField(
                db_persist=True,
                expression=(
                    SearchVector("headline", weight="A", config="english")
                    + SearchVector("standfirst", weight="B", config="english")
                    # A premium body is no longer indexed.
                    + SearchVector(
                        models.Case(
                            models.When(is_premium=True, then=models.Value("")),
                            default=articles.models.body_text(),
                            output_field=models.TextField(),
                        ),
                        weight="C",
                        config="english",
                    )
                    + SearchVector("author_names", weight="D", config="english")
                ),
                output_field=SearchVectorField(),
            ),
        ),
        AddIndexConcurrently(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                models.F("search"),
                articles.models.PublicationWeek("publish_at"),
                name="article_search_week_gin",
            ),
        ),
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=NO_TIMEOUT),
    ]
