"""Search forgives what readers type: accents do not matter, and a search that finds nothing
because of a misspelling offers the spelling our articles use."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import services
from articles.models import SearchWord
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def found(client, query, **filters):
    response = client.get("/search/", {"q": query, **filters})
    assert response.status_code == 200
    return [article.headline for article in response.context["results"]], response


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Ekström named chair of the water board", "Ekstrom"),
        ("Ekstrom named chair of the water board", "Ekström"),
        ("The café that outlived three councils", "cafe"),
        ("Zoë Müller leads the inquiry", "zoe muller"),
        ("Señora Núñez wins the vote", "NUNEZ"),
    ],
)
def test_accents_do_not_matter_either_way(client, written, typed):
    ArticleFactory(headline=written)
    ArticleFactory(headline="Roads resurfaced on time")

    headlines, _ = found(client, typed)

    assert headlines == [written]


def test_the_word_found_without_its_accent_is_still_highlighted(client):
    ArticleFactory(headline="Ekström named chair", standfirst="Ekström takes over in May.")

    response = client.get("/search/", {"q": "ekstrom"})

    assert "<mark>Ekström</mark> named chair" in response.content.decode()


def test_an_accent_free_body_word_finds_the_accented_one_in_the_body(client):
    ArticleFactory(headline="Harbour report", body="<p>The mayor of Göteborg visited.</p>")

    assert found(client, "Goteborg")[0] == ["Harbour report"]


def test_a_misspelt_search_suggests_the_spelling_our_articles_use(client):
    ArticleFactory(headline="Government budget passes", standfirst="A narrow vote in parliament.")
    call_command("rebuild_search_words", stdout=StringIO())

    headlines, response = found(client, "goverment budget")

    assert headlines == []
    page = response.content.decode()
    assert "Did you mean" in page
    assert response.context["suggestion"] == "government budget"
    assert found(client, response.context["suggestion"])[0] == ["Government budget passes"]


def test_the_suggestion_keeps_the_way_a_word_was_capitalised_and_the_filters(client):
    politics = SectionFactory(name="Politics", slug="politics")
    ArticleFactory(headline="Parliament sits late", section=politics)
    call_command("rebuild_search_words", stdout=StringIO())

    _, response = found(client, "Parlament", section="politics", date_from="2000-01-01", page="1")

    assert response.context["suggestion"] == "Parliament"
    link = response.content.decode().split('Did you mean <a href="', 1)[1].split('"', 1)[0]
    # The filters stay; the page number goes (the suggestion starts at its first page).
    assert "q=Parliament" in link
    assert "section=politics" in link
    assert "date_from=2000-01-01" in link
    assert "page=" not in link


def test_nothing_is_suggested_when_the_better_spelling_finds_nothing_within_the_filters(client):
    SectionFactory(name="Health", slug="health")
    ArticleFactory(headline="Parliament sits late", section=SectionFactory(name="Politics", slug="politics"))
    call_command("rebuild_search_words", stdout=StringIO())

    _, response = found(client, "Parlament", section="health")

    assert response.context["suggestion"] is None
    assert "Did you mean" not in response.content.decode()


def test_a_word_only_a_draft_or_a_premium_body_uses_is_never_suggested(client):
    ArticleFactory(headline="Embargoed reshuffle plans", status="draft", publish_at=None)
    ArticleFactory(headline="Subscriber analysis", is_premium=True, body="<p>Confidential memorandum.</p>")
    call_command("rebuild_search_words", stdout=StringIO())

    # The draft's words are in the vocabulary, but no published article has them...
    assert SearchWord.objects.filter(word="reshuffle").exists()
    assert found(client, "reshufle")[1].context["suggestion"] is None
    # ...and a premium body's words are not even in it.
    assert not SearchWord.objects.filter(word="memorandum").exists()
    assert found(client, "memorandun")[1].context["suggestion"] is None


def test_a_search_that_finds_something_suggests_nothing(client):
    ArticleFactory(headline="Budget passes")
    call_command("rebuild_search_words", stdout=StringIO())

    _, response = found(client, "budget")

    assert "suggestion" not in response.context
    assert "Did you mean" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_publishing_adds_the_articles_new_words_to_the_vocabulary(client, editor):
    article = ArticleFactory(headline="Desalination plant approved", status="draft", publish_at=None)
    assert not SearchWord.objects.filter(word="desalination").exists()

    services.publish_article(article=article, by=editor)

    assert SearchWord.objects.filter(word="desalination").exists()
    _, response = found(client, "desalinaton")
    assert response.context["suggestion"] == "desalination"


def test_rebuilding_counts_each_words_articles_and_reports_progress():
    for number in range(5):
        ArticleFactory(headline=f"Harbour dredging phase {number}", standfirst="Work continues.")
    ArticleFactory(headline="Harbour fees")
    SearchWord.objects.create(word="stale", articles=99)
    out = StringIO()
    call_command("rebuild_search_words", batch_size=2, stdout=out)

    assert SearchWord.objects.get(word="harbour").articles == 6
    assert SearchWord.objects.get(word="dredging").articles == 5
    assert not SearchWord.objects.filter(word="stale").exists()
    assert "Search vocabulary rebuilt" in out.getvalue()
    assert "(3/3)" in out.getvalue()


def test_a_batch_size_that_is_not_positive_is_refused_and_the_vocabulary_kept():
    SearchWord.objects.create(word="harbour", articles=3)
    with pytest.raises(CommandError, match="positive number of articles"):
        call_command("rebuild_search_words", batch_size=0)
    assert SearchWord.objects.get(word="harbour").articles == 3


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", "' OR 1=1 --", "%%%", "a" * 200, "x -y or z"])
def test_hostile_or_odd_searches_get_an_answer_not_an_error(client, query):
    ArticleFactory(headline="Budget passes")
    call_command("rebuild_search_words", stdout=StringIO())

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
