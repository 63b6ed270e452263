from typing import NamedTuple

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape

from comments.discussion import (
    DEFAULT_ORDER,
    FEATURED,
    NEWEST,
    OLDEST,
    ORDER_PARAMETER,
    PAGE_PARAMETER,
    discussion_page,
)
from comments.models import CommentPolicy, EffectivePolicy
from comments.qa import q_and_a
from comments.services import comment_counts
from comments.text import render_comment_text
from comments.transparency import duration_words
from newsroom.lib.fragments import cached
from newsroom.lib.generations import article_generation
from newsroom.lib.timestamps import machine_datetime

register = template.Library()

# Stands in for a comment's id while an address is reversed once per page; reversing every
# link of every comment on its own cost more than the rest of the region's rendering.
_ID_PLACEHOLDER = 2147483647


class CommentLinks:
    """A comment card's addresses, built from one reverse() per kind of link."""

    NAMES = ("permalink", "report", "follow")

    def __init__(self):
        placeholder = {"comment_id": _ID_PLACEHOLDER}
        self.patterns = {
            name: reverse(f"comments:{name}", kwargs=placeholder).split(str(_ID_PLACEHOLDER))
            for name in self.NAMES
        }

    def __call__(self, name, comment_id):
        before, after = self.patterns[name]
        return f"{before}{comment_id}{after}"


class CardTime(NamedTuple):
    iso: str  # for the datetime attribute
    shown: str  # for readers


def card_time(moment, shown_format):
    """A comment's time in the site's time zone, for a <time> element. Formatted
    here rather than with the date filter, which ran three times for each comment and was a
    third of the region's rendering. shown_format is "date" ("28 Nov 2026, 09:05") or "time"."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    clock = f"{local:%H:%M}"
    if shown_format == "time":
        return CardTime(machine_datetime(local), clock)
    shown = f"{local.day} {MONTHS_3[local.month].title()} {local.year}, {clock}"
    return CardTime(machine_datetime(local), shown)


def item_class(comment, row):
    classes = f"comment comment--level-{comment.level}"
    if row.answered:
        classes += " comment--answered"
    if row.answer_role:
        classes += " comment--answer"
    return classes


@register.simple_tag(takes_context=True)
def article_comments(context, article):
    """The whole comments region of an article page: the same for every reader, so the page
    stays cacheable. The form arrives separately (see comments.js); without JavaScript, a
    plain link leads to the standalone page.

    Kept in the cache under the article's generation (newsroom/lib/fragments.py): a page
    re-rendered because an article elsewhere was published does not rebuild the discussion.
    """
    request = context.get("request")
    params = request.GET if request is not None else {}
    order = params.get(ORDER_PARAMETER, DEFAULT_ORDER)
    page_number = params.get(PAGE_PARAMETER, 1)

    def render():
        region = comments_region(article, order, page_number)
        return render_to_string("comments/_region.html", region), region["closure"].closes_at

    if not article.is_published or context.get("is_preview"):
        return render()[0]
    generation = article_generation(article.pk)
    if generation is None:
        return render()[0]
    return cached("comments", (article.pk, generation, order, page_number), render)


def comments_region(article, order, page_number):
    discussion = discussion_page(article, order=order, page_number=page_number)
    policy = EffectivePolicy(site=CommentPolicy.current(), override=discussion.policy_override)
    closure = policy.closure(article)
    max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    links = CommentLinks()
    qa = q_and_a(article.pk, discussion)
    for row in discussion.rows:
        comment = row.comment
        if qa is not None:
            row.answer_role = qa.answer_role(comment)
            row.answered = comment.level == 0 and any(
                qa.answer_role(child.comment) for child in row.node.children
            )
        row.permalink = links("permalink", comment.pk)
        row.report_url = links("report", comment.pk)
        row.follow_url = links("follow", comment.pk) if comment.level == 0 and not closure.closed else ""
        row.can_reply = not closure.closed and comment.level < max_level
        row.submitted = card_time(comment.submit_date, "date")
        row.edited = card_time(comment.edited_at, "time")
        row.item_class = item_class(comment, row)
        if row.node.shown:
            row.author = conditional_escape(comment.author_name)
            row.is_pick = comment.is_pick
            row.text = render_comment_text(comment.comment)
    return {
        "article": article,
        "discussion": discussion,
        "closure": closure,
        "post_url": reverse("comments:post", args=[article.pk]),
        "qa": qa,
        "answered_links": [(question, links("permalink", question.comment_id)) for question in qa.answered]
        if qa
        else [],
        "orders": [(NEWEST, "newest first"), (OLDEST, "oldest first"), (FEATURED, "featured")],
        "order_parameter": ORDER_PARAMETER,
        "page_parameter": PAGE_PARAMETER,
    }


@register.filter
def comment_text(text):
    """A comment's plain text as safe HTML: escaped, paragraphs kept, web addresses linked."""
    return render_comment_text(text)


@register.simple_tag
def article_comment_counts(articles):
    """{article id: published comments} for a whole listing, in one query:
    {% article_comment_counts articles as counts %} then {{ counts|count_for:article }}."""
    return comment_counts(articles)


@register.filter
def count_for(counts, article):
    return counts.get(getattr(article, "pk", article), 0)


@register.filter
def median_words(value):
    """A median time to decision on the transparency report, in words."""
    return duration_words(value)
