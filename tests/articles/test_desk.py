"""The desk: who is emailed as an article moves through the workflow (articles/notifications.py),
what each member of staff finds on the admin's home page (newsroom/dashboard.py), and the
moderator's way to the queue from the site's header."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.roles import EDITOR
from articles import services
from articles.models import Article
from comments.models import Comment
from tests.admin_forms import submit_change_form
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(jobs_run_at_once):
    """The emails are background jobs: each runs as soon as it is deferred."""


def to(address):
    return [message for message in mail.outbox if message.to == [address]]


@pytest.fixture
def draft(writer):
    return ArticleFactory(
        headline="Ferry timetable to change in spring", status=Article.Status.DRAFT, publish_at=None,
        created_by=writer, authors=[writer.author_profile],
    )  # fmt: skip


# Notifications -------------------------------------------------------------------------------


def test_sending_for_review_emails_every_editor_once_with_a_link_to_the_article(
    draft, writer, editor, django_capture_on_commit_callbacks
):
    other_editor = UserFactory(email="second-editor@example.org", roles=[EDITOR])

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_review(article=draft, by=writer)

    for address in (editor.email, other_editor.email):
        [message] = to(address)
        assert message.subject == "[The Civic Ledger] For review: Ferry timetable to change in spring"
        assert "Wendy Writer sent an article in" in message.body
        assert f"/admin/articles/article/{draft.pk}/change/" in message.body
    assert to(writer.email) == []


def test_a_section_with_desk_editors_tells_only_them(
    draft, writer, editor, django_capture_on_commit_callbacks
):
    desk_editor = UserFactory(email="politics-desk@example.org", roles=[EDITOR])
    draft.section.desk_editors.add(desk_editor)

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_review(article=draft, by=writer)

    assert len(to(desk_editor.email)) == 1
    assert to(editor.email) == []


def test_a_return_to_draft_tells_the_writer_with_the_editors_note(
    draft, writer, editor, django_capture_on_commit_callbacks
):
    services.submit_for_review(article=draft, by=writer)

    with django_capture_on_commit_callbacks(execute=True):
        services.send_back_to_draft(
            article=draft, by=editor, note="Check the dates with the port.\nThen resend."
        )

    [message] = to(writer.email)
    assert message.subject == "[The Civic Ledger] Back to you: Ferry timetable to change in spring"
    assert "Eddie Editor returned your article to draft. Their note is below." in message.body
    assert "Check the dates with the port." in message.body
    assert "Check the dates with the port." in message.alternatives[0][0]


def test_publishing_and_scheduling_tell_the_authors_but_not_the_editor_who_did_it(
    draft, writer, editor, django_capture_on_commit_callbacks
):
    editor_author = AuthorFactory(name="Eddie Editor", user=editor)
    draft.bylines.create(author=editor_author, position=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_article(article=draft, by=editor, at=timezone.now() + timedelta(hours=3))

    [message] = to(writer.email)
    assert message.subject == "[The Civic Ledger] Scheduled: Ferry timetable to change in spring"
    assert "Eddie Editor scheduled your article for" in message.body
    assert to(editor.email) == []


def test_a_transition_that_fails_tells_nobody(draft, writer, editor, django_capture_on_commit_callbacks):
    draft.headline = ""  # not fit for publication
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.WorkflowError):
        services.publish_article(article=draft, by=editor)

    assert mail.outbox == []


def test_the_editor_writes_a_note_when_sending_an_article_back_from_the_admin(
    draft, writer, editor, django_capture_on_commit_callbacks
):
    services.submit_for_review(article=draft, by=writer)
    url = f"/admin/articles/article/{draft.pk}/change/"

    with django_capture_on_commit_callbacks(execute=True):
        submit_change_form(editor, url, _back_to_draft="Back to draft", _return_note="Needs a second source.")

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    [message] = to(writer.email)
    assert "Needs a second source." in message.body


def test_a_writer_is_not_offered_a_note_field(client, draft, writer):
    services.submit_for_review(article=draft, by=writer)
    client.force_login(writer)

    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()

    assert 'name="_return_note"' not in page


# The desk page -------------------------------------------------------------------------------


def test_a_writer_sees_their_drafts_and_the_note_of_one_that_came_back(client, draft, writer, editor):
    other = ArticleFactory(headline="Someone else's draft", status=Article.Status.DRAFT, publish_at=None)
    services.submit_for_review(article=draft, by=writer)
    services.send_back_to_draft(article=draft, by=editor, note="Needs a second source.")
    client.force_login(writer)

    html = client.get("/admin/").content.decode()

    assert "My drafts (1)" in html
    assert "Ferry timetable to change in spring" in html
    assert "came back" in html
    assert "from Eddie Editor" in html
    assert "Needs a second source." in html
    assert other.headline not in html
    assert "Waiting for review" not in html  # a writer is not an editor
    assert "Moderation queue" not in html


# At noon, so that "five minutes ago" is this morning and "in 20 hours" is tomorrow, whenever
# the suite runs.
@time_machine.travel(timezone.localtime().replace(hour=12, minute=0), tick=True)
def test_an_editor_sees_what_waits_oldest_first_with_who_sent_it(client, writer, editor):
    older = ArticleFactory(
        headline="Older story", status=Article.Status.DRAFT, publish_at=None, created_by=writer
    )
    newer = ArticleFactory(
        headline="Newer story", status=Article.Status.DRAFT, publish_at=None, created_by=writer
    )
    services.submit_for_review(article=older, by=writer)
    services.submit_for_review(article=newer, by=writer)
    ArticleFactory(headline="Going out tomorrow", publish_at=timezone.now() + timedelta(hours=20))
    ArticleFactory(headline="Going out next week", publish_at=timezone.now() + timedelta(days=7))
    ArticleFactory(headline="Out this morning", publish_at=timezone.now() - timedelta(minutes=5))
    CorrectionFactory(article=ArticleFactory(headline="Corrected story"), text="A date was wrong.")
    client.force_login(editor)

    html = client.get("/admin/").content.decode()

    assert "Waiting for review (2)" in html
    assert html.index("Older story") < html.index("Newer story")
    assert "by Wendy Writer" in html
    assert "Going out tomorrow" in html
    assert "Going out next week" not in html
    assert "Out this morning" in html
    assert "Corrections today (1)" in html
    assert 'href="/admin/articles/frontpage/">Arrange the front page</a>' in html


def test_a_moderator_sees_the_queue_counts_linking_to_each_tab(client, moderator):
    article = ArticleFactory()
    Comment(
        article=article, content_object=article, site_id=1, user_name="Visitor",
        user_email="v@example.org", comment="Waiting.", is_public=False, held_reason="new",
    ).save()  # fmt: skip
    client.force_login(moderator)

    html = client.get("/admin/").content.decode()

    assert '<span class="desk__count">1</span> held comment</a>' in html
    assert 'href="/comments/moderation/?tab=held"' in html
    assert "My drafts" not in html


def test_the_desk_costs_the_same_few_queries_however_many_articles(
    client, writer, editor, django_assert_max_num_queries
):
    chief = UserFactory(email="both@example.org", roles=[EDITOR], is_staff=True)
    for number in range(20):
        article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=chief)
        services.submit_for_review(article=article, by=chief)
        ArticleFactory(publish_at=timezone.now() + timedelta(hours=1 + number))
    client.force_login(chief)
    client.get("/admin/")

    with django_assert_max_num_queries(30):
        assert client.get("/admin/").status_code == 200


# The header ----------------------------------------------------------------------------------


def test_a_moderator_reaches_the_queue_and_the_desk_from_the_header(client, moderator, reader):
    client.force_login(moderator)
    bar = client.get("/accounts/bar/").content.decode()
    assert '<a href="/comments/moderation/">Moderation queue</a>' in bar
    assert '<a href="/admin/">Desk</a>' in bar

    client.force_login(reader)
    bar = client.get("/accounts/bar/").content.decode()
    assert "Moderation queue" not in bar
    assert "Desk" not in bar
