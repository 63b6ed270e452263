"""Numbers and characters in addresses that once were server errors: ids past the database's
range, digits that are not ASCII ("²" passes str.isdigit()), and NUL, which PostgreSQL cannot
hold. Each now answers as a page with no match would (200 or 404), or 400 for a NUL."""

import pytest

from articles.models import DailyReadCount
from comments.models import Suspension
from newsroom.lib.numbers import BIGINT_MAX, parse_id
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

NOT_NUMBERS = [
    "",
    "²",
    "٣",
    "９",
    "¹²³",
    " 7",
    "7 ",
    "+7",
    "-7",
    "1_000",
    "1.0",
    "0x10",
    "\x00",
    "7\x00",
    str(BIGINT_MAX + 1),
    "9" * 20,
    "9" * 5000,
]
HUGE_IDS = [str(BIGINT_MAX + 1), "99999999999999999999", "9" * 40, "2147483648" + "0" * 10]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_parse_id_reads_nothing_but_ascii_digits_within_the_column_s_range(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(("value", "number"), [("0", 0), ("7", 7), ("007", 7), (str(BIGINT_MAX), BIGINT_MAX)])
def test_parse_id_reads_ascii_digits(value, number):
    assert parse_id(value) == number


def test_parse_id_takes_a_smaller_maximum_and_no_non_strings():
    assert parse_id("2147483648", maximum=2**31 - 1) is None
    assert parse_id("2147483647", maximum=2**31 - 1) == 2**31 - 1
    assert parse_id(None) is None
    assert parse_id(["7"]) is None


# Ids in paths -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("article_id", HUGE_IDS)
def test_the_read_beacon_answers_404_for_an_id_past_the_column(client, article_id):
    assert client.post(f"/api/reads/{article_id}/").status_code == 404


@pytest.mark.django_db
def test_the_read_beacon_ignores_the_largest_id_that_names_no_article(client):
    response = client.post(f"/api/reads/{BIGINT_MAX}/")
    assert response.status_code == 204
    assert not DailyReadCount.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("article_id", HUGE_IDS)
@pytest.mark.parametrize(
    "template",
    [
        "/comments/{}/",
        "/comments/{}/report/",
        "/comments/article/{}/post/",
        "/comments/article/{}/form/",
        "/enquiries/email/{}/",
        "/enquiries/article/{}/",
        "/subscriptions/article/{}/full-text/",
        "/subscriptions/article/{}/read/",
    ],
)
def test_every_id_in_a_public_path_answers_404_past_the_column(client, reader, template, article_id):
    client.force_login(reader)
    for method in (client.get, client.post):
        assert method(template.format(article_id)).status_code in (404, 405)


@pytest.mark.django_db
@pytest.mark.parametrize("user_id", HUGE_IDS)
def test_a_commenter_page_past_the_column_is_404(client, moderator, user_id):
    client.force_login(moderator)
    assert client.get(f"/comments/moderation/commenters/{user_id}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("lift", ["²", "\x00", "-1", "abc", *HUGE_IDS])
def test_lifting_a_suspension_named_by_a_non_number_is_404_and_lifts_nothing(client, moderator, lift):
    person = UserFactory()
    suspension = Suspension.objects.create(user=person, reason="Abuse", created_by=moderator)
    client.force_login(moderator)

    response = client.post(f"/comments/moderation/commenters/{person.pk}/", {"lift": lift})

    assert response.status_code == 404
    assert Suspension.objects.active().filter(pk=suspension.pk).exists()


# Query strings ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "¹", "٣", "９", *HUGE_IDS])
def test_the_admin_author_filter_shows_no_article_for_a_non_number(client, editor, value):
    ArticleFactory(authors=[AuthorFactory(user=UserFactory())])
    client.force_login(editor)

    response = client.get("/admin/articles/article/", {"author": value})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "٣", "none²", *HUGE_IDS])
def test_the_audit_log_actor_filter_answers_a_non_number(client, superuser, value):
    client.force_login(superuser)
    assert client.get("/admin/audit/auditentry/", {"actor": value}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "²³", "٣", "９", *HUGE_IDS, "-1"])
def test_the_moderation_log_searches_any_text(client, moderator, value):
    client.force_login(moderator)
    assert client.get("/comments/moderation/log/", {"q": value}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", *HUGE_IDS])
def test_comparing_revisions_named_by_a_non_number_is_404(client, editor, value):
    article = ArticleFactory()
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/history/compare/"
    assert client.get(url, {"newer": value}).status_code == 404
    assert client.get(url, {"older": value}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "submit_date__year=99999999999999999999",
        "submit_date__year=2026&submit_date__month=99999999999999999999",
        "submit_date__year=2026&submit_date__month=1&submit_date__day=" + "9" * 40,
        "submit_date__year=²",
    ],
)
def test_a_date_drill_down_past_any_date_shows_the_list_with_an_error_note(client, superuser, query):
    client.force_login(superuser)

    response = client.get(f"/admin/comments/comment/?{query}")

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


# NUL and broken UTF-8 -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "/search/?q=%00",
        "/search/?q=housing%00vote",
        "/search/?q%00=housing",
        "/comments/moderation/?q=%00",
        "/comments/moderation/log/?q=a%00",
        "/admin/articles/article/?q=%00",
        "/admin/articles/article/?author=%00",
        "/politics/?before=%00",
        "/feed/?x=%00",
        "/tags/%00/",
        "/admin/articles/article/%00/change/",
    ],
)
def test_a_nul_anywhere_in_the_address_is_a_400_in_plain_words(client, superuser, address):
    client.force_login(superuser)

    response = client.get(address)

    assert response.status_code == 400
    assert "null character" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "/search/?q=%ED%A0%80",
        "/search/?q=a%ED%B0%80b&section=%ED%A0%80",
        "/comments/moderation/?q=%ED%A0%80",
        "/comments/moderation/log/?q=%ED%BF%BF",
        "/admin/articles/article/?q=%ED%A0%80",
        "/admin/articles/article/?author=%ED%A0%80",
        "/search/?q=%01%0B%1F",
        "/search/?q=%EF%BF%BE",
    ],
)
def test_lone_surrogates_and_other_control_characters_in_a_query_give_a_normal_page(
    client, superuser, address
):
    client.force_login(superuser)
    assert client.get(address).status_code == 200
