from django import template
from django.conf import settings

from comments.discussion import DEFAULT_ORDER, ORDER_PARAMETER, PAGE_PARAMETER, discussion_page
from comments.models import EffectivePolicy
from comments.services import comment_counts
from comments.text import render_comment_text

register = template.Library()


@register.inclusion_tag("comments/_region.html", takes_context=True)
def article_comments(context, article):
    """The whole comments region of an article page: the same for every reader, so the page
    stays cacheable. The form arrives separately (see comments.js); without JavaScript, a
    plain link leads to the standalone page."""
    request = context.get("request")
    params = request.GET if request is not None else {}
    policy = EffectivePolicy.for_article(article)
    discussion = discussion_page(
        article,
        order=params.get(ORDER_PARAMETER, DEFAULT_ORDER),
        page_number=params.get(PAGE_PARAMETER, 1),
    )
    return {
        "article": article,
        "discussion": discussion,
        "closure": policy.closure(article),
        "order_parameter": ORDER_PARAMETER,
        "page_parameter": PAGE_PARAMETER,
        "max_level": settings.COMMENTS_XTD_MAX_THREAD_LEVEL,
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
