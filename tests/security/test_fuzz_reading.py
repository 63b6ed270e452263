"""Generated and hostile query strings on the reading pages: search (q, page and filters),
listing cursors, and the feeds. Reading changes nothing, so the property is simply that no
address, however made up, is a server error."""

from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.security.hostile import Example, assert_no_server_error, field, form, nasty_text

pytestmark = pytest.mark.django_db

numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["1", "2", "0", "-1", "last", "1.5", "1e9", "９", "²", "0x1", " 1", "9" * 5000]),
)
cursors = st.one_of(
    st.builds(lambda a, b: f"{a}-{b}", st.integers(0, 10**18), st.integers(0, 10**18)),
    st.sampled_from(["999999999999999999-999999999999999999", "0-0", "1-", "-1", "1--1"]),
    nasty_text,
)
dates = st.one_of(
    st.dates().map(str), st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31"]), nasty_text
)


@pytest.fixture
def site(db):
    section = SectionFactory(slug="politics", name="Politics")
    author = AuthorFactory(slug="ada-author", name="Ada Author")
    for number in range(3):
        ArticleFactory(section=section, authors=[author], tags=["housing"], headline=f"Housing vote {number}")
    return section


def _query(params):
    return urlencode(params, doseq=True)


def assert_a_page(response, query):
    """A page, or no such page; a NUL in the address is refused first (newsroom/middleware.py)."""
    assert_no_server_error(response)
    if "%00" in query:
        assert response.status_code == 400
    else:
        assert response.status_code in (200, 404)


@given(
    params=form(
        q=field(st.sampled_from(["housing", '"housing vote"', "housing -vote", "vote or council"])),
        section=field(st.sampled_from(["", "politics"])),
        date_from=field(dates),
        date_to=field(dates),
        page=field(numbers),
    )
)
def test_search_answers_any_query_without_a_server_error(client, site, params):
    with Example(Article) as example:
        response = example.request(client.get, "/search/?" + _query(params))
        assert_a_page(response, _query(params))
        example.assert_unchanged(response)


@given(
    path=st.sampled_from(["/politics/", "/tags/housing/", "/authors/ada-author/", "/corrections/"]),
    params=form(before=field(cursors), after=field(cursors), page=field(numbers)),
)
def test_listings_answer_any_cursor_without_a_server_error(client, site, path, params):
    response = client.get(path + "?" + _query(params))
    assert_a_page(response, _query(params))


@given(
    path=st.sampled_from(
        ["/feed/", "/feed/atom/", "/politics/feed/", "/tags/housing/feed/", "/authors/ada-author/feed/atom/"]
    ),
    params=st.dictionaries(st.text(max_size=10), st.one_of(nasty_text, numbers), max_size=3),
)
def test_feeds_answer_any_query_without_a_server_error(client, site, path, params):
    response = client.get(path + "?" + _query(params))
    assert_a_page(response, _query(params))
