"""Which URLs show an article, a section, an author or a source, for the CDN purger.

The purger itself is the project's (newsroom/lib/purge.py); what a page shows is this app's
knowledge. The events are the ones the page cache's generations follow (articles/signals.py
and the comment workflows): an article published, edited, withdrawn or deleted; its bylines,
tags or corrections changed; a section, author or source edited; and the clock reaching a
scheduled publish or withdrawal, which no save announces, so a periodic task looks for it.

Nothing here runs a query unless a purger is configured (settings.CDN_PURGER).
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Correction, Section, Source, TaggedArticle
from authors.models import Author
from newsroom.lib import purge
from newsroom.lib.periodic import periodic_task

# Where the periodic check remembers how far it has looked (shared by every worker).
SCHEDULE_CHECKED_KEY = "purge:schedule-checked-until"


def _with_feeds(name, slug):
    """A listing page and its two feeds, as articles/urls.py names them."""
    return {reverse(f"articles:{name}{suffix}", kwargs={"slug": slug}) for suffix in ("", "-rss", "-atom")}


def section_urls(section):
    return _with_feeds("section", section.slug) | {
        "/",
        reverse("articles:sitemap-section", kwargs={"section": "sections"}),
    }


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


def article_page_urls(article_id):
    """The article's own page, when it is one readers can see (named by
    settings.CDN_PURGE_ARTICLE_PAGE_URLS: comments change only this page)."""
    article = Article.objects.published().select_related("section").filter(pk=article_id).first()
    return [article.get_absolute_url()] if article else []


def _published_article_urls(article_id):
    article = Article.objects.select_related("section", "source").filter(pk=article_id).first()
    return article_urls(article) if article is not None and article.is_published else set()


# Receivers ----------------------------------------------------------------------------------


def remember_visible_urls(sender, instance, raw=False, **kwargs):
    """Before an article is saved: the URLs that showed it, if readers could see it. A new
    slug, section or date gives it a new address, and the old one must be purged too."""
    if raw or not purge.enabled() or instance.pk is None:
        return
    instance._purge_urls_before = _published_article_urls(instance.pk)


def article_saved(sender, instance, raw=False, **kwargs):
    if raw or not purge.enabled():
        return
    urls = set(getattr(instance, "_purge_urls_before", set()))
    instance._purge_urls_before = set()
    if instance.is_published:
        urls |= article_urls(instance)
    # A draft edited, or an article scheduled for later, shows nowhere yet: nothing to purge.
    purge.purge_after_commit(urls)


def article_deleted(sender, instance, **kwargs):
    if purge.enabled():
        purge.purge_after_commit(getattr(instance, "_purge_urls_before", set()))


def remember_before_delete(sender, instance, **kwargs):
    if purge.enabled() and instance.pk is not None:
        # Bylines and tags go with the article: list its pages while they still exist.
        instance._purge_urls_before = _published_article_urls(instance.pk)


def part_of_article_changed(sender, instance, raw=False, **kwargs):
    """A byline, tag or correction added or removed: the article's pages, and the author's or
    tag's own page, which gains or loses it."""
    if raw or not purge.enabled():
        return
    urls = _published_article_urls(getattr(instance, "article_id", None) or instance.content_object_id)
    if not urls:
        return
    if sender is ArticleAuthor:
        urls |= author_urls(instance.author)
    elif sender is TaggedArticle:
        urls |= tag_urls(instance.tag.slug)
    elif sender is Correction:
        urls.add(reverse("articles:corrections"))
    purge.purge_after_commit(urls)


def section_changed(sender, instance, raw=False, **kwargs):
    if not raw and purge.enabled():
        purge.purge_after_commit(section_urls(instance))


def source_changed(sender, instance, raw=False, **kwargs):
    if not raw and purge.enabled():
        purge.purge_after_commit(source_urls(instance))


def author_changed(sender, instance, raw=False, **kwargs):
    """An author's name or photo shows on their page and on every article of theirs."""
    if raw or not purge.enabled():
        return
    urls = author_urls(instance)
    for article in Article.objects.published().filter(bylines__author=instance).select_related("section"):
        urls.add(article.get_absolute_url())
    purge.purge_after_commit(urls)


def connect():
    pre_save.connect(remember_visible_urls, sender=Article, dispatch_uid="purge-article-before")
    post_save.connect(article_saved, sender=Article, dispatch_uid="purge-article-save")
    pre_delete.connect(remember_before_delete, sender=Article, dispatch_uid="purge-article-before-delete")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="purge-article-delete")
    for model in (ArticleAuthor, TaggedArticle, Correction):
        post_save.connect(part_of_article_changed, sender=model, dispatch_uid=f"purge-{model.__name__}-save")
        post_delete.connect(
            part_of_article_changed, sender=model, dispatch_uid=f"purge-{model.__name__}-delete"
        )
    for model, receiver in ((Section, section_changed), (Source, source_changed), (Author, author_changed)):
        post_save.connect(receiver, sender=model, dispatch_uid=f"purge-{model.__name__}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"purge-{model.__name__}-delete")


# The clock ----------------------------------------------------------------------------------


def scheduled_changes_urls(since, until):
    """URLs of articles that appeared (publish time reached) or disappeared (withdrawal time
    reached) in (since, until]."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED).select_related("section", "source")
    appeared = published.filter(publish_at__gt=since, publish_at__lte=until)
    withdrawn = published.filter(withdraw_at__gt=since, withdraw_at__lte=until)
    urls = set()
    for article in [*appeared, *withdrawn]:
        urls |= article_urls(article)
    return urls


def _schedule_interval():
    # Without a purger the task has nothing to do; it still runs, rarely, so that turning a
    # purger on needs no new chain.
    minutes = settings.CDN_PURGE_SCHEDULE_MINUTES if purge.enabled() else 60
    return timedelta(minutes=max(minutes, 1))


def purge_due_scheduled_changes(now=None):
    """Purge the pages of articles whose scheduled publish or withdrawal time has passed
    since the last look. Looking twice at the same moment only purges twice."""
    now = now or timezone.now()
    if not purge.enabled():
        cache.delete(SCHEDULE_CHECKED_KEY)
        return
    since = cache.get(SCHEDULE_CHECKED_KEY) or now - 2 * _schedule_interval()
    purge.purge_after_commit(scheduled_changes_urls(since, now))
    cache.set(SCHEDULE_CHECKED_KEY, now, timeout=None)


@periodic_task(every=_schedule_interval)
def purge_scheduled_changes():
    purge_due_scheduled_changes()
