"""Counting reads for “most read”, away from the page request.

The article page is the same cached bytes for everyone, so it cannot count anything itself.
A deferred script posts a beacon after the page has loaded; the endpoint adds one to the
article's row for today in a single upsert. Each address counts once per article per half
hour, and at most READS_PER_HOUR times an hour, so a reload loop or a bot cannot push a story
up the list.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import IntegerField, Sum, Value
from django.utils import timezone

from articles.models import Article, DailyReadCount
from newsroom.lib import ratelimit
from newsroom.lib.client_ip import client_ip

REPEAT_WINDOW_SECONDS = 30 * 60
READS_PER_HOUR = 120
MOST_READ_DAYS = 7


def should_count(request, article_id):
    """False when this reader's address has just been counted for this article, or has sent
    more than READS_PER_HOUR beacons this hour."""
    address = client_ip(request) or "unknown"
    if not cache.add(f"reads:seen:{address}:{article_id}", 1, REPEAT_WINDOW_SECONDS):
        return False
    return ratelimit.hit("reads", address, limit=READS_PER_HOUR, period=60 * 60).allowed


def record_read(article_id, day=None):
    """Add one read to today's count for a published article, in one statement.

    The INSERT's rows come from Article.objects.published(), so a draft, a withdrawn article
    or a made-up id inserts nothing; an existing row for the day is incremented in place.
    Returns True when a read was counted.
    """
    day = day or timezone.localdate()
    source = (
        Article.objects.published()
        .filter(pk=article_id)
        .annotate(read_day=Value(day), one=Value(1, output_field=IntegerField()))
        .values_list("pk", "read_day", "one")
    )
    select_sql, params = source.query.sql_with_params()
    table = connection.ops.quote_name(DailyReadCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, day, count) {select_sql} "
            f"ON CONFLICT (article_id, day) DO UPDATE SET count = {table}.count + 1",
            params,
        )
        return cursor.rowcount == 1


def most_read(limit=5, today=None):
    """The articles read most over the last week, in one query."""
    today = today or timezone.localdate()
    since = today - timedelta(days=MOST_READ_DAYS - 1)
    return list(
        Article.objects.published()
        .filter(read_counts__day__gte=since)
        .annotate(reads=Sum("read_counts__count"))
        .select_related("section")
        # The list shows headlines and links: whole rows only made the query longer to build.
        .only("headline", "slug", "publish_at", "created_at", "section__slug")
        .order_by("-reads", "-publish_at")[:limit]
    )
