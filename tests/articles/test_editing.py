"""Autosave and edit locks (articles/editing.py): who holds an article's lock and for how long,
who may take it over, and the unsaved copy that never touches the article; then the same
through the admin's edit page and its endpoints."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR
from articles import editing
from articles.models import Article, Autosave, EditLock
from newsroom.lib import generations
from tests.articles.editorial_helpers import ADD_URL, article_form, change_url
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture(autouse=True)
def _immediate_tasks(jobs_run_at_once):
    """The emails are background jobs: each runs as soon as it is deferred."""


@pytest.fixture
def draft(writer):
    return ArticleFactory(
        headline="Ferry timetable to change in spring",
        body="<p>The first boat leaves at six.</p>",
        status=Status.DRAFT,
        publish_at=None,
        created_by=writer,
    )


@pytest.fixture
def second_editor(db):
    return UserFactory(email="bea@example.org", display_name="Bea Editor", roles=[EDITOR])


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def take_over_url(article):
    return reverse("admin:articles_article_take_over", args=[article.pk])


# Locks ---------------------------------------------------------------------------------------


def test_the_first_person_to_open_an_article_holds_its_lock_and_the_next_one_does_not(
    draft, editor, second_editor
):
    first = editing.claim_lock(article=draft, user=editor)
    second = editing.claim_lock(article=draft, user=second_editor)

    assert first.user == editor
    assert second.user == editor
    assert editing.lock_held_by_other(article=draft, user=second_editor).user == editor
    assert editing.lock_held_by_other(article=draft, user=editor) is None


def test_a_lock_nobody_renews_lapses_and_the_next_person_gets_it(settings, draft, editor, second_editor):
    settings.EDIT_LOCK_SECONDS = 120
    editing.claim_lock(article=draft, user=editor)

    with time_machine.travel(timezone.now() + timedelta(seconds=119)):
        assert editing.claim_lock(article=draft, user=second_editor).user == editor
    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        lock = editing.claim_lock(article=draft, user=second_editor)

    assert lock.user == second_editor
    assert EditLock.objects.get(article=draft).user == second_editor


def test_renewing_keeps_a_lock_alive_past_its_first_lifetime(settings, draft, editor, second_editor):
    settings.EDIT_LOCK_SECONDS = 120
    start = timezone.now()
    editing.claim_lock(article=draft, user=editor)
    with time_machine.travel(start + timedelta(seconds=100)):
        editing.claim_lock(article=draft, user=editor)
    with time_machine.travel(start + timedelta(seconds=200)):
        assert editing.claim_lock(article=draft, user=second_editor).user == editor


def test_releasing_frees_only_your_own_lock(draft, editor, second_editor):
    editing.claim_lock(article=draft, user=editor)

    editing.release_lock(article=draft, user=second_editor)
    assert editing.lock_held_by_other(article=draft, user=second_editor).user == editor

    editing.release_lock(article=draft, user=editor)
    assert editing.lock_held_by_other(article=draft, user=second_editor) is None
    assert editing.claim_lock(article=draft, user=second_editor).user == second_editor


def test_a_page_that_lost_the_lock_does_not_win_it_back_when_the_taker_leaves(draft, editor, second_editor):
    editing.claim_lock(article=draft, user=editor)
    editing.take_over(article=draft, by=second_editor)
    editing.release_lock(article=draft, user=second_editor)

    assert editing.renew_lock(article=draft, user=editor).user == second_editor
    # Opened afresh, the article is free for them again.
    assert editing.claim_lock(article=draft, user=editor).user == editor


def test_an_editor_takes_over_and_the_previous_editor_is_emailed(
    draft, editor, second_editor, django_capture_on_commit_callbacks
):
    editing.claim_lock(article=draft, user=editor)

    with django_capture_on_commit_callbacks(execute=True):
        previous = editing.take_over(article=draft, by=second_editor)

    assert previous == editor
    assert EditLock.objects.get(article=draft).user == second_editor
    [message] = mail.outbox
    assert message.to == [editor.email]
    assert message.subject.endswith("Taken over: Ferry timetable to change in spring")
    assert "Bea Editor took over editing this article from you" in message.body


def test_taking_over_a_free_lock_tells_nobody(draft, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert editing.take_over(article=draft, by=editor) is None
    assert mail.outbox == []


def test_a_writer_cannot_take_a_published_article_from_an_editor(writer, editor):
    article = ArticleFactory(status=Status.PUBLISHED, created_by=writer)
    editing.claim_lock(article=article, user=editor)

    with pytest.raises(PermissionDenied, match="Only an editor can take it over"):
        editing.take_over(article=article, by=writer)
    assert EditLock.objects.get(article=article).user == editor


def test_an_editor_may_take_a_writers_draft_and_a_writer_an_editors_draft(draft, writer, editor):
    editing.claim_lock(article=draft, user=writer)
    editing.take_over(article=draft, by=editor)
    assert EditLock.objects.get(article=draft).user == editor

    editing.take_over(article=draft, by=writer)
    assert EditLock.objects.get(article=draft).user == writer


# Autosaves -----------------------------------------------------------------------------------


def test_an_autosave_changes_nothing_readers_or_the_history_see(
    draft, writer, django_capture_on_commit_callbacks
):
    before = Article.objects.values().get(pk=draft.pk)
    revisions = draft.history.count()
    site_generation = generations.site_generation()

    with django_capture_on_commit_callbacks(execute=True):
        saved = editing.keep_autosave(
            user=writer, article=draft, fields={"headline": "Ferries to run later", "body": "<p>New text</p>"}
        )

    assert saved.fields == {"headline": "Ferries to run later", "body": "<p>New text</p>"}
    assert Article.objects.values().get(pk=draft.pk) == before
    assert draft.history.count() == revisions
    assert generations.site_generation() == site_generation


def test_one_copy_per_person_and_article_the_latest_text_wins(draft, writer):
    editing.keep_autosave(user=writer, article=draft, fields={"body": "<p>One</p>"})
    editing.keep_autosave(user=writer, article=draft, fields={"body": "<p>Two</p>"})
    editing.keep_autosave(user=writer, article=None, fields={"headline": "A new story"})
    editing.keep_autosave(user=writer, article=None, fields={"headline": "A newer story"})

    assert editing.autosave_of(user=writer, article=draft).fields == {"body": "<p>Two</p>"}
    assert editing.autosave_of(user=writer, article=None).fields == {"headline": "A newer story"}
    assert Autosave.objects.count() == 2


def test_a_copy_that_says_what_the_article_says_is_dropped(draft, writer):
    editing.keep_autosave(user=writer, article=draft, fields={"body": "<p>Changed</p>"})
    editing.keep_autosave(user=writer, article=draft, fields={"body": draft.body})

    assert editing.autosave_of(user=writer, article=draft) is None


# Through the admin: the lock -----------------------------------------------------------------


def test_a_second_editor_finds_the_page_read_only_saying_who_and_since_when(
    client, draft, editor, second_editor
):
    opened = timezone.make_aware(timezone.datetime(2026, 5, 3, 14, 2))
    with time_machine.travel(opened, tick=False):
        client.force_login(editor)
        client.get(change_url(draft))
    client.force_login(second_editor)

    with time_machine.travel(opened + timedelta(minutes=1), tick=False):
        page = client.get(change_url(draft)).content.decode()

    assert "Eddie Editor has been editing this since 14:02." in page
    # The text reads as text, not as its HTML source.
    assert '<div class="readonly-body"><p>' in page
    assert "&lt;p&gt;" not in page
    assert 'name="_save_draft"' not in page
    assert "Take over editing" in page
    assert 'id="autosave-status"' not in page


def test_the_lock_holder_gets_the_ordinary_edit_page(client, draft, editor):
    client.force_login(editor)

    page = client.get(change_url(draft)).content.decode()

    assert 'name="_save_draft"' in page
    assert "has been editing this since" not in page
    assert 'id="autosave-status"' in page
    assert EditLock.objects.get(article=draft).user == editor


def test_a_save_from_someone_without_the_lock_is_refused_and_their_text_kept(
    client, draft, editor, second_editor
):
    editing.claim_lock(article=draft, user=editor)
    client.force_login(second_editor)

    response = client.post(
        change_url(draft),
        article_form(draft, body="<p>Bea's version</p>") | {"_save_draft": "Save draft"},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.body == "<p>The first boat leaves at six.</p>"
    page = response.content.decode()
    assert "Not saved: Eddie Editor has been editing this article since" in page
    assert "Your text is kept as your draft copy" in page
    assert editing.autosave_of(user=second_editor, article=draft).fields["body"] == "<p>Bea's version</p>"


def test_taking_over_moves_the_lock_emails_the_previous_editor_and_their_tab_is_told(
    client, draft, editor, second_editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    client.get(change_url(draft))
    client.force_login(second_editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(take_over_url(draft), follow=True)

    page = response.content.decode()
    assert "You are now editing “Ferry timetable to change in spring”. Eddie Editor has been told" in page
    assert 'name="_save_draft"' in page
    [message] = mail.outbox
    assert message.to == [editor.email]

    client.force_login(editor)
    answer = client.post(autosave_url(draft), {"body": "<p>Eddie's unsaved words</p>"}).json()
    assert answer["state"] == "taken"
    assert answer["message"].startswith("Bea Editor took over editing this article at")
    assert editing.autosave_of(user=editor, article=draft).fields["body"] == "<p>Eddie's unsaved words</p>"


def test_a_writer_asking_to_take_over_an_editors_published_article_is_refused(client, writer, editor):
    article = ArticleFactory(status=Status.PUBLISHED, created_by=writer)
    editing.claim_lock(article=article, user=editor)
    client.force_login(writer)

    response = client.post(take_over_url(article))

    assert response.status_code == 403
    assert EditLock.objects.get(article=article).user == editor


def test_taking_over_is_a_post(client, draft, editor):
    client.force_login(editor)
    assert client.get(take_over_url(draft)).status_code == 405


def test_leaving_the_page_releases_the_lock(client, draft, editor):
    client.force_login(editor)
    client.get(change_url(draft))

    response = client.post(reverse("admin:articles_article_release", args=[draft.pk]))

    assert response.status_code == 204
    assert not editing.is_live(EditLock.objects.get(article=draft))


# Through the admin: autosave and restore -----------------------------------------------------


def test_the_autosave_endpoint_keeps_the_text_and_says_when(client, draft, writer):
    client.force_login(writer)
    client.get(change_url(draft))

    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 5, 3, 14, 2, 30)), tick=False):
        answer = client.post(autosave_url(draft), {"body": "<p>Later boats</p>", "loaded_version": "1"})

    assert answer.status_code == 200
    assert answer.json()["message"] == "Saved as a draft copy at 14:02."
    draft.refresh_from_db()
    assert draft.body == "<p>The first boat leaves at six.</p>"


def test_the_autosave_endpoint_refuses_text_no_article_has_in_plain_words(client, draft, writer):
    client.force_login(writer)

    answer = client.post(autosave_url(draft), {"headline": "x" * 6000})

    assert answer.status_code == 400
    assert answer.json()["message"].startswith("The draft copy was not kept. Headline:")
    assert editing.autosave_of(user=writer, article=draft) is None


def test_the_autosave_endpoint_needs_the_csrf_token(draft, writer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(writer)

    assert strict.post(autosave_url(draft), {"body": "<p>x</p>"}).status_code == 403
    assert editing.autosave_of(user=writer, article=draft) is None


def test_returning_offers_the_unsaved_changes_and_restoring_fills_the_form(client, draft, writer):
    client.force_login(writer)
    editing.keep_autosave(
        user=writer, article=draft, fields={"body": "<p>Boats every hour</p>", "loaded_version": "1"}
    )

    page = client.get(change_url(draft)).content.decode()
    assert "Restore unsaved changes from" in page

    restored = client.get(change_url(draft) + "?restore_autosave=1")
    assert restored.context["adminform"].form.initial["body"] == "<p>Boats every hour</p>"
    assert "are in the form below. Save to keep them." in restored.content.decode()


def test_saving_throws_the_copy_away(client, draft, writer):
    client.force_login(writer)
    editing.keep_autosave(user=writer, article=draft, fields={"body": "<p>Boats every hour</p>"})

    client.post(
        change_url(draft), article_form(draft, body="<p>Boats every hour</p>") | {"_save_draft": "Save"}
    )

    draft.refresh_from_db()
    assert draft.body == "<p>Boats every hour</p>"
    assert editing.autosave_of(user=writer, article=draft) is None


def test_discarding_throws_the_copy_away_and_the_offer_is_gone(client, draft, writer):
    client.force_login(writer)
    editing.keep_autosave(user=writer, article=draft, fields={"body": "<p>Boats every hour</p>"})

    response = client.post(reverse("admin:articles_article_discard", args=[draft.pk]), follow=True)

    assert "Discarded your unsaved changes." in response.content.decode()
    assert "Restore unsaved changes" not in response.content.decode()


def test_a_new_articles_text_is_kept_and_offered_on_the_add_page(client, writer):
    client.force_login(writer)

    client.post(reverse("admin:articles_article_autosave_new"), {"headline": "Bridge to close for repairs"})
    offered = client.get(ADD_URL).content.decode()
    restored = client.get(ADD_URL + "?restore_autosave=1")

    assert "Restore unsaved changes from" in offered
    assert restored.context["adminform"].form.initial["headline"] == "Bridge to close for repairs"


def test_a_writer_cannot_autosave_an_article_they_cannot_change(client, writer, other_writer):
    someone_elses = ArticleFactory(status=Status.DRAFT, publish_at=None, created_by=other_writer)
    client.force_login(writer)

    response = client.post(autosave_url(someone_elses), {"body": "<p>Mine now</p>"})

    assert response.status_code == 403
    assert not Autosave.objects.exists()
    assert not EditLock.objects.exists()
