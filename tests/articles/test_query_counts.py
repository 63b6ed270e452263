"""Every public page runs a fixed number of queries, at most 10, whatever the size of the site,
and the shared caches (navigation, furniture, the Site row) take their queries off every page.

The site, the pages and the counting helper are shared with the per-page budgets in
tests/performance/test_query_budgets.py (tests/performance/query_counting.py).
"""

import pytest
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.performance.query_counting import PAGES, Newsroom, queries_for

pytestmark = pytest.mark.django_db

BUDGET = 10


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
