"""Previews: an article rendered exactly as readers will see it, before they can.

Editors preview from the admin (articles.admin_views); anyone holding a shared link sees the
same page without logging in until the link expires. The link carries the article's id signed
with the site's secret and a timestamp, under a salt used for nothing else, so it cannot be
forged, altered to show another article, or replayed after ARTICLE_PREVIEW_MAX_AGE_HOURS.
Previews are never cached and never indexed.

A link shows the article only while it is something an editor previews: a draft, in review,
or scheduled. Edits do not end it (it is shared so that people can follow a draft as it
changes, and it names the article by id, so a new slug does not break it). Once the article
is published the link sends readers to the public page, which shows what they may see. Once
it is withdrawn, every link made before the withdrawal is revoked for good: it shows no
text, even if the article later goes back to draft.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner, b62_decode
from django.shortcuts import redirect, render
from django.utils import timezone
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


def _issued_at(token):
    """When a checked token was made: TimestampSigner writes it, base 62, before the signature."""
    _, timestamp, _ = token.rsplit(_signer().sep, 2)
    return datetime.fromtimestamp(b62_decode(timestamp), tz=UTC)


def withdrawn_since(article, issued_at):
    """Whether the article was withdrawn after the link was made (or is withdrawn now)."""
    now = timezone.now()
    if article.status == Article.Status.WITHDRAWN:
        return True
    return article.withdraw_at is not None and issued_at <= article.withdraw_at <= now


@never_cache
@require_safe
def preview(request, token):
    try:
        article_id = _signer().unsign(token, max_age=max_age())
    except SignatureExpired:
        return _unavailable(request, 403, "expired")
    except BadSignature:
        return _unavailable(request, 404, "invalid")
    article = Article.objects.for_page().filter(pk=article_id).first()
    if article is None:
        return _unavailable(request, 404, "deleted")
    if withdrawn_since(article, _issued_at(token)):
        return _unavailable(request, 410, "withdrawn")
    if article.is_published:
        return redirect(article.get_absolute_url())
    return render_preview(request, article)
