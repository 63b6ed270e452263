"""Query strings in the page cache: tracking parameters do not change a page, so every campaign
value is served from one cached copy; made-up query strings on one path are kept only up to a
cap, so a stream of them cannot crowd the rest of the cache out. Search and listings, whose
query strings choose what the page shows, stay correct and cached."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from articles.pagination import encode_cursor
from tests.articles.editorial_helpers import edit_in_admin
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def stored_pages():
    """Every page entry in the (local-memory) page cache."""
    return [key for key in cache._cache if ":page:" in key and not key.endswith(":article")]


def test_400_campaign_values_are_one_cached_page(client, story):
    url = story.get_absolute_url()

    responses = [fetch(client, f"{url}?utm_source=probe{n}") for n in range(400)]

    assert [response["X-Page-Cache"] for response in responses] == ["miss"] + ["hit"] * 399
    assert len(stored_pages()) == 1
    assert fetch(client, url)["X-Page-Cache"] == "hit"  # the plain URL reads the same copy
    assert "probe" not in responses[0].content.decode()


@pytest.mark.parametrize(
    "tracking",
    [
        "utm_source=newsletter",
        "utm_medium=email&utm_campaign=monday&utm_content=top&utm_term=pool",
        "UTM_Source=shouting",
        "%75tm_source=encoded",
        "utm_id=",
        "utm_source",
        "fbclid=IwAR0abc",
        "gclid=EAIaIQ",
        "msclkid=1b2c",
        "mc_cid=abc&mc_eid=def",
        "_ga=2.1.2.3&_gl=1*abc",
        "dclid=x&yclid=y&igshid=z&ref_src=twsrc",
    ],
)
def test_tracking_parameters_are_dropped_from_the_key_however_written(client, story, tracking):
    url = story.get_absolute_url()
    fetch(client, url)

    response = fetch(client, f"{url}?{tracking}")

    assert response["X-Page-Cache"] == "hit"
    assert len(stored_pages()) == 1


def test_search_with_tracking_shares_the_plain_search_page_and_never_echoes_it(client, story):
    for n in range(12):
        ArticleFactory(headline=f"Harbour crane {n} delivered", section=story.section)

    first = fetch(client, "/search/?q=harbour&utm_source=<b>probe</b>&fbclid=evil")
    plain = fetch(client, "/search/?q=harbour")
    html = first.content.decode()

    assert plain["X-Page-Cache"] == "hit"
    assert plain.content == first.content
    assert "probe" not in html
    assert "evil" not in html
    assert "utm_source" not in html
    assert 'href="?q=harbour&amp;page=2"' in html  # pagination keeps the query, not the tracking


def test_search_queries_and_pages_are_still_cached_each_on_its_own(client, story):
    for n in range(12):
        ArticleFactory(headline=f"Harbour crane {n} delivered", section=story.section)
    ArticleFactory(headline="Budget vote delayed", standfirst="Councillors disagree.", section=story.section)
    urls = ["/search/?q=harbour", "/search/?q=harbour&page=2", "/search/?q=budget"]

    first = {url: fetch(client, url) for url in urls}
    second = {url: fetch(client, f"{url}&utm_campaign=x") for url in urls}

    for url in urls:
        assert first[url]["X-Page-Cache"] == "miss", url
        assert second[url]["X-Page-Cache"] == "hit", url
        assert second[url].content == first[url].content, url
    assert "vote delayed" in first["/search/?q=budget"].content.decode()
    assert "vote delayed" not in first["/search/?q=harbour"].content.decode()
    assert first["/search/?q=harbour"].content != first["/search/?q=harbour&page=2"].content


def test_made_up_query_strings_on_one_path_are_kept_only_up_to_the_cap(client, story, settings):
    url = story.get_absolute_url()
    cap = settings.PAGE_CACHE_VARIANTS_PER_PATH

    for n in range(400):
        assert fetch(client, f"{url}?x={n}")["X-Page-Cache"] == "miss"

    assert len(stored_pages()) == cap
    assert fetch(client, f"{url}?x=0")["X-Page-Cache"] == "hit"  # kept while under the cap
    assert fetch(client, f"{url}?x=399")["X-Page-Cache"] == "miss"  # served, never kept
    assert fetch(client, f"{url}?x=399")["X-Page-Cache"] == "miss"
    # The page itself, without a query string, is always kept.
    fetch(client, url)
    assert fetch(client, url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "junk",
    [lambda n: f"x={n}", lambda n: f"{n}=", lambda n: f"q={n}", lambda n: f"before={n}-1&a={n}"],
    ids=["value", "name", "search words", "cursor"],
)
def test_the_cap_holds_whichever_parameter_is_varied(client, story, settings, junk):
    settings.PAGE_CACHE_VARIANTS_PER_PATH = 5

    for n in range(30):
        client.get(f"/search/?{junk(n)}")

    assert len(stored_pages()) <= 5


def test_the_cap_is_per_path_so_other_listings_keep_their_pages(client, story, settings):
    settings.PAGE_CACHE_VARIANTS_PER_PATH = 5
    for n in range(20):
        fetch(client, f"/politics/?junk={n}")
    # Just ahead of the story: the same query as any older page of the tag.
    page_two = f"/tags/harbour/?before={encode_cursor(story.publish_at + timedelta(seconds=1), story.pk)}"

    first = fetch(client, page_two)

    assert first["X-Page-Cache"] == "miss"
    assert "Harbour wall plan approved" in first.content.decode()
    assert fetch(client, page_two)["X-Page-Cache"] == "hit"


def test_over_the_cap_a_listing_page_is_still_right(client, story, settings):
    settings.PAGE_CACHE_VARIANTS_PER_PATH = 2
    for n in range(30):
        ArticleFactory(headline=f"Harbour crane {n:02} delivered", section=story.section)
    first_page = fetch(client, "/politics/").content.decode()
    older = first_page.split('href="?before=')[1].split('"')[0]
    for n in range(5):
        fetch(client, f"/politics/?junk={n}")

    page_two = fetch(client, f"/politics/?before={older}")

    assert page_two["X-Page-Cache"] == "miss"
    assert page_two.content.decode() != first_page
    assert "Harbour wall plan approved" in page_two.content.decode()  # the oldest, on page two


def test_a_new_generation_starts_the_count_again(
    client, story, editor, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_VARIANTS_PER_PATH = 3
    for n in range(5):
        fetch(client, f"/politics/?junk={n}")
    assert fetch(client, "/politics/?junk=4")["X-Page-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(editor, story, headline="Harbour wall plan approved after late vote")

    fetch(client, "/politics/?junk=4")
    assert fetch(client, "/politics/?junk=4")["X-Page-Cache"] == "hit"


def test_a_query_string_of_too_many_fields_is_answered_as_without_the_cache(client, story, settings):
    many = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    url = f"{story.get_absolute_url()}?utm_source=x&{many}"
    settings.PAGE_CACHE_ENABLED = False
    uncached = client.get(url)
    settings.PAGE_CACHE_ENABLED = True

    answers = [client.get(url) for _ in range(2)]

    assert uncached.status_code == 400  # the page's templates read the parameters
    assert [answer.status_code for answer in answers] == [400, 400]
    assert stored_pages() == []
