"""Fixtures for the page cache tests: the cache switched on (the rest of the suite runs with it
off, see tests/environment.py) and a small site whose pages all list one article."""

import pytest
from django.core.cache import cache

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def story(db):
    """A published article that appears on every kind of listing."""
    return ArticleFactory(
        headline="Harbour wall plan approved",
        slug="harbour-wall-plan",
        section=SectionFactory(name="Politics", slug="politics"),
        authors=[AuthorFactory(name="Pat Reporter", slug="pat-reporter")],
        source=SourceFactory(name="Coast Institute", slug="coast-institute"),
        tags=["Harbour"],
    )


def listing_urls(article):
    """Every page that lists `article`, for the invalidation tests."""
    return [
        "/",
        f"/{article.section.slug}/",
        "/tags/harbour/",
        f"/authors/{article.bylines.first().author.slug}/",
        f"/sources/{article.source.slug}/",
        "/feed/",
        "/feed/atom/",
        f"/{article.section.slug}/feed/",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
    ]
