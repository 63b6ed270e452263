"""Listing cards build their links from a pattern reversed once (newsroom/lib/urls.py); the
links must be exactly the ones reverse() gives, under any script prefix."""

import pytest
from django.urls import reverse, set_script_prefix

from newsroom.lib.urls import reversed_path


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


def test_an_article_address_is_the_one_reverse_gives():
    values = {"section": "politics", "year": 2026, "month": "03", "day": "09", "slug": "council-budget-2026"}

    assert reversed_path("articles:detail", **values) == reverse("articles:detail", kwargs=values)


def test_a_site_served_under_a_prefix_links_under_that_prefix(script_prefix):
    reversed_path("articles:author", slug="walter-quinn")
    script_prefix("/ledger/")

    assert reversed_path("articles:author", slug="walter-quinn") == "/ledger/authors/walter-quinn/"
    assert reversed_path("articles:section", slug="news") == "/ledger/news/"


@pytest.mark.parametrize("slug", ['a"><script>alert(1)</script>', "a/../../admin", "a?b=c#d", "café au lait"])
def test_a_slug_saved_without_validation_stays_inside_its_part_of_the_path(slug):
    path = reversed_path("articles:author", slug=slug)

    assert path.startswith("/authors/")
    assert path.endswith("/")
    assert not set('"<>?#') & set(path)
    assert path.count("/") == 3
