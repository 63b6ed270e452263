import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

import articles.models

# As in 0004: building a GIN index over a large archive outlasts the site's statement timeout.
NO_TIMEOUT = "SET statement_timeout = 0"


class Migration(migrations.Migration):
    # Concurrently: readers and editors keep working while the indexes are built, which takes
    # under a minute at a million articles.
    atomic = False

    dependencies = [
        ("articles", "0004_search_by_month"),
    ]

    operations = [
        migrations.RunSQL(NO_TIMEOUT, reverse_sql=migrations.RunSQL.noop),
        # Each new index before the one it replaces, so that search is never without one.
        AddIndexConcurrently(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                models.F("search"),
                articles.models.PublicationWeek("publish_at"),
                name="article_search_week_gin",
            ),
        ),
        RemoveIndexConcurrently(model_name="article", name="article_search_month_gin"),
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                articles.models.PublicationWeek("publish_at"),
                models.F("publish_at").desc(),
                models.F("id").desc(),
                condition=models.Q(status="published"),
                name="article_week_published_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="article", name="article_month_published_idx"),
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=NO_TIMEOUT),
    ]
