"""Paginators that never count a large table: one told its count by a query that already had
it, one that estimates an unfiltered table's count from the planner's statistics."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class KnownCountPaginator(Paginator):
    """A paginator told its count by a query that already had it, so it never runs COUNT."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.count = count


# Below this many rows an exact count is cheap, and an estimate would look wrong.
ESTIMATE_ABOVE_ROWS = 10_000


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered queryset from PostgreSQL's planner statistics instead of COUNT(*).

    At a million rows COUNT(*) reads the whole table on every page load of an admin list. The
    planner's row estimate (pg_class.reltuples, kept current by autovacuum and ANALYZE) costs
    nothing and is close enough for "page N of about M". A filtered or searched list is
    counted exactly: filters narrow it, and its count must be right.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        if getattr(queryset, "query", None) is None or queryset.query.where:
            return super().count
        estimate = estimated_rows(queryset.model, queryset.db)
        if estimate is None or estimate < ESTIMATE_ABOVE_ROWS:
            return super().count
        return estimate


def estimated_rows(model, using):
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        row = cursor.fetchone()
    # -1 means the table was never analysed.
    return row[0] if row and row[0] >= 0 else None
