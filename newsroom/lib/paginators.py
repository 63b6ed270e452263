"""Paginators that never count a large table (one told its count by a query that already had
it, one that estimates an unfiltered table's count from the planner's statistics), and the
site's one rule for a page that is not there.

The rule, for every public listing (sections, tags, authors, sources, corrections) and for
search: the first page always exists, and an empty one answers 200 with "nothing yet"; any
page past the end, a page "number" that is not one, or a cursor that points at no rows answers
404. A crawler that follows a made-up address gets a clear "not here", never an endless run of
empty or repeated pages that look like content.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.http import Http404
from django.utils.functional import cached_property

NO_SUCH_PAGE = "There is no such page of this list."


def no_such_page():
    """The 404 for a page past the end of a listing; raise it."""
    return Http404(NO_SUCH_PAGE)


def numbered_page(paginator, number):
    """Page `number` (a query-string value; none means the first) of `paginator`, or a 404.

    The first page exists even when the list is empty (Django's allow_empty_first_page)."""
    try:
        return paginator.page(number or 1)
    except (PageNotAnInteger, EmptyPage):
        raise no_such_page() from None


def refuse_page_numbers(params):
    """Listings paged by cursor have no numbered pages: `?page=1` is their first page, and any
    other `?page=` is a page they do not have (before this, `/politics/?page=99` showed the
    first page again under an address a crawler would keep as another page)."""
    if params.get("page", "1") not in ("", "1"):
        raise no_such_page()


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
