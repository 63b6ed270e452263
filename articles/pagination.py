"""Keyset pagination for listings: “older” and “newer” links carry the position of the
last row seen (its time and id) instead of a page number.

An OFFSET page makes PostgreSQL walk past every earlier row, so page 4,000 of a section is
slow; a keyset page starts at the cursor in the (…, publish_at desc, id desc) index and reads
only the rows it shows, however deep the reader goes.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q

from newsroom.lib.paginators import no_such_page, refuse_page_numbers

PER_PAGE = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})$")


def encode_cursor(moment, pk):
    return f"{(moment - _EPOCH) // timedelta(microseconds=1)}-{pk}"


def decode_cursor(value):
    """(aware datetime, id) from a cursor; a malformed cursor is a page that does not exist."""
    match = _CURSOR.match(value)
    if not match:
        raise no_such_page()
    micros, pk = (int(group) for group in match.groups())
    try:
        moment = _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        raise no_such_page() from None
    return moment, pk


@dataclass
class KeysetPage:
    items: list
    older: str | None  # cursor for ?before=
    newer: str | None  # cursor for ?after=

    @property
    def is_first(self):
        return self.newer is None

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def keyset_page(queryset, params, *, time_field="publish_at", per_page=PER_PAGE):
    """One page of `queryset`, newest first, positioned by ?before= or ?after= in `params`.

    The site's rule for pages that are not there (newsroom/lib/paginators.py): a cursor that
    is malformed or points past either end, or a page number, is a 404; the first page, even
    empty, is not.
    """
    refuse_page_numbers(params)
    before, after = params.get("before"), params.get("after")
    if before and after:
        # A listing page is either before or after a point, not both.
        raise no_such_page()
    newest_first = (f"-{time_field}", "-id")
    if after:
        moment, pk = decode_cursor(after)
        # The bound on the time alone lets the index scan start at the cursor.
        rows = list(
            queryset.filter(**{f"{time_field}__gte": moment})
            .filter(Q(**{f"{time_field}__gt": moment}) | Q(id__gt=pk))
            .order_by(time_field, "id")[: per_page + 1]
        )
        has_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_older = True
    else:
        if before:
            moment, pk = decode_cursor(before)
            queryset = queryset.filter(**{f"{time_field}__lte": moment}).filter(
                Q(**{f"{time_field}__lt": moment}) | Q(id__lt=pk)
            )
        rows = list(queryset.order_by(*newest_first)[: per_page + 1])
        has_older = len(rows) > per_page
        rows = rows[:per_page]
        has_newer = bool(before)
    if (before or after) and not rows:
        raise no_such_page()
    return KeysetPage(
        items=rows,
        older=encode_cursor(getattr(rows[-1], time_field), rows[-1].pk) if rows and has_older else None,
        newer=encode_cursor(getattr(rows[0], time_field), rows[0].pk) if rows and has_newer else None,
    )
