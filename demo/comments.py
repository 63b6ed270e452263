"""Generated reader comments for benchmarks: `seed_demo --comments N`.

Discussion on a news site is lopsided: a few hot stories draw most of it and most articles
draw none. The load copies that. The hottest 1% of published articles share HOT_SHARE of the
comments, falling off by rank (a Zipf-like draw); the rest are spread evenly over a fifth of
the other published articles. About a third of the comments are replies, threaded under an
earlier comment on the same article exactly as django-comments-xtd numbers its threads.

Rows go into the three tables of the comment model (django-contrib-comments, xtd, ours) with
COPY, a batch at a time; each batch commits whole threads. Like the article load, a large
load sets the tables' secondary indexes aside and rebuilds them at the end. Each run adds
another N comments, in new threads; earlier threads are left as they are.
"""

import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from accounts.models import User
from articles.models import Article
from comments.models import Comment, ModerationReason
from demo.bulk import (
    SET_ASIDE_MIN_ROWS,
    SET_ASIDE_MIN_SHARE,
    _check_deferred_constraints,
    _copy,
    _copy_text,
    indexes_set_aside,
)
from demo.synthetic import FIRST_NAMES, LAST_NAMES, PLACES
from newsroom import changes

HOT_ARTICLES_SHARE = 0.01  # the hot stories: this share of published articles...
HOT_SHARE = 0.7  # ...hold this share of the comments
HOT_FALL_OFF = 0.8  # Zipf exponent among the hot stories: the first few draw the most
DISCUSSED_SHARE = 0.2  # the other comments go to this share of the remaining articles
REPLY_SHARE = 0.35
HELD_SHARE, REMOVED_SHARE = 0.02, 0.01
DISCUSSION_DAYS = 14  # comments close two weeks after publication by default
REPLY_WITHIN_SECONDS = 2 * 86400
BATCH_SIZE = 50_000
COMMENT_TABLES = [BaseComment._meta.db_table, XtdComment._meta.db_table, Comment._meta.db_table]

OPENINGS = [
    "I live in {place} and this matches what we see every week.",
    "Thanks for reporting this properly.",
    "This is the third time in as many years we have heard this promise.",
    "The figures in the fourth paragraph deserve more attention.",
    "Has anyone asked what this costs per household?",
    "Good to see the council held to account for once.",
    "I am not convinced by the minister's argument here.",
    "My family has been waiting on this for a long time.",
    "A balanced piece, though I would have liked to hear from residents.",
    "Where does the money actually come from?",
]
MIDDLES = [
    "The consultation in {place} was announced with two days' notice.",
    "Nobody I spoke to at the meeting knew about the review.",
    "The same thing happened with the last plan and nothing changed.",
    "The report the article links to is worth reading in full.",
    "Local businesses have been saying this since {year}.",
    "The opposition's alternative is no better costed.",
    "",
    "",
]
CLOSINGS = [
    "I hope you follow this up.",
    "We will see what happens after the vote.",
    "Keep asking the questions.",
    "Time will tell.",
    "",
    "",
]
REPLIES = [
    "I disagree: the figures say otherwise.",
    "Agreed, and {place} has it worse.",
    "Do you have a source for that?",
    "That is not what the report says, read page twelve.",
    "Exactly this.",
    "Fair point, I had not thought of it that way.",
    "The article covers that in the second half.",
]


@dataclass
class CommentSummary:
    comments: int = 0
    threads: int = 0
    replies: int = 0
    commenters_created: int = 0
    articles_discussed: int = 0
    seconds: float = 0.0
    indexes_rebuilt: int = 0
    index_seconds: float = 0.0

    def lines(self):
        lines = [
            f"Added {self.comments:,} comments ({self.threads:,} threads, {self.replies:,} replies) on "
            f"{self.articles_discussed:,} articles in {self.seconds:.1f} s "
            f"({self.comments / max(self.seconds, 0.001):,.0f} comments/s)",
            f"  commenters: {self.commenters_created:,} created",
        ]
        if self.indexes_rebuilt:
            lines.append(
                f"  comment indexes set aside and rebuilt after the load: {self.indexes_rebuilt} "
                f"in {self.index_seconds:.1f} s"
            )
        return lines


def commenter_pool_size(comment_count):
    """A few regulars write most comments: roughly one reader for every 25 comments."""
    return max(20, min(20_000, comment_count // 25))


def ensure_commenters(size):
    """Readers commenter-1..size, created where missing (reader accounts, no usable password)."""
    wanted = [(f"commenter-{index}@example.org", index) for index in range(1, size + 1)]
    existing = dict(User.objects.filter(email__in=[email for email, _ in wanted]).values_list("email", "id"))
    # One unusable password for all: hashing per row would dominate the load.
    unusable = make_password(None)
    missing = []
    for email, index in wanted:
        if email in existing:
            continue
        rng = random.Random(f"commenter-{index}")  # noqa: S311 - demo data, not security
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}. {index}"
        missing.append(User(email=email, display_name=name, password=unusable))
    User.objects.bulk_create(missing, batch_size=2000)
    pool = User.objects.filter(email__in=[email for email, _ in wanted]).values_list(
        "id", "display_name", "email"
    )
    return list(pool), len(missing)


def comment_text(rng, *, reply):
    facts = {"place": rng.choice(PLACES), "year": rng.randrange(2012, 2025)}
    if reply:
        return rng.choice(REPLIES).format(**facts)
    parts = [rng.choice(OPENINGS), rng.choice(MIDDLES), rng.choice(CLOSINGS)]
    return " ".join(part for part in parts if part).format(**facts)


def draw_articles(published, count, rng):
    """`count` article picks (id, publish_at), skewed: see the module's docstring."""
    order = list(published)
    rng.shuffle(order)
    hot_count = max(1, round(len(order) * HOT_ARTICLES_SHARE))
    hot, rest = order[:hot_count], order[hot_count:]
    discussed = rest[: max(1, round(len(rest) * DISCUSSED_SHARE))] if rest else hot
    hot_weights = list(itertools.accumulate(rank**-HOT_FALL_OFF for rank in range(1, len(hot) + 1)))
    hot_picks = round(count * HOT_SHARE) if rest else count
    picks = rng.choices(hot, cum_weights=hot_weights, k=hot_picks)
    picks += rng.choices(discussed, k=count - hot_picks)
    return picks


class CommentLoader:
    def __init__(self, *, count, out, seed=None, batch_size=BATCH_SIZE):
        self.count = count
        self.out = out
        self.batch_size = batch_size
        self.seed = seed if seed is not None else time.time_ns()
        self.rng = random.Random(self.seed)  # noqa: S311 - demo data, not security
        self.now = timezone.now()

    def run(self):
        summary = CommentSummary()
        started = time.monotonic()
        published = list(Article.objects.published().order_by("pk").values_list("pk", "publish_at"))
        if not published:
            raise ValueError("There are no published articles to comment on; load articles first.")
        self.commenters, summary.commenters_created = ensure_commenters(commenter_pool_size(self.count))
        self.out(
            f"  commenters: {len(self.commenters):,} ({summary.commenters_created:,} new); "
            f"{len(published):,} published articles to comment on"
        )
        self.content_type_id = ContentType.objects.get_for_model(Article).pk
        self.removal_reason_id = (
            ModerationReason.objects.filter(is_active=True).values_list("pk", flat=True).first()
        )

        per_article = Counter(draw_articles(published, self.count, self.rng))
        summary.articles_discussed = len(per_article)
        existing = Comment.objects.count()
        if self.count >= SET_ASIDE_MIN_ROWS and self.count >= existing * SET_ASIDE_MIN_SHARE:
            with indexes_set_aside(COMMENT_TABLES, self.out) as rebuilt:
                self._load(per_article, summary, started)
            summary.indexes_rebuilt, summary.index_seconds = rebuilt["count"], rebuilt["seconds"]
        else:
            self._load(per_article, summary, started)

        with connection.cursor() as cursor:
            for table in [*COMMENT_TABLES, User._meta.db_table]:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        # Bulk rows send no signals; comment counts show on listings, so drop cached pages.
        changes.everything_changed()
        summary.seconds = time.monotonic() - started
        return summary

    def _batches(self, per_article):
        """Lists of (article id, publish_at, comment count), about batch_size comments each."""
        batch, size = [], 0
        for (article_id, publish_at), count in sorted(per_article.items()):
            batch.append((article_id, publish_at, count))
            size += count
            if size >= self.batch_size:
                yield batch, size
                batch, size = [], 0
        if batch:
            yield batch, size

    def _load(self, per_article, summary, started):
        with connection.cursor() as cursor:
            for batch, size in self._batches(per_article):
                with transaction.atomic():
                    cursor.execute("SET LOCAL statement_timeout = 0")
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                        [BaseComment._meta.db_table, size],
                    )
                    ids = iter([row[0] for row in cursor.fetchall()])
                    base, xtd, ours = [], [], []
                    for article_id, publish_at, count in batch:
                        threads, replies = self._thread(article_id, publish_at, count, ids, base, xtd, ours)
                        summary.threads += threads
                        summary.replies += replies
                    _copy(
                        cursor,
                        BaseComment._meta.db_table,
                        [
                            "id", "object_pk", "user_name", "user_email", "user_url", "comment",
                            "submit_date", "ip_address", "is_public", "is_removed", "content_type_id",
                            "site_id", "user_id",
                        ],
                        base,
                    )  # fmt: skip
                    _copy(
                        cursor,
                        XtdComment._meta.db_table,
                        [
                            "comment_ptr_id",
                            "thread_id",
                            "parent_id",
                            "level",
                            "order",
                            "followup",
                            "nested_count",
                        ],
                        xtd,
                    )
                    _copy(
                        cursor,
                        Comment._meta.db_table,
                        [
                            "xtdcomment_ptr_id", "article_id", "held_reason", "moderation_note",
                            "needs_review", "published_at", "edited_at", "deleted_at", "removed_at",
                            "removal_reason_id",
                        ],
                        ours,
                    )  # fmt: skip
                    _check_deferred_constraints(cursor)
                summary.comments += size
                elapsed = time.monotonic() - started
                self.out(
                    f"  {summary.comments:>9,} / {self.count:,} comments "
                    f"({summary.comments / elapsed:,.0f} comments/s)"
                )

    def _thread(self, article_id, publish_at, count, ids, base, xtd, ours):
        """Rows for `count` comments on one article, as threads of a comment and its replies.
        Returns (threads, replies)."""
        rng = self.rng
        replies = min(count - 1, sum(rng.random() < REPLY_SHARE for _ in range(count)))
        roots = count - replies
        # Replies gather under the earlier threads, as discussion does.
        under = Counter(min(int(roots * rng.random() ** 2), roots - 1) for _ in range(replies))
        window = min(DISCUSSION_DAYS * 86400, max((self.now - publish_at).total_seconds(), 60))
        root_times = sorted(publish_at + timedelta(seconds=rng.random() * window) for _ in range(roots))
        site_id = str(settings.SITE_ID)
        for position, root_time in enumerate(root_times):
            thread_id = next(ids)
            reply_count = under[position]
            reply_window = min(REPLY_WITHIN_SECONDS, (self.now - root_time).total_seconds())
            reply_times = sorted(
                root_time + timedelta(seconds=rng.random() * reply_window) for _ in range(reply_count)
            )
            times = [root_time, *reply_times]
            for order, submitted in enumerate(times, start=1):
                comment_id = thread_id if order == 1 else next(ids)
                user_id, name, email = rng.choice(self.commenters)
                roll = rng.random()
                held = roll < HELD_SHARE
                removed = not held and roll < HELD_SHARE + REMOVED_SHARE
                base.append(
                    (
                        str(comment_id), str(article_id), _copy_text(name), email, "",
                        _copy_text(comment_text(rng, reply=order > 1)), submitted.isoformat(), r"\N",
                        "f" if held else "t", "t" if removed else "f", str(self.content_type_id), site_id,
                        str(user_id),
                    )
                )  # fmt: skip
                xtd.append(
                    (
                        str(comment_id), str(thread_id), str(thread_id), "0" if order == 1 else "1",
                        str(order), "f", str(reply_count if order == 1 else 0),
                    )
                )  # fmt: skip
                ours.append(
                    (
                        str(comment_id), str(article_id), Comment.HeldReason.NEW_COMMENTER if held else "",
                        "", "f", r"\N" if held else submitted.isoformat(), r"\N", r"\N",
                        (submitted + timedelta(hours=2)).isoformat() if removed else r"\N",
                        _copy_text(self.removal_reason_id) if removed else r"\N",
                    )
                )  # fmt: skip
        return roots, replies


def load_bulk_comments(*, count, out, seed=None):
    """The entry point seed_demo calls for --comments N."""
    out(f"Adding {count:,} generated comments...")
    summary = CommentLoader(count=count, out=out, seed=seed).run()
    for line in summary.lines():
        out(line)
    return summary
