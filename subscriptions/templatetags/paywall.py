"""What the article page (articles/) includes from this app without importing it:

    {% load paywall %}
    {% if article.is_premium %}{% premium_body article %}{% else %}…the body…{% endif %}

`premium_body` renders the opening paragraphs and the subscribe box, never the full text, so the
page stays the same for everyone and safe in a shared cache.
"""

from django import template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from subscriptions.access import PAYWALLED_CLASS, anonymous_state, teaser_html, website_plans_on_sale

register = template.Library()


@register.inclusion_tag("subscriptions/_premium_body.html")
def premium_body(article, paragraphs=2):
    read_url = reverse("subscriptions:read", args=[article.pk])
    return {
        "article": article,
        # Sanitised on save (articles.models.Article.save), cut at element boundaries.
        "teaser": mark_safe(teaser_html(article.body, paragraphs=paragraphs)),
        "paywalled_class": PAYWALLED_CLASS,
        # Addressed to every reader: the page is shared, so it cannot know who is reading.
        "state": anonymous_state(),
        "plans": website_plans_on_sale(),
        "login_url": reverse("account_login") + "?" + urlencode({"next": read_url}),
    }


@register.filter
def teaser(body_html, paragraphs=2):
    return mark_safe(teaser_html(body_html, paragraphs=paragraphs))
