"""Each public page's query budget from the performance issue, at two sizes of site.

Measured in steady state (tests/performance/query_counting.py): what every page shares already
cached, the page cache off so the view itself runs. The count must not grow with the archive
or with the discussion.
"""

import pytest

from tests.performance.query_counting import PAGES, Newsroom, add_comments, queries_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

LISTING = 6
FEED = 3
SITEMAP = 3
BUDGETS = {
    "home": 10,
    "section": LISTING,
    "section, older page": LISTING,
    "tag": LISTING,
    "author": LISTING,
    "source": LISTING,
    "corrections": LISTING,
    "corrections RSS": FEED,
    # The article as its page loads it (with bylines, tags, corrections), then its revisions.
    "what changed": 5,
    "search": 4,
    "search with filters": 4,
    # The closest known words, and whether they find anything.
    "search, misspelt": 5,
    "site RSS": FEED,
    "site Atom": FEED,
    "section RSS": FEED,
    "section Atom": FEED,
    "tag RSS": FEED,
    "tag Atom": FEED,
    "author RSS": FEED,
    "author Atom": FEED,
    "source RSS": FEED,
    "source Atom": FEED,
    "sitemap index": SITEMAP,
    "articles sitemap": SITEMAP,
    "sections sitemap": SITEMAP,
    "tags sitemap": SITEMAP,
    "authors sitemap": SITEMAP,
    "news sitemap": SITEMAP,
    "robots.txt": 0,
    # The page's one row and its options.
    "advertising options": 2,
}
ARTICLE_WITH_50_COMMENTS = 7


def test_every_public_page_but_the_article_has_a_budget():
    assert set(PAGES) - set(BUDGETS) == {"article"}


@pytest.mark.parametrize("page", BUDGETS)
def test_each_page_keeps_its_budget_for_3_or_40_articles(client, page):
    site = Newsroom()
    site.add(3)
    small, small_sql = queries_for(client, PAGES[page](site))
    site.add(37)
    large, large_sql = queries_for(client, PAGES[page](site))

    assert small == large, "3 articles:\n" + "\n".join(small_sql) + "\n40 articles:\n" + "\n".join(large_sql)
    assert large <= BUDGETS[page], f"{large} queries:\n" + "\n".join(large_sql)


def test_an_article_keeps_its_budget_with_2_or_50_comments_on_a_site_of_3_or_40_articles(client):
    site = Newsroom()
    site.add(3)
    article = site.free_article
    add_comments(article, 2)
    few, few_sql = queries_for(client, article.get_absolute_url())
    add_comments(article, 48)
    site.add(37)
    many, many_sql = queries_for(client, article.get_absolute_url())

    assert few == many, "2 comments:\n" + "\n".join(few_sql) + "\n50 comments:\n" + "\n".join(many_sql)
    assert many <= ARTICLE_WITH_50_COMMENTS, f"{many} queries:\n" + "\n".join(many_sql)


def test_search_finds_its_candidates_once_for_both_the_count_and_the_page(client):
    site = Newsroom()
    site.add(5)
    response = client.get(PAGES["search"](site))
    assert response.context["paginator"].count > 0

    _, sql = queries_for(client, PAGES["search"](site))

    # The candidate query is the one that walks the weeks (articles/search.py).
    assert sum("generate_series" in query for query in sql) == 1, "\n".join(sql)
