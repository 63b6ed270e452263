"""The editorial workflow: each transition and each refusal, through the admin's buttons and
bulk actions first, then through the services every other entry point uses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, Correction
from tests.articles.editorial_helpers import (
    ADD_URL,
    CHANGELIST_URL,
    article_form,
    change_url,
    follow_messages,
)
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return SectionFactory(name="Politics", slug="politics")


@pytest.fixture
def author():
    return AuthorFactory(name="Ada Reporter", slug="ada-reporter")


def draft_by(user, **fields):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, **fields)
    Article.objects.filter(pk=article.pk).update(created_by=user)
    article.refresh_from_db()
    return article


def test_a_writer_creates_a_draft_and_sends_it_for_review(client, writer, section, author):
    client.force_login(writer)
    data = article_form(section=section.pk, authors=[author]) | {"_submit_review": "Send for review"}

    response = client.post(ADD_URL, data)

    article = Article.objects.get(slug="council-approves-the-new-library")
    assert follow_messages(client, response) == ["Sent “Council approves the new library” for review."]
    assert article.status == Article.Status.REVIEW
    assert article.created_by == writer
    assert article.history.first().history_change_reason == "Sent for review"


def test_an_editor_publishes_from_the_edit_page_and_readers_see_it(client, editor, section, author):
    article = draft_by(editor, section=section, authors=[author])
    client.force_login(editor)

    response = client.post(change_url(article), article_form(article) | {"_publish": "Publish"})

    assert follow_messages(client, response) == [f"Published “{article.headline}”."]
    article.refresh_from_db()
    assert article.state_label == "Published"
    assert client.get(article.get_absolute_url()).status_code == 200


def test_publishing_without_section_or_author_is_refused_naming_what_is_missing(client, editor):
    client.force_login(editor)

    response = client.post(ADD_URL, article_form() | {"_publish": "Publish"})

    article = Article.objects.get(slug="council-approves-the-new-library")
    assert follow_messages(client, response) == [
        "Saved “Council approves the new library”, but: This article cannot be published without "
        "a section and at least one author."
    ]
    assert article.status == Article.Status.DRAFT


def test_publishing_without_a_headline_or_body_is_refused_naming_both(editor, section, author):
    article = draft_by(editor, section=section, authors=[author], headline="  ", body="<p></p>")

    with pytest.raises(services.WorkflowError, match="without a headline and a body"):
        services.publish_article(article=article, by=editor)

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_future_publish_time_schedules_the_article_instead(client, editor, section, author):
    article = draft_by(editor, section=section, authors=[author])
    when = timezone.now() + timedelta(days=2)
    client.force_login(editor)

    response = client.post(
        change_url(article), article_form(article, publish_at=when) | {"_publish": "Publish"}
    )

    local = timezone.localtime(when)
    assert follow_messages(client, response) == [
        f"Scheduled “{article.headline}” for {local.day} {local:%B %Y, %H:%M}."
    ]
    article.refresh_from_db()
    assert article.state_label == "Scheduled"
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Schedule" in client.get(change_url(article)).content.decode()


def test_withdraw_now_takes_the_article_off_the_site(client, editor, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    client.force_login(editor)
    assert client.get(article.get_absolute_url()).status_code == 200

    # Committed, as in production: the cached copy of the page's article is dropped then.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(article), article_form(article) | {"_withdraw": "Withdraw now"})

    assert follow_messages(client, response) == [f"Withdrew “{article.headline}”; readers no longer see it."]
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert client.get(article.get_absolute_url()).status_code == 404


def test_an_article_in_review_goes_back_to_draft(client, writer, section):
    article = draft_by(writer, section=section)
    services.submit_for_review(article=article, by=writer)
    client.force_login(writer)

    response = client.post(change_url(article), article_form(article) | {"_back_to_draft": "Back to draft"})

    assert follow_messages(client, response) == [f"“{article.headline}” is a draft again."]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_an_editor_takes_a_scheduled_article_off_the_schedule(client, editor):
    article = ArticleFactory(publish_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)

    response = client.post(change_url(article), article_form(article) | {"_back_to_draft": "Take off"})

    follow_messages(client, response)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.first_published_at is None


def test_a_withdrawn_article_can_be_published_again(client, editor):
    article = ArticleFactory()
    services.withdraw_article(article=article, by=editor)
    client.force_login(editor)

    response = client.post(change_url(article), article_form(article) | {"_publish": "Publish again"})

    follow_messages(client, response)
    article.refresh_from_db()
    assert article.is_published
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_writer_cannot_publish_even_by_posting_the_button(client, writer, section, author):
    article = draft_by(writer, section=section, authors=[author])
    client.force_login(writer)
    page = client.get(change_url(article)).content.decode()
    assert 'name="_publish"' not in page

    response = client.post(change_url(article), article_form(article) | {"_publish": "Publish"})

    assert follow_messages(client, response) == [
        f"Saved “{article.headline}”, but: Only editors can publish."
    ]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_the_state_cannot_be_set_through_the_form(client, writer, section, author):
    article = draft_by(writer, section=section, authors=[author])
    client.force_login(writer)

    client.post(change_url(article), article_form(article) | {"status": "published", "_save_draft": "Save"})

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_bulk_publish_publishes_what_is_ready_and_says_why_the_rest_was_refused(client, editor, section):
    ready = draft_by(editor, section=section, headline="Ready to go")
    no_author = draft_by(editor, section=section, headline="Nobody wrote this", authors=[])
    live = ArticleFactory(headline="Already out")
    client.force_login(editor)

    response = client.post(
        CHANGELIST_URL,
        {"action": "publish_selected", "_selected_action": [ready.pk, no_author.pk, live.pk]},
    )

    assert follow_messages(client, response) == [
        "Published or scheduled 1 article.",
        "Not published: “Nobody wrote this”: This article cannot be published without at least one author.",
        "Not published: “Already out”: This article is already published.",
    ]
    ready.refresh_from_db()
    no_author.refresh_from_db()
    assert ready.is_published
    assert no_author.status == Article.Status.DRAFT


def test_bulk_withdraw_withdraws_published_articles_and_refuses_drafts(client, editor, section):
    live = ArticleFactory(headline="Out now")
    draft = draft_by(editor, section=section, headline="Still a draft")
    client.force_login(editor)

    response = client.post(
        CHANGELIST_URL, {"action": "withdraw_selected", "_selected_action": [live.pk, draft.pk]}
    )

    assert follow_messages(client, response) == [
        "Withdrew 1 article.",
        "Not withdrawn: “Still a draft”: Only a published or scheduled article can be withdrawn.",
    ]
    assert client.get(live.get_absolute_url()).status_code == 404


def test_writers_are_not_offered_the_bulk_publish_action(client, writer):
    draft = draft_by(writer)
    client.force_login(writer)

    page = client.get(CHANGELIST_URL).content.decode()
    client.post(CHANGELIST_URL, {"action": "publish_selected", "_selected_action": [draft.pk]})

    assert "publish_selected" not in page
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


@pytest.mark.parametrize(
    ("transition", "state", "refusal"),
    [
        (services.submit_for_review, "published", "Only a draft can be sent for review"),
        (services.send_back_to_draft, "draft", "Only an article in review, scheduled or withdrawn"),
        (services.withdraw_article, "draft", "Only a published or scheduled article can be withdrawn"),
        (services.publish_article, "published", "already published"),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused(editor, transition, state, refusal):
    article = ArticleFactory(status=state, publish_at=None if state == "draft" else timezone.now())

    with pytest.raises(services.WorkflowError, match=refusal):
        transition(article=article, by=editor)


def test_every_transition_is_a_revision_naming_who_and_why(editor, section, author):
    article = draft_by(editor, section=section, authors=[author])

    services.submit_for_review(article=article, by=editor)
    services.publish_article(article=article, by=editor)
    services.withdraw_article(article=article, by=editor)

    reasons = list(
        article.history.order_by("history_date").values_list("history_change_reason", "history_user")
    )
    assert reasons[-3:] == [
        ("Sent for review", editor.pk),
        ("Published", editor.pk),
        ("Withdrawn", editor.pk),
    ]


# Corrections ------------------------------------------------------------------------------


def test_an_editor_appends_a_signed_correction_to_a_published_article(client, editor):
    article = ArticleFactory()
    client.force_login(editor)

    response = client.post(
        change_url(article),
        article_form(article, corrections=["The vote was on Tuesday, not Monday."]) | {"_save_draft": "Save"},
    )

    follow_messages(client, response)
    correction = Correction.objects.get(article=article)
    assert correction.text == "The vote was on Tuesday, not Monday."
    assert correction.created_by == editor
    assert "The vote was on Tuesday, not Monday." in client.get(article.get_absolute_url()).content.decode()


def test_drafts_have_no_corrections_and_the_service_refuses_them(client, editor):
    article = draft_by(editor)
    client.force_login(editor)

    page = client.get(change_url(article)).content.decode()

    assert "corrections-TOTAL_FORMS" not in page
    with pytest.raises(services.WorkflowError, match="Corrections are for published articles"):
        services.add_correction(article=article, text="Fixed a name.", by=editor)
