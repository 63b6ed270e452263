"""Sitemaps: an index (articles in pages, sections, tags, authors) and a news sitemap of
the last 48 hours, as search engines' news crawlers expect.

Every address is built from SITE_URL, not from the request's Host header, so a crawler that
reaches us under another name still gets our public addresses.
"""

import math
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Exists, Max, OuterRef
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Section, TaggedArticle
from articles.templatetags.reading import navigation_sections
from authors.models import Author
from newsroom.lib import fragments, pagecache
from newsroom.lib.text import xml_safe
from newsroom.lib.urls import absolute_url

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # the most a news sitemap may list


class PublicSitemap(Sitemap):
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(PublicSitemap):
    limit = 5000
    changefreq = "weekly"

    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .only("slug", "publish_at", "created_at", "updated_at", "section__slug")
            .order_by("-publish_at", "-id")
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # The base class would load every article to find the newest date.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(PublicSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.order_by("position", "name")


class TagSitemap(PublicSitemap):
    limit = 5000
    changefreq = "daily"

    def items(self):
        published = Article.objects.published().values("pk")
        return Tag.objects.filter(
            Exists(TaggedArticle.objects.filter(tag=OuterRef("pk"), content_object__in=published))
        ).order_by("name", "pk")

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class AuthorSitemap(PublicSitemap):
    limit = 5000
    changefreq = "daily"

    def items(self):
        published = Article.objects.published().values("pk")
        return Author.objects.filter(
            Exists(ArticleAuthor.objects.filter(author=OuterRef("pk"), article__in=published))
        ).order_by("name", "pk")


def xml_safe_content(view):
    """The view's XML without the characters XML 1.0 forbids. Saving strips them from every
    text field (newsroom/lib/text.py); this keeps a row changed around save() from making the
    whole sitemap unreadable to every crawler. Our templates put no such character in the
    markup itself, so only text from the database loses anything."""

    @wraps(view)
    def safe_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        response.content = xml_safe(response.content.decode(response.charset)).encode(response.charset)
        return response

    return safe_view


def kept_as_a_piece(view):
    """Sitemaps are large and read by crawlers, not people: each is kept (fragments.kept)
    under the site generation and never past the next scheduled publish or withdrawal, so
    that even with the page cache off a crawler walking every page of the archive's sitemap
    does not render each one again."""

    @wraps(view)
    def kept_view(request, *args, **kwargs):
        rendered = []

        def render_sitemap():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            rendered.append(response)
            # Only a sitemap is kept; a 404 for a page past the end is not.
            return response if response.status_code == 200 else None

        kept = fragments.kept("sitemap", render_sitemap, parts=(request.get_full_path(),))
        return kept if kept is not None else rendered[0]

    return kept_view


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


def sitemap_sizes():
    """{sitemap name: (entries, newest lastmod or None)} in three queries: the articles' count
    and newest change together, the sections from the cached navigation, one count each for
    tags and authors (the sitemaps' own paginators would count each on its own)."""
    articles = Article.objects.published().aggregate(total=Count("pk"), latest=Max("updated_at"))
    return {
        "articles": (articles["total"], articles["latest"]),
        "sections": (len(navigation_sections()), None),
        "tags": (TagSitemap().items().count(), None),
        "authors": (AuthorSitemap().items().count(), None),
    }


@cache_control(public=True, max_age=3600)
@require_safe
@kept_as_a_piece
@xml_safe_content
def sitemap_index(request):
    """The index: one entry per page of each sitemap."""
    entries = []
    sizes = sitemap_sizes()
    for name, sitemap_class in SITEMAPS.items():
        total, lastmod = sizes[name]
        # As the sitemap's own paginator numbers them: an empty sitemap still has a first page.
        pages = max(1, math.ceil(total / sitemap_class.limit))
        location = absolute_url(reverse("articles:sitemap-section", kwargs={"section": name}))
        entries.append((location, lastmod))
        entries += [(f"{location}?p={page}", lastmod) for page in range(2, pages + 1)]
    return render(
        request,
        "articles/sitemap_index.xml",
        {"entries": entries},
        content_type="application/xml; charset=utf-8",
    )


@cache_control(public=True, max_age=300)
@require_safe
def news_sitemap(request):
    """Articles first published in the last 48 hours (the news crawlers' rule: an older one is
    refused, and a republished one is not news again). Kept as a piece like the others, but
    never past the moment its oldest entry turns 48 hours old and must leave the list: no save
    announces that moment, so neither the piece nor the page may outlive it."""
    response, oldest_leaves_at = fragments.kept_until("news-sitemap", lambda: _render_news_sitemap(request))
    if oldest_leaves_at is not None:
        pagecache.expire_by(request, oldest_leaves_at)
    return response


def news_articles(now):
    return (
        Article.objects.published(at=now)
        # The publish time bound serves the (status, publish_at) index: an article's publish
        # time is its first publication or a later republication, never before (an editor
        # backdating it past 48 hours says it is not news either).
        .filter(publish_at__gt=now - NEWS_WINDOW, first_published_at__gt=now - NEWS_WINDOW)
        .select_related("section")
        .only("headline", "slug", "publish_at", "first_published_at", "created_at", "section__slug")
        .order_by("-first_published_at", "-id")[:NEWS_LIMIT]
    )


def _render_news_sitemap(request):
    """(the response, when its oldest entry leaves it) twice: as the value kept and its expiry."""
    articles = list(news_articles(timezone.now()))
    response = _news_sitemap_page(request, articles)
    oldest_leaves_at = articles[-1].first_published_at + NEWS_WINDOW if articles else None
    return (response, oldest_leaves_at), oldest_leaves_at


@xml_safe_content
def _news_sitemap_page(request, articles):
    return render(
        request,
        "articles/news_sitemap.xml",
        {"articles": articles, "site_url": settings.SITE_URL, "publication_name": settings.SITE_NAME},
        content_type="application/xml; charset=utf-8",
    )


@cache_control(public=True, max_age=3600)
@require_safe
@kept_as_a_piece
@xml_safe_content
def sitemap_section(request, section):
    """One sitemap (articles page by page with ?p=, sections, tags or authors)."""
    return sitemap_views.sitemap(request, SITEMAPS, section=section, template_name="articles/sitemap.xml")
