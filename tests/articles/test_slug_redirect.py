"""A changed slug keeps the old address working with a permanent redirect."""

import pytest

from articles.models import SlugRedirect
from tests.articles.editorial_helpers import article_form, change_url, follow_messages
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_the_old_address_answers_301_to_the_new_one_after_an_edit_in_the_admin(client, editor):
    article = ArticleFactory(slug="council-budget-vote")
    old_url = article.get_absolute_url()
    client.force_login(editor)

    follow_messages(
        client, client.post(change_url(article), article_form(article, slug="council-budget-vote-delayed"))
    )
    client.logout()

    article.refresh_from_db()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_every_earlier_slug_leads_to_the_current_address(client):
    article = ArticleFactory(slug="first-slug")
    first_url = article.get_absolute_url()
    for slug in ("second-slug", "third-slug"):
        article.slug = slug
        article.save()

    response = client.get(first_url)

    assert response.status_code == 301
    assert response["Location"].endswith("/third-slug/")


def test_going_back_to_an_earlier_slug_leaves_no_redirect_loop(client):
    article = ArticleFactory(slug="original")
    article.slug = "renamed"
    article.save()
    article.slug = "original"
    article.save()

    assert client.get(article.get_absolute_url()).status_code == 200
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["renamed"]


def test_an_old_address_of_an_unpublished_article_is_not_found(client, editor):
    article = ArticleFactory(slug="pulled-story")
    old_url = article.get_absolute_url()
    article.slug = "pulled-story-renamed"
    article.status = "withdrawn"
    article.save()

    assert client.get(old_url).status_code == 404
