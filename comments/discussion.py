"""An article's discussion as readers see it: threads, paginated, in a fixed number of queries.

A page holds a number of threads (a top-level comment and its replies); long discussions
run to several pages, and a comment's permalink finds the page its thread is on. A comment
that is not shown (deleted, removed, waiting for a moderator) still appears as a one-line
placeholder when replies that are shown hang from it, so the thread stays readable.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Count, F, Max, Q

from articles.models import Article
from comments.models import ArticleCommentPolicy, Comment
from newsroom.lib.paginators import KnownCountPaginator

NEWEST = "newest"
OLDEST = "oldest"
FEATURED = "featured"
ORDERS = (NEWEST, OLDEST, FEATURED)
# Newest first, with the threads holding an editors' pick ahead of the rest.
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


def displayed_thread_ids(article, order):
    """Ids of the threads shown on the article, in `order`: those with a visible comment. A
    thread whose first comment was removed or deleted still shows when a reply is visible; the
    first comment then stands as a placeholder. (Comments are never deleted outright, so every
    thread keeps its first comment.)

    Newest first puts the threads holding a visible editors' pick on top, the latest pick
    first; Featured shows only those threads. Both group by thread, with `picked` (the time of
    the thread's latest visible pick, or null) as an alias the caller may filter on."""
    visible = Comment.objects.visible().filter(article=article)
    if order == OLDEST:
        return visible.order_by("thread_id").values("thread_id").distinct()
    if order == FEATURED:
        visible = visible.filter(featured_at__isnull=False)
    return (
        visible.values("thread_id")
        .alias(picked=Max("featured_at"))
        .order_by(F("picked").desc(nulls_last=True), "-thread_id")
    )


def thread_pick_time(node):
    """When the latest visible pick in a thread was made, or None: the Python twin of
    displayed_thread_ids' `picked`, for ordering threads already fetched."""
    times = [node.comment.featured_at] if node.comment.is_pick else []
    times += [time for child in node.children if (time := thread_pick_time(child))]
    return max(times, default=None)


def _picks_first(roots):
    """Threads with a pick first, the latest pick first; the rest keep their order (sort is
    stable). Matches the database's order of the page's thread ids."""
    timed = [(thread_pick_time(root), root) for root in roots]
    with_pick = sorted(
        (pair for pair in timed if pair[0] is not None), key=lambda pair: pair[0], reverse=True
    )
    return [root for _, root in with_pick] + [root for time, root in timed if time is None]


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
class Row:
    """One comment in reading order with the list markup around it. The region template walks
    a flat list of these: including a template once per comment, recursively, cost more than
    everything else in the region."""

    node: Node
    opens_replies: bool = False  # the first reply under a comment opens its nested list
    closes: int = 0  # nested lists (each with its parent's item) that end after this comment
    # What the card shows beyond the comment itself, filled in by the region's template tag
    # (comments/templatetags/comment_tags.py): its links, and its times already formatted.
    permalink: str = ""
    report_url: str = ""
    follow_url: str = ""
    can_reply: bool = False
    answer_role: str = ""  # in Q&A mode: this reply answers its question, from someone in this role
    answered: bool = False  # in Q&A mode: this question has an answer
    submitted: tuple | None = None
    edited: tuple | None = None
    # Worked out once a card rather than by the template, which read the author's name five
    # times, escaping it each time, and the pick (a property) three times.
    item_class: str = ""  # the list item's classes
    author: str = ""  # escaped
    is_pick: bool = False
    text: str = ""  # the comment as safe HTML

    @property
    def comment(self):
        return self.node.comment

    @property
    def has_replies(self):
        return bool(self.node.children)

    @property
    def closed_lists(self):
        return range(self.closes)


def reading_rows(threads):
    """Every comment of `threads`, a parent before its replies, as Rows."""
    rows = []

    def walk(nodes, nested):
        for index, node in enumerate(nodes):
            rows.append(Row(node, opens_replies=nested and index == 0))
            if node.children:
                walk(node.children, nested=True)
                # The last comment under `node` ends node's list of replies, and node's item.
                rows[-1].closes += 1

    walk(threads, nested=False)
    return rows


@dataclass
class DiscussionPage:
    threads: list
    page: object
    order: str
    total: int
    policy_override: ArticleCommentPolicy | None = None
    featured_total: int = 0  # threads holding an editors' pick
    question_total: int = 0  # visible first comments: the questions, in Q&A mode

    @cached_property
    def rows(self):
        return reading_rows(self.threads)


def _summary(article):
    """The article's comment policy override and its discussion's two counts, in one row."""
    visible = Q(
        reader_comments__is_public=True,
        reader_comments__is_removed=False,
        reader_comments__deleted_at__isnull=True,
    )
    return (
        Article.objects.filter(pk=getattr(article, "pk", article))
        .values(
            "comment_policy__id",
            "comment_policy__moderation",
            "comment_policy__close_after_days",
            "comment_policy__closed_message",
            "comment_policy__qa_enabled",
            "comment_policy__qa_intro",
        )
        .annotate(
            thread_total=Count("reader_comments__thread_id", filter=visible, distinct=True),
            comment_total=Count("reader_comments", filter=visible),
            featured_total=Count(
                "reader_comments__thread_id",
                filter=visible & Q(reader_comments__featured_at__isnull=False),
                distinct=True,
            ),
            question_total=Count("reader_comments", filter=visible & Q(reader_comments__level=0)),
        )
        .get()
    )


def _override_from(summary, article):
    if summary["comment_policy__id"] is None:
        return None
    return ArticleCommentPolicy(
        id=summary["comment_policy__id"],
        article_id=getattr(article, "pk", article),
        moderation=summary["comment_policy__moderation"],
        close_after_days=summary["comment_policy__close_after_days"],
        closed_message=summary["comment_policy__closed_message"],
        qa_enabled=summary["comment_policy__qa_enabled"],
        qa_intro=summary["comment_policy__qa_intro"],
    )


# What a comment card shows; the rest of the row (moderation notes, IP address, xtd's flags)
# is never read on the article page.
CARD_FIELDS = (
    "comment",
    "submit_date",
    "is_public",
    "is_removed",
    "user_id",
    "user_name",
    "thread_id",
    "parent_id",
    "level",
    "order",
    "article_id",
    "edited_at",
    "deleted_at",
    "featured_at",
    "user__display_name",
)


def discussion_page(article, *, order=DEFAULT_ORDER, page_number=1):
    """One page of an article's discussion in two queries, however long it is: the summary
    (policy override and counts), then every comment of the page's threads at once."""
    order = order if order in ORDERS else DEFAULT_ORDER
    summary = _summary(article)
    threads = displayed_thread_ids(article, order)
    count = summary["featured_total"] if order == FEATURED else summary["thread_total"]
    paginator = KnownCountPaginator(threads, settings.COMMENTS_THREADS_PER_PAGE, count=count)
    page = paginator.get_page(page_number)
    comments = []
    if paginator.count:
        # The page's thread ids stay a subquery (LIMIT/OFFSET inside IN): one round trip.
        comments = (
            Comment.objects.filter(thread_id__in=page.object_list)
            .select_related("user")
            .only(*CARD_FIELDS)
            .order_by("thread_id" if order == OLDEST else "-thread_id", "order")
        )
    threads = _prune(_build(comments))
    if order != OLDEST:
        threads = _picks_first(threads)
    return DiscussionPage(
        threads=threads,
        page=page,
        order=order,
        total=summary["comment_total"],
        policy_override=_override_from(summary, article),
        featured_total=summary["featured_total"],
        question_total=summary["question_total"],
    )


def page_number_of(comment, *, order=DEFAULT_ORDER):
    """The page of the article's discussion that holds `comment`'s thread."""
    threads = displayed_thread_ids(comment.article_id, order)
    root_id = comment.thread_id
    if order == OLDEST:
        before = threads.filter(thread_id__lt=root_id)
    else:
        picked = (
            Comment.objects.picks().filter(thread_id=root_id).aggregate(latest=Max("featured_at"))["latest"]
        )
        if picked is None:
            before = threads.filter(Q(picked__isnull=False) | Q(thread_id__gt=root_id))
        else:
            before = threads.filter(Q(picked__gt=picked) | Q(picked=picked, thread_id__gt=root_id))
    return before.count() // settings.COMMENTS_THREADS_PER_PAGE + 1
