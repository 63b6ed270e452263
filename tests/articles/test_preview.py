"""Previews: the reader's page before publication, from the admin and through a signed link
that works without login and expires."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import services
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
    assert "articles/detail.html" in [template.name for template in response.templates]
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


# Which states a link shows ----------------------------------------------------------------


def article_text_in(response, article):
    page = response.content.decode()
    return article.headline in page or "The council met on Tuesday" in page


@pytest.mark.parametrize(
    "state",
    [
        {"status": "draft", "publish_at": None},
        {"status": "review", "publish_at": None},
        {"status": "published", "publish_at": timezone.now() + timedelta(days=2)},  # scheduled
    ],
    ids=["draft", "in review", "scheduled"],
)
def test_a_link_shows_an_article_an_editor_still_previews(client, state):
    article = ArticleFactory(headline="Harbour plan before publication", **state)

    response = client.get(reverse("article-preview", args=[preview_token(article)]))

    assert response.status_code == 200
    assert article_text_in(response, article)


@pytest.mark.parametrize("hours_from_now", [-1, 24], ids=["published", "scheduled"])
def test_withdrawing_the_article_revokes_its_links(client, editor, hours_from_now):
    article = ArticleFactory(
        headline="Harbour plan, to be pulled", publish_at=timezone.now() + timedelta(hours=hours_from_now)
    )
    links = [reverse("article-preview", args=[preview_token(article)]) for _ in range(2)]

    services.withdraw_article(article=article, by=editor)

    for link in links:
        response = client.get(link)
        assert response.status_code == 410
        assert "This preview link is no longer valid" in response.content.decode()
        assert not article_text_in(response, article)
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_revoked_link_stays_revoked_when_the_article_goes_back_to_draft(client, editor):
    article = ArticleFactory(headline="Harbour plan, pulled and reworked")
    old_link = reverse("article-preview", args=[preview_token(article)])
    services.withdraw_article(article=article, by=editor)
    services.send_back_to_draft(article=article, by=editor)

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        revoked = client.get(old_link)
        new_link = reverse("article-preview", args=[preview_token(article)])
        fresh = client.get(new_link)

    assert revoked.status_code == 410
    assert not article_text_in(revoked, article)
    assert fresh.status_code == 200
    assert article_text_in(fresh, article)


def test_a_scheduled_withdrawal_revokes_the_links_when_it_comes(client, editor):
    article = ArticleFactory(headline="Harbour plan, scheduled to come down", is_premium=True)
    link = reverse("article-preview", args=[preview_token(article)])
    services.withdraw_article(article=article, by=editor, at=timezone.now() + timedelta(hours=3))

    before = client.get(link)
    with time_machine.travel(timezone.now() + timedelta(hours=4)):
        after = client.get(link)

    # Still published: the link leads to the public page, which shows what the reader may see.
    assert before.status_code == 302
    assert before["Location"] == article.get_absolute_url()
    assert after.status_code == 410
    assert not article_text_in(after, article)


def test_after_publication_a_link_leads_to_the_public_page(client, editor, draft):
    link = share_link(client, editor, draft)
    services.publish_article(article=draft, by=editor)

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_edits_and_a_new_slug_keep_the_link_on_the_latest_draft(client, editor, draft):
    link = share_link(client, editor, draft)
    draft.headline = "Revised plans for the harbour"
    draft.slug = "revised-plans-for-the-harbour"
    draft.save()

    response = client.get(link)

    assert response.status_code == 200
    assert "Revised plans for the harbour" in response.content.decode()


def test_the_share_page_warns_that_a_withdrawn_articles_link_shows_nothing(client, editor):
    article = ArticleFactory(headline="Harbour plan, withdrawn")
    services.withdraw_article(article=article, by=editor)
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_share_preview", args=[article.pk])).content.decode()

    assert "This article is withdrawn: the link shows nothing while it stays withdrawn." in page
