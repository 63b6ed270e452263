"""Search through HTTP: web-search syntax, ranking, snippets, filters and forgiving input."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.search import week_of
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def politics(db):
    return SectionFactory(name="Politics", slug="politics")


def headlines(response):
    assert response.status_code == 200
    page = response.context["results"]
    return [article.headline for article in page] if page is not None else None


def search(client, **params):
    return client.get("/search/", params)


def test_matching_words_anywhere_find_the_article(client, politics):
    ArticleFactory(headline="Water tariffs rise again", section=politics, body="<p>Households pay more.</p>")
    ArticleFactory(headline="Unrelated", section=politics, standfirst="Nothing here.", body="<p>Roads.</p>")
    assert headlines(search(client, q="tariffs")) == ["Water tariffs rise again"]
    # Stemming: a different form of the word still matches.
    assert headlines(search(client, q="tariff")) == ["Water tariffs rise again"]


def test_a_quoted_phrase_matches_only_those_words_together(client, politics):
    ArticleFactory(headline="Local government elections", section=politics, body="<p>Votes counted.</p>")
    ArticleFactory(headline="Government of local character", section=politics, body="<p>Other.</p>")
    assert headlines(search(client, q='"local government"')) == ["Local government elections"]


def test_a_minus_sign_excludes_a_word(client, politics):
    ArticleFactory(headline="Budget for provincial hospitals", section=politics)
    ArticleFactory(headline="Budget for city libraries", section=politics)
    assert headlines(search(client, q="budget -provincial")) == ["Budget for city libraries"]


def test_or_finds_either_word(client, politics):
    ArticleFactory(headline="Miners strike", section=politics, standfirst="", body="<p>Underground.</p>")
    ArticleFactory(headline="Students protest", section=politics, standfirst="", body="<p>Campus.</p>")
    ArticleFactory(headline="Quiet day", section=politics, standfirst="", body="<p>Nothing.</p>")
    assert sorted(headlines(search(client, q="strike or protest"))) == ["Miners strike", "Students protest"]


def test_headline_matches_rank_above_body_matches_and_author_names_are_searched(client, politics):
    ArticleFactory(
        headline="A report on roads",
        section=politics,
        standfirst="",
        body="<p>Mentions drought once.</p>",
        publish_at=timezone.now() - timedelta(hours=1),
    )
    ArticleFactory(
        headline="Drought grips the province",
        section=politics,
        standfirst="",
        body="<p>Dry dams.</p>",
        publish_at=timezone.now() - timedelta(hours=5),
    )
    assert headlines(search(client, q="drought")) == ["Drought grips the province", "A report on roads"]
    author = AuthorFactory(name="Zanele Mthembu")
    ArticleFactory(headline="Clinic report", section=politics, authors=[author])
    assert headlines(search(client, q="Mthembu")) == ["Clinic report"]


def test_snippets_highlight_the_matched_words_and_escape_the_rest(client, politics):
    ArticleFactory(
        headline="Port upgrade",
        section=politics,
        standfirst="",
        body="<p>The harbour &amp; <em>port</em> authority approved a dredging plan for the harbour.</p>",
    )
    html = search(client, q="dredging").content.decode()
    assert "<mark>dredging</mark>" in html
    assert "harbour &amp; port authority" in html  # the body's markup is gone, its text escaped


def test_premium_articles_are_found_by_their_free_parts_with_snippets_from_the_standfirst_only(
    client, politics
):
    ArticleFactory(
        headline="Inside the budget deal",
        section=politics,
        is_premium=True,
        standfirst="How the deal was done.",
        body="<p>The secret clause about pensions was added at midnight.</p>",
    )
    # Words only in a premium body are not searched: a match would give them away.
    assert headlines(search(client, q="pensions")) == []
    assert headlines(search(client, q='"secret clause"')) == []
    response = search(client, q="deal")
    assert headlines(response) == ["Inside the budget deal"]
    html = response.content.decode()
    assert "secret clause" not in html
    assert "<mark>deal</mark> was done" in html


def test_filters_by_section_and_date_range(client, politics):
    economy = SectionFactory(name="Economy", slug="economy")
    march = timezone.make_aware(datetime(2026, 3, 10, 12))
    ArticleFactory(headline="Budget in politics, March", section=politics, publish_at=march)
    ArticleFactory(headline="Budget in economy, March", section=economy, publish_at=march)
    ArticleFactory(
        headline="Budget in politics, May", section=politics, publish_at=march + timedelta(days=60)
    )
    assert sorted(headlines(search(client, q="budget", section="politics"))) == [
        "Budget in politics, March",
        "Budget in politics, May",
    ]
    march_only = search(client, q="budget", section="politics", date_from="2026-03-01", date_to="2026-03-10")
    assert headlines(march_only) == ["Budget in politics, March"]
    assert headlines(search(client, q="budget", date_from="2026-04-01")) == ["Budget in politics, May"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "budget", "date_from": "2026-13-45"}, "“2026-13-45” is not a date we understand"),
        ({"q": "budget", "date_to": "last tuesday"}, "“last tuesday” is not a date we understand"),
        ({"q": "budget", "date_from": "2026-05-01", "date_to": "2026-04-01"}, "is after the end date"),
        ({"q": "budget", "section": "astrology"}, "There is no section called “astrology”"),
        ({"q": "x" * 201}, "at most 200 characters"),
    ],
)
def test_bad_filters_get_a_plain_message_not_an_error(client, politics, params, message):
    response = search(client, **params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["results"] is None


NONSENSE = ["", "   ", '"', "-", "or", "the", "!!! &&& |||", "'; drop table", ":*", "(((", "\\"]


@pytest.mark.parametrize("query", NONSENSE)
def test_empty_or_nonsense_queries_get_a_helpful_page(client, politics, query):
    ArticleFactory(section=politics)
    response = search(client, q=query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "How to search" in html or "Try another search" in html


def test_a_search_for_a_missing_word_suggests_what_to_try(client, politics):
    ArticleFactory(section=politics)
    html = search(client, q="zyxwvut").content.decode()
    assert "No articles matched" in html
    assert "Try another search" in html


def test_null_characters_in_a_query_are_refused_politely(client):
    # Refused for every page before any view runs (newsroom/middleware.py): PostgreSQL cannot
    # compare with a NUL.
    response = search(client, q="budget\x00")
    assert response.status_code == 400
    assert "null character" in response.content.decode()


def test_hidden_articles_are_never_found(client, politics):
    ArticleFactory(headline="Secret draft budget", section=politics, status="draft", publish_at=None)
    ArticleFactory(headline="Future budget", section=politics, publish_at=timezone.now() + timedelta(days=1))
    assert headlines(search(client, q="budget")) == []


def test_results_are_paged_and_a_bad_page_is_a_404(client, politics):
    for number in range(25):
        ArticleFactory(headline=f"Budget story {number}", section=politics)
    first = search(client, q="budget")
    assert len(headlines(first)) == 10
    assert 'rel="next"' in first.content.decode()
    pages = [headlines(search(client, q="budget", page=number)) for number in (1, 2, 3)]
    assert [len(page) for page in pages] == [10, 10, 5]
    # Every article once across the pages: each page is a slice of one ranking.
    assert sorted(headline for page in pages for headline in page) == sorted(
        f"Budget story {number}" for number in range(25)
    )
    assert search(client, q="budget", page=9).status_code == 404
    assert search(client, q="budget", page="abc").status_code == 404


def test_search_page_has_no_csrf_token_and_a_get_form(client):
    html = search(client, q="anything").content.decode()
    assert 'method="get"' in html
    assert "csrfmiddlewaretoken" not in html
    assert '<meta name="robots" content="noindex, follow">' in html


@pytest.mark.parametrize(("limit", "expected"), [(2, ["A week old", "Three months old"]), (10, None)])
def test_a_word_in_more_articles_than_are_ranked_finds_the_newest_across_the_archive(
    client, politics, monkeypatch, limit, expected
):
    # One match in each slice of the archive that the candidate search walks, newest first.
    now = timezone.now()
    ages = {"A week old": 7, "Three months old": 90, "A year old": 365, "Five years old": 5 * 365}
    for headline, days in ages.items():
        published = now - timedelta(days=days)
        ArticleFactory(headline=headline, section=politics, standfirst="Ferries.", publish_at=published)
    monkeypatch.setattr("articles.search.MAX_CANDIDATES", limit)

    found = headlines(search(client, q="ferries"))

    # All match equally well, so the ranked candidates show newest first.
    assert found == (expected or list(ages))


def test_articles_either_side_of_each_week_edge_are_all_found_newest_first(client, politics):
    # The candidate search reads the archive a UTC week at a time, newest first
    # (articles/search.py): an article minutes either side of each edge is found once, in
    # its place.
    now = timezone.now()
    times = [now - timedelta(minutes=1)]
    for weeks_back in range(3):
        edge = datetime.combine(week_of(now) - timedelta(weeks=weeks_back), time.min, tzinfo=UTC)
        # Newest first; just after the current week's edge may still be in the future.
        times += [
            moment
            for moment in (edge + timedelta(minutes=5), edge - timedelta(minutes=5))
            if moment < times[-1]
        ]
    times.append(now - timedelta(days=9 * 365))
    for number, moment in enumerate(times):
        ArticleFactory(
            headline=f"Ferry report {number}", section=politics, standfirst="Ferries.", publish_at=moment
        )

    assert headlines(search(client, q="ferries")) == [
        f"Ferry report {number}" for number in range(len(times))
    ]


def test_more_matches_than_are_ranked_show_the_newest_and_the_page_says_so(client, politics, monkeypatch):
    # Ranking every match of an everyday phrase costs more than the page is worth, so only
    # the MAX_CANDIDATES newest are ranked, and the reader is told the results are the most
    # recent ones and how to reach further back.
    monkeypatch.setattr("articles.search.MAX_CANDIDATES", 2)
    now = timezone.now()
    for headline, age in [
        ("Ferry fares frozen", timedelta(hours=1)),
        ("Ferry crews ballot", timedelta(hours=2)),
        ("Ferry route closed", timedelta(days=2 * 365)),
    ]:
        ArticleFactory(headline=headline, section=politics, standfirst="Ferries.", publish_at=now - age)

    response = search(client, q="ferries")

    assert headlines(response) == ["Ferry fares frozen", "Ferry crews ballot"]
    html = " ".join(response.content.decode().split())
    assert "among the 2 most recent articles that contain it" in html
    assert "set the dates to search further back" in html

    year_ago = (now - timedelta(days=365)).date().isoformat()
    response = search(client, q="ferries", date_to=year_ago)

    assert headlines(response) == ["Ferry route closed"]
    assert "1 article matched" in " ".join(response.content.decode().split())

    # As many matches as are ranked, and no more: the count is whole.
    response = search(client, q="ferries", date_from=(now - timedelta(days=1)).date().isoformat())

    assert headlines(response) == ["Ferry fares frozen", "Ferry crews ballot"]
    assert "2 articles matched" in " ".join(response.content.decode().split())


def test_a_query_with_few_recent_matches_searches_the_whole_archive_and_counts_them_all(client, politics):
    now = timezone.now()
    for headline, age in [
        ("Ferry fares frozen", timedelta(hours=1)),
        ("Ferry route closed", timedelta(days=800)),
    ]:
        ArticleFactory(headline=headline, section=politics, standfirst="Ferries.", publish_at=now - age)

    response = search(client, q="ferries")

    assert headlines(response) == ["Ferry fares frozen", "Ferry route closed"]
    assert "2 articles matched" in " ".join(response.content.decode().split())


def test_weeks_start_on_mondays_in_utc():
    # Tuesday 5 January 2027: the week began on Monday 4 January.
    assert week_of(datetime(2027, 1, 5, 3, 0, tzinfo=UTC)) == date(2027, 1, 4)
    # Sunday 3 January 2027 is still in the week that began in 2026.
    assert week_of(datetime(2027, 1, 3, 23, 59, tzinfo=UTC)) == date(2026, 12, 28)
    # Weeks are UTC weeks: ten past midnight in Auckland on Monday 1 March is still Sunday in
    # UTC, so still the week that began on 22 February.
    auckland = datetime(2027, 3, 1, 0, 10, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert week_of(auckland) == date(2027, 2, 22)
