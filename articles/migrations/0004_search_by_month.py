import django.contrib.postgres.indexes
from django.contrib.postgres.operations import (
    AddIndexConcurrently,
    BtreeGinExtension,
    RemoveIndexConcurrently,
)
from django.db import migrations, models
from django.db.models import Func


class PublicationMonth(Func):
    """The UTC month of a publish time, as the month's first day: the key these indexes held
    until search went a week at a time (0005); kept here so that this migration still runs."""

    template = "(DATE_TRUNC('month', %(expressions)s AT TIME ZONE 'UTC'))::date"
    arity = 1
    output_field = models.DateField()


# Building a GIN index over a large archive takes longer than the site's statement timeout
# (DB_STATEMENT_TIMEOUT_MS), so this migration's connection lifts it, in whichever direction
# the migration runs.
NO_TIMEOUT = "SET statement_timeout = 0"


class Migration(migrations.Migration):
    # Concurrently: readers and editors keep working while the index is built, which takes
    # about a minute at a million articles.
    atomic = False

    dependencies = [
        ("articles", "0003_admin_date_drilldown_index"),
    ]

    operations = [
        migrations.RunSQL(NO_TIMEOUT, reverse_sql=migrations.RunSQL.noop),
        # The month beside the words in one GIN index needs btree_gin (a trusted extension
        # shipped with PostgreSQL).
        BtreeGinExtension(),
        # The new index first, so that search is never without one.
        AddIndexConcurrently(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                models.F("search"),
                PublicationMonth("publish_at"),
                name="article_search_month_gin",
            ),
        ),
        RemoveIndexConcurrently(model_name="article", name="article_search_gin"),
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                PublicationMonth("publish_at"),
                models.F("publish_at").desc(),
                models.F("id").desc(),
                condition=models.Q(status="published"),
                name="article_month_published_idx",
            ),
        ),
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=NO_TIMEOUT),
    ]
