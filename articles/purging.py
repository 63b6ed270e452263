"""Which URLs show an article, a section, an author or a source, for the CDN purger.

The purger itself is the project's (newsroom/lib/purge.py), and newsroom/changes.py decides
when to purge; what a page shows is this app's knowledge, kept here. Nothing here is asked
unless a purger is configured (settings.CDN_PURGER).
"""

from django.urls import reverse

from articles.models import Article, TaggedArticle
from authors.models import Author


def _with_feeds(name, slug):
    """A listing page and its two feeds, as articles/urls.py names them."""
    return {reverse(f"articles:{name}{suffix}", kwargs={"slug": slug}) for suffix in ("", "-rss", "-atom")}


def section_urls(section):
    return _with_feeds("section", section.slug) | {
        "/",
        reverse("articles:sitemap-section", kwargs={"section": "sections"}),
    }


def front_page_urls(section=None):
    """A section's chosen lead shows only in its block on the home page (its own page lists
    newest first), so either kind of front page choice changes the home page alone."""
    return {"/"}


def author_urls(author):
    return _with_feeds("author", author.slug) | {
        reverse("articles:sitemap-section", kwargs={"section": "authors"})
    }


def source_urls(source):
    return _with_feeds("source", source.slug)


def tag_urls(slug):
    return _with_feeds("tag", slug) | {reverse("articles:sitemap-section", kwargs={"section": "tags"})}


def article_urls(article):
    """Every page that shows this article: its own, the home page, its section, tags, authors
    and source (each with its feeds), the site feeds and the sitemaps that list it."""
    urls = {
        article.get_absolute_url(),
        "/",
        reverse("articles:feed-rss"),
        reverse("articles:feed-atom"),
        reverse("articles:sitemap-index"),
        reverse("articles:sitemap-section", kwargs={"section": "articles"}),
        reverse("articles:news-sitemap"),
    }
    if article.section_id:
        urls |= section_urls(article.section)
    for slug in TaggedArticle.objects.filter(content_object=article).values_list("tag__slug", flat=True):
        urls |= tag_urls(slug)
    for author in Author.objects.filter(bylines__article=article):
        urls |= author_urls(author)
    if article.source_id:
        urls |= source_urls(article.source)
    return urls


def article_feed_urls(article):
    """The RSS and Atom feeds that list this article, for the WebSub hub (newsroom/lib/websub.py):
    the site's, then its section's, source's, authors' and tags'. A deleted article (no pk)
    has no tags or bylines left to ask about; the site, section and source feeds remain."""
    feeds = [reverse("articles:feed-rss"), reverse("articles:feed-atom")]

    def feeds_of(name, slug):
        return [reverse(f"articles:{name}{suffix}", kwargs={"slug": slug}) for suffix in ("-rss", "-atom")]

    if article.section_id:
        feeds += feeds_of("section", article.section.slug)
    if article.source_id:
        feeds += feeds_of("source", article.source.slug)
    if article.pk is not None:
        for slug in Author.objects.filter(bylines__article=article).values_list("slug", flat=True):
            feeds += feeds_of("author", slug)
        for slug in TaggedArticle.objects.filter(content_object=article).values_list("tag__slug", flat=True):
            feeds += feeds_of("tag", slug)
    return list(dict.fromkeys(feeds))


def article_page_urls(article_id):
    """The article's own page, when it is one readers can see: comments change only this page."""
    article = Article.objects.published().select_related("section").filter(pk=article_id).first()
    return [article.get_absolute_url()] if article else []


def published_article_urls(article_id):
    """Every page that shows the article now, or nothing if readers cannot see it."""
    article = Article.objects.select_related("section", "source").filter(pk=article_id).first()
    return article_urls(article) if article is not None and article.is_published else set()


def author_article_urls(author):
    """The pages of an author's published articles, which show the author's name and photo."""
    articles = Article.objects.published().filter(bylines__author=author).select_related("section")
    return {article.get_absolute_url() for article in articles}


def scheduled_articles_between(since, until):
    """Articles that appeared (publish time reached) or disappeared (withdrawal time reached)
    in (since, until]."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED).select_related("section", "source")
    appeared = published.filter(publish_at__gt=since, publish_at__lte=until)
    withdrawn = published.filter(withdraw_at__gt=since, withdraw_at__lte=until)
    return [*appeared, *withdrawn]
