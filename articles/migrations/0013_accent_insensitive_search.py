"""Search ignores accents (issue 23: “Ekstrom” found nothing about Ekström), and a vocabulary
of searchable words feeds “did you mean” suggestions.

Accents are taken off by a text search configuration of our own, `newsroom_search`: English,
with the `unaccent` dictionary in front of the stemmer for words that are not plain ASCII.
The search column is built with it, so, as in 0006, the generated column is dropped and added
again (PostgreSQL before 17 cannot change its expression) and its index rebuilt concurrently.
At a million articles that rewrites the table for a few minutes under an exclusive lock: run it
in a quiet hour, in maintenance mode.

The vocabulary table starts empty; `manage.py rebuild_search_words` fills it from the archive
(seed_demo runs it), and publishing keeps it up to date.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import (
    AddIndexConcurrently,
    RemoveIndexConcurrently,
    UnaccentExtension,
)
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations, models

import articles.models

NO_TIMEOUT = "SET statement_timeout = 0"

CREATE_CONFIGURATION = """
CREATE TEXT SEARCH CONFIGURATION newsroom_search (COPY = english);
ALTER TEXT SEARCH CONFIGURATION newsroom_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""
DROP_CONFIGURATION = "DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom_search"


def search_column(config):
    return models.GeneratedField(
        db_persist=True,
        expression=(
            SearchVector("headline", weight="A", config=config)
            + SearchVector("standfirst", weight="B", config=config)
            + SearchVector(
                models.Case(
                    models.When(is_premium=True, then=models.Value("")),
                    default=articles.models.body_text(),
                    output_field=models.TextField(),
                ),
                weight="C",
                config=config,
            )
            + SearchVector("author_names", weight="D", config=config)
        ),
        output_field=SearchVectorField(),
    )


def search_index():
    return django.contrib.postgres.indexes.GinIndex(
        models.F("search"),
        articles.models.PublicationWeek("publish_at"),
        name="article_search_week_gin",
    )


class Migration(migrations.Migration):
    # Not atomic: the index is built concurrently, as in 0004 to 0006.
    atomic = False

    dependencies = [
        ("articles", "0012_front_page"),
    ]

    operations = [
        migrations.RunSQL(NO_TIMEOUT, reverse_sql=migrations.RunSQL.noop),
        UnaccentExtension(),
        # pg_trgm is shared with the audit app's indexes: created if missing, never dropped here.
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(CREATE_CONFIGURATION, reverse_sql=DROP_CONFIGURATION),
        RemoveIndexConcurrently(model_name="article", name="article_search_week_gin"),
        migrations.RemoveField(model_name="article", name="search"),
        migrations.AddField(model_name="article", name="search", field=search_column("newsroom_search")),
        AddIndexConcurrently(model_name="article", index=search_index()),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("articles", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["word"], name="search_word_trgm", opclasses=["gin_trgm_ops"]
                    )
                ],
            },
        ),
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=NO_TIMEOUT),
    ]
