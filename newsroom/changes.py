"""What changed on the site, said once, and everything that follows from it.

The code that changes what readers see (the editorial services, the admin, the feed import,
the comment workflows, the clock) says so here, by name, and this module does the rest. It is
the only place that moves a cache generation, and the only place that asks for a CDN purge.

Caches inside the app are never deleted from. Every cached page and piece has a generation
number in its key (newsroom/lib/pagecache.py, newsroom/lib/fragments.py): the site's, moved by
anything that changes listings or the furniture around every page, and each article's, moved by
what only that article's page shows (its comments). Moving a number makes every key built from
the old one unreachable at once; the old entries age out. What the clock changes (a scheduled
publish or withdrawal, the date in the masthead) needs no event inside the app, because no
entry is kept past the next such moment (pagecache.lifetime); the clock's event exists for the
caches outside it.

Caches outside the app (nginx's proxy cache, a CDN) cannot see our numbers, so they are told
the exact URLs that changed (articles/purging.py knows which pages show what), in a task after
commit, when settings.CDN_PURGER names a purger. Without one nothing is computed or queued.

Subscribers to our feeds are told through a WebSub hub, when settings.WEBSUB_HUB_URL names
one: each article event that changes what the feeds list (published, edited while readers can
see it, withdrawn, its scheduled time reached) pings the hub for the feeds that list the
article (articles/purging.py: article_feed_urls), in a task after commit
(newsroom/lib/websub.py). Without a hub nothing is computed or queued.

Every consequence runs after the surrounding transaction commits: a reader who renders a page
in between would otherwise cache the old content under the new number. Outside a transaction
it runs at once.

Publishing or editing an article also adds its new words to search's vocabulary (the “did
you mean” suggestions, articles/search.py), after commit, in the same way.

    event                   moves             CDN purge (with CDN_PURGER)        WebSub ping
    article_published       site generation   the article's pages                its feeds
    article_edited          site generation   its pages, as they were and are    its feeds, if seen
    article_withdrawn       site generation   its pages as they were             its feeds, if seen
    scheduled_time_reached  (nothing inside)  the pages of the articles concerned  their feeds
    comments_changed        its generation    the article's own page
    live_entry_changed      its generation    the article's own page
    section/author/source   site generation   their pages (and an author's articles)
    front_page_changed      site generation   the home page
    furniture_changed       site generation   nothing: such pages live s-maxage at most
    everything_changed      site generation   nothing

docs/architecture.md has the same table with the code that announces each event.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from articles import purging, search
from newsroom.lib import generations, purge, websub
from newsroom.lib.generations import ARTICLE_KEY, SITE_KEY

logger = logging.getLogger(__name__)


def _bump(key):
    try:
        try:
            cache.incr(key)
        except ValueError:  # never read yet, or the cache was emptied
            cache.set(key, generations.fresh_number(), timeout=None)
    except Exception as error:
        # Runs after commit: failing here must not turn a saved change into an error page.
        logger.error(
            "cache generation %s not moved, cached pages may be stale until they expire: %s: %s",
            key,
            type(error).__name__,
            error,
        )


def _move_site_generation():
    transaction.on_commit(lambda: _bump(SITE_KEY))


def _remember_search_words(article_id):
    try:
        search.remember_words(article_id)
    except Exception as error:
        # A missed word only means one suggestion fewer until rebuild_search_words runs.
        logger.error("search words of article %s not added: %s: %s", article_id, type(error).__name__, error)


# Articles -------------------------------------------------------------------------------------


def visible_urls(article):
    """The URLs that show `article` now, if readers can see it: taken before a change that may
    move it (a new slug, section or byline) so that the old pages are purged too. Empty, and
    free, without a purger."""
    if not purge.enabled() or article is None or article.pk is None:
        return set()
    return purging.published_article_urls(article.pk)


def _ping_feeds_of(*articles):
    if websub.enabled():
        feeds = []
        for article in articles:
            feeds += purging.article_feed_urls(article)
        websub.ping_after_commit(feeds)


def article_published(article):
    """An article became visible to readers now (a scheduled one announces itself through
    scheduled_time_reached when its time comes)."""
    _move_site_generation()
    transaction.on_commit(lambda: _remember_search_words(article.pk))
    if purge.enabled() and article.is_published:
        purge.purge_after_commit(purging.article_urls(article))
    if article.is_published:
        _ping_feeds_of(article)


def article_edited(article, *, shown_before=frozenset()):
    """An article's content or its parts (bylines, tags, corrections, section) changed.
    `shown_before` is visible_urls(article) taken before the change. A draft or an article
    scheduled for later shows nowhere yet, but listings of editors' own previews may: the site
    generation still moves."""
    _move_site_generation()
    transaction.on_commit(lambda: _remember_search_words(article.pk))
    if purge.enabled():
        urls = set(shown_before)
        if article.is_published:
            urls |= purging.article_urls(article)
        purge.purge_after_commit(urls)
    if article.is_published:
        _ping_feeds_of(article)


def article_withdrawn(article, *, shown_before=frozenset()):
    """An article was taken down or deleted: the pages that showed it must stop showing it."""
    _move_site_generation()
    purge.purge_after_commit(set(shown_before))
    if article.first_published_at and article.first_published_at <= timezone.now():
        # It has been in the feeds: they drop it now.
        _ping_feeds_of(article)


def scheduled_time_reached(articles):
    """The clock reached the publish or withdrawal time of `articles` (no save announced it).
    Our own cached pages and pieces never outlive that moment (pagecache.lifetime), so only the
    caches outside the app and the WebSub hub are told."""
    articles = list(articles)
    if purge.enabled():
        urls = set()
        for article in articles:
            urls |= purging.article_urls(article)
        purge.purge_after_commit(urls)
    _ping_feeds_of(*articles)


# Comments -------------------------------------------------------------------------------------


def comments_changed(article_id):
    """A comment on this article was published, edited, hidden or removed, or the article's
    own comment policy changed: only its page shows that."""
    transaction.on_commit(lambda: _bump(ARTICLE_KEY.format(article_id)))
    if purge.enabled():
        purge.purge_after_commit(purging.article_page_urls(article_id))


# Live coverage --------------------------------------------------------------------------------


def live_entry_changed(article_id):
    """An entry of this live page was added, corrected, pinned, unpinned or deleted: only its
    page shows it, and the update endpoint that readers' open pages poll (articles/live.py)
    keeps its answers under the same number. Starting, ending or summing up the coverage is an
    edit of the article (article_edited)."""
    transaction.on_commit(lambda: _bump(ARTICLE_KEY.format(article_id)))
    if purge.enabled():
        purge.purge_after_commit(purging.article_page_urls(article_id))


# What surrounds the articles -------------------------------------------------------------------


def section_changed(section):
    _move_site_generation()
    if purge.enabled():
        purge.purge_after_commit(purging.section_urls(section))


def source_changed(source):
    _move_site_generation()
    if purge.enabled():
        purge.purge_after_commit(purging.source_urls(source))


def author_changed(author):
    """An author's name or photo shows on their page and on every article of theirs."""
    _move_site_generation()
    if purge.enabled():
        purge.purge_after_commit(purging.author_urls(author) | purging.author_article_urls(author))


def front_page_changed(section=None):
    """Editors chose, reordered or cleared the stories of the home page, or of `section`'s
    lead, which shows in that section's block on the home page: only the home page shows
    either. The home page is kept under the site generation, so that moves."""
    _move_site_generation()
    if purge.enabled():
        purge.purge_after_commit(purging.front_page_urls(section))


def furniture_changed():
    """Something every page, or a page without an article of its own, shows changed: the site
    settings, the comment guidelines and policy, sponsors, plans on sale, the rate card. The
    site generation moves; a CDN keeps such pages for s-maxage at most (settings.py)."""
    _move_site_generation()


def everything_changed():
    """Data changed under the site by other means (a demo load, a data migration): every
    cached page and piece is dropped."""
    _move_site_generation()
