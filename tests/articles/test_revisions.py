"""Revisions: every save is kept with who and when; editors compare two and restore one."""

import pytest
from django.urls import reverse

from articles import services
from articles.admin_views import body_diff
from articles.models import Article
from tests.articles.editorial_helpers import article_form, change_url, follow_messages
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

FIRST_BODY = (
    "<p>The council met on Tuesday.</p><p>A vote is expected next month.</p><p>Residents objected.</p>"
)
SECOND_BODY = (
    "<p>The council met on Wednesday.</p><p>A vote is expected next month.</p><p>A new paragraph.</p>"
)


@pytest.fixture
def edited_article(client, editor):
    """An article saved twice through the admin by the editor: a new headline and body."""
    article = ArticleFactory(headline="Council meets", body=FIRST_BODY, status="draft", publish_at=None)
    client.force_login(editor)
    follow_messages(
        client,
        client.post(
            change_url(article), article_form(article, headline="Council meets again", body=SECOND_BODY)
        ),
    )
    article.refresh_from_db()
    return article


def test_every_save_keeps_a_revision_with_who_and_when(edited_article, editor, client):
    page = client.get(reverse("admin:articles_article_history", args=[edited_article.pk])).content.decode()

    revisions = list(edited_article.history.order_by("history_date"))
    assert [revision.headline for revision in revisions] == ["Council meets", "Council meets again"]
    assert revisions[-1].history_user == editor
    assert "Eddie Editor" in page
    assert "Headline, Body" in page or "Body, Headline" in page


def test_comparing_two_revisions_shows_each_changed_field_and_a_readable_body_diff(client, edited_article):
    older, newer = edited_article.history.order_by("history_date")

    response = client.get(
        reverse("admin:articles_article_compare", args=[edited_article.pk]),
        {"older": older.pk, "newer": newer.pk},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<del>Council meets</del>" in page
    assert "<ins>Council meets again</ins>" in page
    assert "<del>Tuesday.</del><ins>Wednesday.</ins>" in page
    assert "<del>Residents objected.</del>" in page
    assert "<ins>A new paragraph.</ins>" in page
    assert "A vote is expected next month." in page
    assert "<p>" not in page.split("Body</h2>")[1].split("body-diff")[0]  # no raw markup shown


def test_the_comparison_defaults_to_the_latest_two_and_orders_any_pair(client, edited_article):
    older, newer = edited_article.history.order_by("history_date")
    url = reverse("admin:articles_article_compare", args=[edited_article.pk])

    default = client.get(url)
    swapped = client.get(url, {"older": newer.pk, "newer": older.pk})

    assert default.context["older"]["revision"] == older
    assert swapped.context["older"]["revision"] == older
    assert swapped.context["newer"]["revision"] == newer


def test_a_revision_of_another_article_is_not_found(client, edited_article):
    other = ArticleFactory()

    response = client.get(
        reverse("admin:articles_article_compare", args=[edited_article.pk]),
        {"older": other.history.first().pk},
    )

    assert response.status_code == 404


def test_restoring_a_revision_brings_its_content_back_as_a_new_revision(client, edited_article, editor):
    older = edited_article.history.order_by("history_date").first()

    response = client.post(reverse("admin:articles_article_restore", args=[edited_article.pk, older.pk]))

    messages = follow_messages(client, response)
    assert messages[0].startswith("Restored the revision of")
    edited_article.refresh_from_db()
    assert edited_article.headline == "Council meets"
    assert "Tuesday" in edited_article.body
    newest = edited_article.history.order_by("-history_date").first()
    assert newest.history_change_reason.startswith("Restored the revision of")
    assert newest.history_user == editor
    assert edited_article.history.count() == 3


def test_restoring_keeps_the_workflow_state(client, editor):
    article = ArticleFactory(headline="First wording", status="draft", publish_at=None)
    first = article.history.first()
    services.publish_article(article=article, by=editor)
    client.force_login(editor)

    client.post(reverse("admin:articles_article_restore", args=[article.pk, first.pk]))

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published


def test_restoring_an_old_slug_taken_by_another_article_is_refused(client, editor):
    article = ArticleFactory(slug="budget-vote")
    first = article.history.first()
    article.slug = "budget-vote-delayed"
    article.save()
    ArticleFactory(slug="budget-vote")
    client.force_login(editor)

    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, first.pk]))

    assert follow_messages(client, response) == [
        "The revision's slug “budget-vote” is now used by another article; change that one first."
    ]
    article.refresh_from_db()
    assert article.slug == "budget-vote-delayed"


def test_a_deleted_section_is_not_restored(editor):
    old_section, new_section = SectionFactory(), SectionFactory()
    article = ArticleFactory(section=old_section, status="draft", publish_at=None)
    first = article.history.first()
    article.section = new_section
    article.save()
    old_section_id = old_section.pk
    old_section.delete()

    # The first revision still names the deleted section.
    gone = services.restore_revision(article=article, revision=first, by=editor)

    article.refresh_from_db()
    assert first.section_id == old_section_id
    assert article.section == new_section
    assert gone == ["section"]


def test_simple_historys_revert_form_cannot_save(client, edited_article):
    older = edited_article.history.order_by("history_date").first()
    url = reverse("admin:articles_article_simple_history", args=[edited_article.pk, older.pk])

    shown = client.get(url)
    posted = client.post(url, article_form(edited_article, headline="Sneaky"))

    assert shown.status_code == 302
    assert shown["Location"].startswith(reverse("admin:articles_article_compare", args=[edited_article.pk]))
    assert posted.status_code == 403
    edited_article.refresh_from_db()
    assert edited_article.headline == "Council meets again"


def test_the_body_diff_folds_long_unchanged_stretches():
    paragraphs = "".join(f"<p>Paragraph {n}.</p>" for n in range(10))

    rows = body_diff(paragraphs, paragraphs + "<p>The end.</p>")

    assert ("folded", "8 unchanged paragraphs") in rows
    assert rows[-1] == ("added", "The end.")
