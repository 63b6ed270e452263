"""The ninjs feed for partners: recent published articles as IPTC ninjs 3.1 (News in JSON).

ninjs describes one news object per document, so the feed is a small envelope (the feed's
address, title and time, and the standard it follows) around "items", each article a full
ninjs object that validates on its own against the published schema. A "composite" object
with the articles as associations was the obvious envelope, but the 3.1 schema cannot
validate one: each association must have a "name", and the ninjs type it refers to refuses
any property it does not list itself (unevaluatedProperties), "name" included.

What we decided, where the standard leaves it to the publisher:
- The public feed holds only what readers can see now (Article.objects.published()). A
  partner with a token (NINJS_PARTNER_TOKENS, sent as "Authorization: Bearer <token>") also
  gets what is scheduled within NINJS_EMBARGO_HOURS, each such item marked embargoedUntil its
  publish time. That answer is private: never cached by us, nginx or a CDN (a request with
  credentials bypasses the page cache, and the response says private, no-store). A token we
  do not know is refused with 401, never treated as no token.
- Urgency (1 highest, 9 lowest): 2 for a live page still running, 3 for a story editors put
  on the home page or a section's lead, 5 for everything else.
- Premium articles give their standfirst only, as plain text, and say so with
  representationType "partial": the full text is for subscribers, as in RSS and Atom.
- Rights: our own articles are ours (copyrightHolder is the publisher); a partner's article
  keeps the partner as holder and its attribution as the usage terms. The licence set in the
  admin (the article's, its partner's or the site's; articles.views.licence_url) is
  rightsInfo.linkedRights, as in the article's JSON-LD.

One query for the articles, whatever their number: section and source are joined, names of
authors and tags come as arrays (feeds.with_feed_names), urgency as two EXISTS columns.
"""

import hmac
import mimetypes
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from articles.feeds import ITEMS_PER_FEED, article_guid, with_feed_names
from articles.models import Article, FrontPageSlot, LiveCoverage
from articles.views import licence_url, section_by_slug
from newsroom.lib.urls import absolute_url
from newsroom.models import SiteSettings

NINJS_VERSION = "3.1"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
CONTENT_TYPE = "application/json; charset=utf-8"

URGENCY_LIVE = 2
URGENCY_FRONT_PAGE = 3
URGENCY_DEFAULT = 5


def ninjs_articles(articles, now):
    on_front_page = FrontPageSlot.objects.filter(article=OuterRef("pk")).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    live = LiveCoverage.objects.filter(article=OuterRef("pk"), ended=False).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    return list(
        with_feed_names(articles)
        .select_related("section", "source")
        .annotate(ninjs_on_front_page=Exists(on_front_page), ninjs_live=Exists(live))
        .order_by("-publish_at", "-id")[:ITEMS_PER_FEED]
    )


class UnknownToken(Exception):
    pass


def is_partner(request):
    """True for a request with a partner's Bearer token, False for one with none; UnknownToken
    for a Bearer token we do not know (compared in constant time, so timing tells nothing)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    # Another scheme is not meant for us (a staging site's password, say): the public answer.
    if scheme.lower() != "bearer":
        return False
    token = token.strip()
    if not token:
        raise UnknownToken
    known = [hmac.compare_digest(token.encode(), each.encode()) for each in settings.NINJS_PARTNER_TOKENS]
    if not any(known):
        raise UnknownToken
    return True


def feed_articles(request, now):
    """What this request may have: published articles, and for a partner those scheduled
    within the embargo window too."""
    published = Article.objects.published(at=now)
    if not is_partner(request):
        return published
    embargoed = Article.objects.scheduled(at=now).filter(
        publish_at__lte=now + timedelta(hours=settings.NINJS_EMBARGO_HOURS)
    )
    return published | embargoed


def urgency(article):
    if article.ninjs_live:
        return URGENCY_LIVE
    if article.ninjs_on_front_page:
        return URGENCY_FRONT_PAGE
    return URGENCY_DEFAULT


def _datetime(value):
    return timezone.localtime(value).isoformat(timespec="seconds")


def _rights(article):
    """(copyright holder, usage terms) for the article."""
    if article.source_id:
        terms = article.source.attribution or f"First published by {article.source.name}."
        return article.source.name, f"{terms} Ask {article.source.name} before republishing it."
    return settings.SITE_NAME, (
        f"For partners with a syndication agreement with {settings.SITE_NAME}. "
        "Credit the author and link to the original article."
    )


def ninjs_item(article, furniture):
    holder, terms = _rights(article)
    published = article.first_published_at or article.publish_at
    if article.is_premium:
        bodies = [{"role": "summary", "contentType": "text/plain", "value": article.standfirst}]
    else:
        bodies = [{"role": "main", "contentType": "text/html", "value": article.body}]
    subjects = []
    if article.section_id:
        subjects.append(
            {
                "name": article.section.name,
                "rel": "section",
                "uri": absolute_url(article.section.get_absolute_url()),
            }
        )
    subjects += [{"name": name, "rel": "tag"} for name in article.feed_tag_names]
    embargoed = article.publish_at > timezone.now()
    item = {
        "uri": article_guid(article),
        "type": "text",
        "representationType": "partial" if article.is_premium else "full",
        "version": str(article.version),
        "firstCreated": _datetime(published),
        "versionCreated": _datetime(article.modified_at),
        "contentCreated": _datetime(article.created_at),
        "pubStatus": "usable",
        **({"embargoedUntil": _datetime(article.publish_at)} if embargoed else {}),
        "urgency": urgency(article),
        "language": "en",
        "copyrightHolder": holder,
        "copyrightNotice": f"© {timezone.localtime(published).year} {holder}",
        "usageTerms": terms,
        "headlines": [{"value": article.headline}],
        "descriptions": [{"role": "summary", "value": article.standfirst}] if article.standfirst else [],
        "bodies": bodies,
        "by": ", ".join(article.feed_author_names),
        "people": [{"name": name, "rel": "author"} for name in article.feed_author_names],
        "subjects": subjects,
        "altIds": [{"role": "url", "value": absolute_url(article.get_absolute_url())}],
    }
    if licence := licence_url(article, furniture):
        item["rightsInfo"] = {"linkedRights": licence}
    if article.source_id:
        item["infoSources"] = [{"name": article.source.name, "role": "originator"}]
    if article.featured_image:
        # The address only: asking storage for the size would cost a request per image.
        mime_type = mimetypes.guess_type(article.featured_image.name)[0] or "image/jpeg"
        item["renditions"] = [
            {"name": "featured", "href": absolute_url(article.featured_image.url), "contentType": mime_type}
        ]
    return {name: value for name, value in item.items() if value not in ("", [])}


def ninjs_document(*, uri, title, articles):
    # The site settings (its licence) are read once, and from the cache when warm.
    furniture = SiteSettings.current()
    newest = max((article.modified_at for article in articles), default=timezone.now())
    return {
        "uri": uri,
        "title": title,
        "updated": _datetime(newest),
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "items": [ninjs_item(article, furniture) for article in articles],
    }


def _answer(request, *, uri, title, articles):
    document = ninjs_document(uri=uri, title=title, articles=ninjs_articles(articles, timezone.now()))
    response = JsonResponse(document, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    if request.headers.get("Authorization"):
        # A partner's answer holds what readers may not see yet: for that partner only. Any
        # request with credentials is answered privately, as the page cache treats it.
        patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Authorization"])
    return response


def _refused():
    response = JsonResponse(
        {"error": "We do not know that token. Check it with the editors who gave it to you."}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="ninjs"'
    return response


@require_safe
def site_feed(request):
    try:
        articles = feed_articles(request, timezone.now())
    except UnknownToken:
        return _refused()
    return _answer(
        request, uri=absolute_url(reverse("articles:feed-ninjs")), title=settings.SITE_NAME, articles=articles
    )


@require_safe
def section_feed(request, slug):
    section = section_by_slug(slug)
    try:
        articles = feed_articles(request, timezone.now()).filter(section=section)
    except UnknownToken:
        return _refused()
    return _answer(
        request,
        uri=absolute_url(reverse("articles:section-ninjs", kwargs={"slug": section.slug})),
        title=f"{section.name} · {settings.SITE_NAME}",
        articles=articles,
    )
