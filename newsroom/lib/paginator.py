from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """A paginator told its count by a query that already had it, so it never runs COUNT."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.count = count
