"""Previews: an article rendered exactly as readers will see it, before they can.

Editors preview from the admin (articles.admin_views); anyone holding a shared link sees the
same page without logging in until the link expires. The link carries the article's id signed
with the site's secret and a timestamp, under a salt used for nothing else, so it cannot be
forged, altered to show another article, or replayed after ARTICLE_PREVIEW_MAX_AGE_HOURS.
Previews are never cached and never indexed.
"""

from datetime import timedelta

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from articles.views import article_page_context

PREVIEW_SALT = "articles.preview-link"


def _signer():
    return TimestampSigner(salt=PREVIEW_SALT)


def max_age():
    return timedelta(hours=settings.ARTICLE_PREVIEW_MAX_AGE_HOURS)


def preview_token(article):
    return _signer().sign(str(article.pk))


def render_preview(request, article):
    response = render(request, "articles/detail.html", article_page_context(request, article, preview=True))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _unavailable(request, status, reason):
    response = render(
        request, "admin/articles/article/preview_unavailable.html", {"reason": reason}, status=status
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_safe
def preview(request, token):
    try:
        article_id = _signer().unsign(token, max_age=max_age())
    except SignatureExpired:
        return _unavailable(request, 403, "expired")
    except BadSignature:
        return _unavailable(request, 404, "invalid")
    article = Article.objects.for_listing().filter(pk=article_id).first()
    if article is None:
        return _unavailable(request, 404, "deleted")
    return render_preview(request, article)
