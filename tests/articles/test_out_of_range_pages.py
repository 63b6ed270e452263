"""One rule for pages that are not there, on every paginated public listing and on search
(newsroom/lib/paginators.py): the first page always answers 200, with "nothing yet" when it is
empty; a page past the end, a page number a listing does not have, or a cursor that points at
no rows answers 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.pagination import encode_cursor
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

LISTINGS = [
    "/politics/",
    "/tags/budget/",
    "/authors/pat-reporter/",
    "/sources/coast-institute/",
    "/corrections/",
]


@pytest.fixture
def politics():
    return SectionFactory(name="Politics", slug="politics")


@pytest.fixture
def author():
    return AuthorFactory(name="Pat Reporter", slug="pat-reporter")


@pytest.fixture
def partner():
    return SourceFactory(name="Coast Institute", slug="coast-institute")


@pytest.fixture
def story(politics, author, partner):
    article = ArticleFactory(
        headline="Harbour budget agreed", section=politics, authors=[author], source=partner, tags=["Budget"]
    )
    CorrectionFactory(article=article)
    return article


@pytest.mark.parametrize("listing", LISTINGS)
def test_the_first_page_of_a_listing_answers_with_its_articles(client, story, listing):
    for query in ("", "?page=1"):
        response = client.get(listing + query)
        assert response.status_code == 200, query
        assert "Harbour budget agreed" in response.content.decode()


@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize("query", ["?page=2", "?page=99", "?page=0", "?page=abc"])
def test_a_page_number_a_listing_does_not_have_is_a_404(client, story, listing, query):
    assert client.get(listing + query).status_code == 404


@pytest.mark.parametrize("listing", LISTINGS)
def test_cursors_that_point_at_no_rows_are_a_404(client, story, listing):
    long_ago = encode_cursor(timezone.now() - timedelta(days=365 * 50), 1)
    far_ahead = encode_cursor(timezone.now() + timedelta(days=365), 10**9)
    assert client.get(f"{listing}?before={long_ago}").status_code == 404
    assert client.get(f"{listing}?after={far_ahead}").status_code == 404


def test_an_empty_section_answers_200_and_says_nothing_is_there_yet(client, politics):
    response = client.get("/politics/")
    assert response.status_code == 200
    assert "Nothing has been published here yet." in response.content.decode()


def test_no_corrections_answers_200_and_says_so(client):
    response = client.get("/corrections/")
    assert response.status_code == 200
    assert "No corrections have been published." in response.content.decode()


def test_search_with_no_matches_answers_200_on_its_first_page_only(client, story):
    for query in ("?q=zebra", "?q=zebra&page=1"):
        response = client.get(f"/search/{query}")
        assert response.status_code == 200, query
        assert "No articles matched" in response.content.decode()
    assert client.get("/search/?q=zebra&page=2").status_code == 404


@pytest.mark.parametrize("page", ["2", "99", "0", "abc"])
def test_a_search_page_past_the_end_is_a_404(client, story, page):
    assert client.get("/search/", {"q": "harbour"}).status_code == 200
    assert client.get("/search/", {"q": "harbour", "page": page}).status_code == 404
