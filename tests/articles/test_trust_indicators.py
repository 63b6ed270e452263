"""Trust indicators readers see: an article's type of work (on its page and on cards), its
dateline and its "sources and method" note, and an author's expertise, contact and fediverse
handle."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from articles.models import Article, LiveCoverage, TypeOfWork
from tests.admin_forms import submit_change_form
from tests.factories import ArticleFactory, AuthorFactory, LiveCoverageFactory, SponsorFactory

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Type of work -------------------------------------------------------------------------------


def test_an_opinion_piece_is_labelled_on_its_page_and_on_the_home_page(client):
    article = ArticleFactory(headline="Build the tram", type_of_work=TypeOfWork.OPINION)

    label = '<span class="label label--type label--opinion">Opinion</span>'
    assert label in page(client, article.get_absolute_url())
    assert label in page(client, "/")


def test_plain_news_carries_no_type_label(client):
    article = ArticleFactory()

    assert "label--type" not in page(client, article.get_absolute_url())
    assert "label--type" not in page(client, "/")


def test_an_article_with_its_own_sponsor_is_sponsored_whatever_type_was_picked():
    article = ArticleFactory(type_of_work=TypeOfWork.ANALYSIS, sponsor=SponsorFactory())

    article.refresh_from_db()
    assert article.type_of_work == TypeOfWork.SPONSORED
    assert article.schema_type == "AdvertiserContentArticle"


def test_a_sponsored_article_shows_one_sponsored_label_not_two(client):
    article = ArticleFactory(sponsor=SponsorFactory(name="Acme Energy"))

    html = page(client, article.get_absolute_url())

    assert html.count('<span class="label label--sponsored">Sponsored</span>') == 1
    assert "label--type" not in html


def test_sponsored_needs_a_sponsor():
    article = ArticleFactory.build(type_of_work=TypeOfWork.SPONSORED, sponsor=None)

    with pytest.raises(ValidationError) as raised:
        article.clean()

    assert "choose who paid for it" in str(raised.value)


def test_a_live_page_makes_its_article_live_and_deleting_it_makes_it_news_again(client):
    article = ArticleFactory(type_of_work=TypeOfWork.ANALYSIS)

    LiveCoverageFactory(article=article)
    article.refresh_from_db()
    assert article.type_of_work == TypeOfWork.LIVE
    assert '<span class="label label--type label--live">Live</span>' in page(client, "/")

    LiveCoverage.objects.get(article=article).delete()
    article.refresh_from_db()
    assert article.type_of_work == TypeOfWork.NEWS


def test_live_cannot_be_picked_without_a_live_page_nor_dropped_while_one_exists():
    ordinary = ArticleFactory()
    ordinary.type_of_work = TypeOfWork.LIVE
    with pytest.raises(ValidationError, match="start a live page"):
        ordinary.clean()

    running = ArticleFactory()
    LiveCoverageFactory(article=running)
    running.refresh_from_db()
    running.type_of_work = TypeOfWork.OPINION
    with pytest.raises(ValidationError, match="stays “Live”"):
        running.clean()


def test_editors_set_the_type_dateline_and_note_in_the_article_form(editor):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

    response = submit_change_form(
        editor,
        reverse("admin:articles_article_change", args=[article.pk]),
        type_of_work="review",
        dateline="BRUSSELS",
        sources_and_method="Two visits to the restaurant, paid for by us.",
        _save_draft="Save",
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert (article.type_of_work, article.dateline) == ("review", "BRUSSELS")
    assert article.sources_and_method == "Two visits to the restaurant, paid for by us."


def test_the_article_list_in_the_admin_filters_by_type(editor):
    ArticleFactory(headline="An opinion on trams", type_of_work=TypeOfWork.OPINION)
    ArticleFactory(headline="A news story on trams")
    desk = Client()
    desk.force_login(editor)

    html = desk.get(
        reverse("admin:articles_article_changelist") + "?type_of_work__exact=opinion"
    ).content.decode()

    assert "An opinion on trams" in html
    assert "A news story on trams" not in html


# Dateline and sources ------------------------------------------------------------------------


def test_the_dateline_opens_the_story_and_the_sources_note_follows_it(client):
    article = ArticleFactory(
        body="<p>The ministers met on Tuesday.</p>",
        dateline="BRUSSELS",
        sources_and_method="Interviews with three officials.\n\nThe draft text, seen by us.",
    )

    html = page(client, article.get_absolute_url())

    assert '<p class="article__dateline">BRUSSELS</p>' in html
    assert html.index("article__dateline") < html.index("The ministers met on Tuesday.")
    box = html[html.index('<aside class="sources-box"') :]
    assert html.index("The ministers met on Tuesday.") < html.index('<aside class="sources-box"')
    assert '<h2 id="sources-heading">Sources and method</h2>' in box
    assert "<p>Interviews with three officials.</p>" in box


def test_what_is_typed_in_the_sources_note_and_dateline_is_shown_as_text(client):
    article = ArticleFactory(dateline="<b>PARIS</b>", sources_and_method="<script>alert(1)</script>")

    html = page(client, article.get_absolute_url())

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;PARIS&lt;/b&gt;" in html


def test_no_box_and_no_dateline_when_the_article_has_none(client):
    html = page(client, ArticleFactory().get_absolute_url())

    assert "sources-box" not in html
    assert "article__dateline" not in html


# Authors ------------------------------------------------------------------------------------


def test_an_author_page_shows_expertise_contact_and_their_other_work(client):
    author = AuthorFactory(
        name="Ada Writer",
        slug="ada-writer",
        expertise="Elections, the Assembly",
        contact="ada@example.org",
        fediverse_handle="@ada@social.example.org",
    )
    ArticleFactory(headline="Assembly passes the budget", authors=[author])

    html = page(client, "/authors/ada-writer/")

    assert "<li>Elections</li><li>the Assembly</li>" in html
    assert '<a href="mailto:ada@example.org">Contact Ada Writer</a>' in html
    assert '<a href="https://social.example.org/@ada" rel="me noopener">' in html
    assert '<meta name="fediverse:creator" content="@ada@social.example.org">' in html
    assert "Assembly passes the budget" in html


def test_articles_name_each_author_with_a_fediverse_handle_once(client):
    with_handle = AuthorFactory(fediverse_handle="@ada@social.example.org")
    also = AuthorFactory(fediverse_handle="@ben@news.example.net")
    without = AuthorFactory()
    article = ArticleFactory(authors=[with_handle, without, also])

    html = page(client, article.get_absolute_url())

    assert html.count('name="fediverse:creator"') == 2
    assert '<meta name="fediverse:creator" content="@ada@social.example.org">' in html
    assert '<meta name="fediverse:creator" content="@ben@news.example.net">' in html


@pytest.mark.parametrize(
    "handle", ["ada@social.example.org", "@ada", "@ada@localhost", "@a d@x.org", "@ada@x.org/"]
)
def test_a_fediverse_handle_in_the_wrong_shape_is_refused_in_plain_words(handle):
    author = AuthorFactory.build(slug="ada", fediverse_handle=handle)

    with pytest.raises(ValidationError) as raised:
        author.full_clean(exclude=["photo", "user"])

    assert "Write it as @name@server" in str(raised.value)


@pytest.mark.parametrize("contact", ["javascript:alert(1)", "not an address", "ftp://files.example.org/"])
def test_a_contact_must_be_an_email_or_web_address(contact):
    author = AuthorFactory.build(slug="ada", contact=contact)

    with pytest.raises(ValidationError) as raised:
        author.full_clean(exclude=["photo", "user"])

    assert "neither an email address nor a web address" in str(raised.value)


def test_editors_set_an_authors_profile_and_readers_see_it_at_once(
    client, editor, django_capture_on_commit_callbacks
):
    author = AuthorFactory(name="Ada Writer", slug="ada-writer")
    article = ArticleFactory(authors=[author])
    page(client, article.get_absolute_url())  # cached before the change

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            editor,
            reverse("admin:authors_author_change", args=[author.pk]),
            expertise="Courts, prisons",
            contact="https://ada.example.org/",
            fediverse_handle="@ada@social.example.org",
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert '<meta name="fediverse:creator" content="@ada@social.example.org">' in page(
        client, article.get_absolute_url()
    )
    assert '<a href="https://ada.example.org/">Contact Ada Writer</a>' in page(client, "/authors/ada-writer/")
