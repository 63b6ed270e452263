"""Previews: the reader's page before publication, from the admin and through a signed link
that works without login and expires."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.preview import preview_token
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return ArticleFactory(
        headline="Secret plans for the harbour",
        status="draft",
        publish_at=None,
        authors=[AuthorFactory(name="Ada Byline")],
    )


def share_link(client, editor, article):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_share_preview", args=[article.pk]))
    assert response.status_code == 200
    link = response.context["preview_url"]
    client.logout()
    return urlsplit(link).path


def test_an_editor_previews_a_draft_as_readers_will_see_it(client, editor, draft):
    client.force_login(editor)

    response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "articles/detail.html"
    assert "Secret plans for the harbour" in page
    assert "Ada Byline" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_shared_link_shows_the_draft_without_login(client, editor, draft):
    link = share_link(client, editor, draft)

    response = client.get(link)

    assert response.status_code == 200
    assert "Secret plans for the harbour" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_shared_link_expires_after_the_configured_hours(client, editor, draft, settings):
    settings.ARTICLE_PREVIEW_MAX_AGE_HOURS = 2
    link = share_link(client, editor, draft)

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=59)):
        assert client.get(link).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        expired = client.get(link)

    assert expired.status_code == 403
    assert "This preview link has expired" in expired.content.decode()
    assert "Secret plans" not in expired.content.decode()


def test_the_link_lasts_48_hours_by_default(client, editor, draft):
    link = share_link(client, editor, draft)

    with time_machine.travel(timezone.now() + timedelta(hours=47)):
        assert client.get(link).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert client.get(link).status_code == 403


def test_a_tampered_link_is_not_found(client, draft):
    other = ArticleFactory(status="draft", publish_at=None, headline="Another secret")
    token = preview_token(draft)
    forged = f"{other.pk}{token[len(str(draft.pk)) :]}"

    response = client.get(reverse("article-preview", args=[forged]))

    assert response.status_code == 404
    assert "This preview link is not valid" in response.content.decode()
    assert "Another secret" not in response.content.decode()


def test_a_link_to_a_deleted_article_says_so(client, draft):
    token = preview_token(draft)
    draft.delete()

    response = client.get(reverse("article-preview", args=[token]))

    assert response.status_code == 404
    assert "no longer available" in response.content.decode()


def test_the_share_page_names_when_the_link_expires(client, editor, draft):
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_share_preview", args=[draft.pk])).content.decode()

    expiry = timezone.localtime(timezone.now() + timedelta(hours=48))
    assert f"{expiry.day} {expiry:%B %Y}" in page
    assert "/preview/" in page
