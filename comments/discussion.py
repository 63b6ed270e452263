"""An article's discussion as readers see it: threads, paginated, in a fixed number of queries.

A page holds a number of threads (a top-level comment and its replies); long discussions
run to several pages, and a comment's permalink finds the page its thread is on. A comment
that is not shown (deleted, removed, waiting for a moderator) still appears as a one-line
placeholder when replies that are shown hang from it, so the thread stays readable.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q

from comments.models import Comment

NEWEST = "newest"
OLDEST = "oldest"
ORDERS = (NEWEST, OLDEST)
DEFAULT_ORDER = NEWEST
PAGE_PARAMETER = "comments_page"
ORDER_PARAMETER = "comments_order"


@dataclass
class Node:
    comment: Comment
    children: list = field(default_factory=list)

    @property
    def shown(self):
        return self.comment.is_visible

    @property
    def placeholder(self):
        comment = self.comment
        if comment.deleted_at:
            return "Comment deleted by its author."
        if comment.is_removed:
            return "Comment removed by a moderator."
        return "Comment awaiting moderation."


def displayed_threads(article):
    """Top-level comments shown on the article: visible, or with a visible reply."""
    visible_reply = Comment.objects.visible().filter(thread_id=OuterRef("thread_id"), level__gt=0)
    visible = Q(is_public=True, is_removed=False, deleted_at__isnull=True)
    return Comment.objects.filter(article=article, level=0).filter(visible | Q(Exists(visible_reply)))


def _ordered(threads, order):
    return threads.order_by("-thread_id" if order == NEWEST else "thread_id")


def _build(comments):
    """Nest comments that arrive in xtd's thread order (parents before their replies)."""
    nodes = {}
    roots = []
    for comment in comments:
        node = Node(comment)
        nodes[comment.pk] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id != comment.pk else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    return roots


def _prune(nodes):
    """Keep what is visible, and placeholders that still have visible replies under them."""
    kept = []
    for node in nodes:
        node.children = _prune(node.children)
        if node.shown or node.children:
            kept.append(node)
    return kept


@dataclass
class DiscussionPage:
    threads: list
    page: object
    order: str
    total: int


def discussion_page(article, *, order=DEFAULT_ORDER, page_number=1):
    order = order if order in ORDERS else DEFAULT_ORDER
    threads = _ordered(displayed_threads(article), order).values_list("pk", flat=True)
    paginator = Paginator(threads, settings.COMMENTS_THREADS_PER_PAGE)
    page = paginator.get_page(page_number)
    root_ids = list(page.object_list)
    comments = (
        Comment.objects.filter(thread_id__in=root_ids).select_related("user").order_by("thread_id", "order")
        if root_ids
        else []
    )
    by_thread = {root.comment.pk: root for root in _build(comments)}
    roots = [by_thread[pk] for pk in root_ids if pk in by_thread]
    total = Comment.objects.visible().filter(article=article).count()
    return DiscussionPage(threads=_prune(roots), page=page, order=order, total=total)


def page_number_of(comment, *, order=DEFAULT_ORDER):
    """The page of the article's discussion that holds `comment`'s thread."""
    threads = displayed_threads(comment.article_id)
    root_id = comment.thread_id
    before = (
        threads.filter(thread_id__gt=root_id) if order == NEWEST else threads.filter(thread_id__lt=root_id)
    )
    return before.count() // settings.COMMENTS_THREADS_PER_PAGE + 1
