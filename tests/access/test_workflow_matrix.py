"""The role matrix of the buttons and staff pages outside the admin's generic ones: the
article workflow buttons, the moderation queue and its decisions, the commenter record and
the moderation log, and a reader's own comment, each for every kind of person.

Each cell says what the person is answered and whether the change happened:
  done: the page answers (200, or a redirect onward) and the change is made
  ok: the page answers, nothing is changed (a writer's "Publish" saves the draft, no more)
  denied: 403, nothing changed; login: sent to sign in, nothing changed.
Revisions (compare, restore), previews and the bulk publish action are in
tests/articles/test_roles.py; every admin model's pages in test_admin_matrix.py.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR
from articles import editing
from articles.models import Article, Autosave, EditLock
from comments.models import Comment, Suspension
from tests.access.builders import _reason
from tests.access.conftest import PERSONAS
from tests.articles.editorial_helpers import article_form, change_url
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Article.Status
OUTSIDERS = {"anonymous": "login", "reader": "login", "subscriber": "login"}


def row(**cells):
    """One case's cells: the three people without admin access are sent to sign in unless
    the case says otherwise."""
    return OUTSIDERS | cells


EXPECTED = {
    "submit a writer's draft for review": row(
        writer="done", editor="done", moderator="denied", superuser="done"
    ),
    "return a writer's article from review to draft": row(
        writer="done", editor="done", moderator="denied", superuser="done"
    ),
    "publish a writer's draft now": row(writer="ok", editor="done", moderator="denied", superuser="done"),
    "schedule a writer's draft": row(writer="ok", editor="done", moderator="denied", superuser="done"),
    "withdraw a writer's published article": row(
        writer="denied", editor="done", moderator="denied", superuser="done"
    ),
    "withdraw articles with the bulk action": row(
        writer="ok", editor="done", moderator="denied", superuser="done"
    ),
    # Edit locks (articles/editing.py): a published article an editor is working on stays theirs.
    "take over an editor's edit lock on a published article": row(
        writer="denied", editor="done", moderator="denied", superuser="done"
    ),
    "autosave another writer's draft": row(
        writer="denied", editor="done", moderator="denied", superuser="done"
    ),
    "open the moderation queue": row(
        reader="denied", subscriber="denied",
        writer="denied", editor="denied", moderator="done", superuser="done",
    ),
    "approve a held comment": row(
        reader="denied", subscriber="denied",
        writer="denied", editor="denied", moderator="done", superuser="done",
    ),
    "remove two comments at once, naming the rule broken": row(
        reader="denied", subscriber="denied",
        writer="denied", editor="denied", moderator="done", superuser="done",
    ),
    "clear a flagged comment, leaving it as it is": row(
        reader="denied", subscriber="denied",
        writer="denied", editor="denied", moderator="done", superuser="done",
    ),
    "suspend a commenter from their record": row(
        reader="denied", subscriber="denied",
        writer="denied", editor="denied", moderator="done", superuser="done",
    ),
    "read the moderation log": row(
        reader="denied", subscriber="denied",
        writer="denied", editor="done", moderator="done", superuser="done",
    ),
    # Object level: a comment belongs to its author alone, whoever else you are.
    "edit another reader's comment": row(
        reader="denied", subscriber="denied", writer="denied", editor="denied",
        moderator="denied", superuser="denied",
    ),
    "delete another reader's comment": row(
        reader="denied", subscriber="denied", writer="denied", editor="denied",
        moderator="denied", superuser="denied",
    ),
}  # fmt: skip


# Each case sets up, acts through HTTP, and returns (response, whether the change happened).


def _draft(writer, **fields):
    return ArticleFactory(status=Status.DRAFT, publish_at=None, created_by=writer, **fields)


def _press(client, article, button, **fields):
    return client.post(change_url(article), article_form(article, **fields) | {button: button})


def submit(client, writer):
    article = _draft(writer)
    response = _press(client, article, "_submit_review")
    article.refresh_from_db()
    return response, article.status == Status.REVIEW


def back_to_draft(client, writer):
    article = _draft(writer)
    Article.objects.filter(pk=article.pk).update(status=Status.REVIEW)
    article.refresh_from_db()
    response = _press(client, article, "_back_to_draft")
    article.refresh_from_db()
    return response, article.status == Status.DRAFT


def publish(client, writer):
    article = _draft(writer)
    response = _press(client, article, "_publish")
    article.refresh_from_db()
    return response, article.is_published


def schedule(client, writer):
    article = _draft(writer)
    tomorrow = timezone.now() + timedelta(days=1)
    response = _press(client, article, "_publish", publish_at=tomorrow)
    article.refresh_from_db()
    return response, article.status == Status.PUBLISHED and article.publish_at > timezone.now()


def withdraw(client, writer):
    article = ArticleFactory(created_by=writer)
    response = _press(client, article, "_withdraw")
    article.refresh_from_db()
    return response, article.status == Status.WITHDRAWN


def bulk_withdraw(client, writer):
    articles = [ArticleFactory(created_by=writer), ArticleFactory(created_by=writer)]
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "withdraw_selected", "_selected_action": [a.pk for a in articles]},
    )
    return response, all(
        status == Status.WITHDRAWN
        for status in Article.objects.filter(pk__in=[a.pk for a in articles]).values_list("status", flat=True)
    )


def take_over_lock(client, writer):
    article = ArticleFactory(created_by=writer)
    holder = UserFactory(display_name="Holly Holder", roles=[EDITOR])
    editing.claim_lock(article=article, user=holder)
    response = client.post(reverse("admin:articles_article_take_over", args=[article.pk]))
    return response, EditLock.objects.get(article=article).user != holder


def autosave_others_draft(client, writer):
    article = _draft(UserFactory(roles=["Writer"]))
    response = client.post(
        reverse("admin:articles_article_autosave", args=[article.pk]), {"body": "<p>Words of my own.</p>"}
    )
    return response, Autosave.objects.filter(article=article).exists()


def _held():
    comment = CommentFactory()
    Comment.objects.filter(pk=comment.pk).update(is_public=False, published_at=None, held_reason="new")
    return comment


def open_queue(client, writer):
    comment = _held()
    response = client.get(reverse("comments:moderation-queue"))
    return response, response.status_code == 200 and comment.comment in response.content.decode()


def approve(client, writer):
    comment = _held()
    response = client.post(reverse("comments:moderation-decide"), {"single": f"approve:{comment.pk}"})
    comment.refresh_from_db()
    return response, comment.is_public


def remove_two(client, writer):
    comments = [CommentFactory(), CommentFactory()]
    reason = _reason()
    response = client.post(
        reverse("comments:moderation-decide"),
        {"action": "remove", "comments": [c.pk for c in comments], "reason": reason.pk},
    )
    removed = Comment.objects.filter(pk__in=[c.pk for c in comments], is_removed=True, removal_reason=reason)
    return response, removed.count() == 2


def clear_flag(client, writer):
    comment = CommentFactory()
    Comment.objects.filter(pk=comment.pk).update(needs_review=True)
    response = client.post(reverse("comments:moderation-decide"), {"single": f"review:{comment.pk}"})
    comment.refresh_from_db()
    return response, not comment.needs_review


def suspend(client, writer):
    commenter = UserFactory()
    url = reverse("comments:moderation-commenter", kwargs={"user_id": commenter.pk})
    page = client.get(url)
    response = client.post(url, {"duration": "7", "reason": "Spamming links.", "clause": _reason().pk})
    if page.status_code != response.status_code and response.status_code != 302:
        return page, False
    return response, Suspension.objects.filter(user=commenter).exists()


def read_log(client, writer):
    response = client.get(reverse("comments:moderation-log"))
    return response, response.status_code == 200


def edit_others_comment(client, writer):
    comment = CommentFactory(comment="My own words.")
    url = reverse("comments:edit", kwargs={"comment_id": comment.pk})
    page = client.get(url)
    response = client.post(url, {"comment": "Words put in my mouth."})
    assert page.status_code == response.status_code
    comment.refresh_from_db()
    return response, comment.comment != "My own words."


def delete_others_comment(client, writer):
    comment = CommentFactory(comment="My own words.")
    url = reverse("comments:delete", kwargs={"comment_id": comment.pk})
    page = client.get(url)
    response = client.post(url)
    assert page.status_code == response.status_code
    comment.refresh_from_db()
    return response, comment.deleted_at is not None


CASES = {
    "submit a writer's draft for review": submit,
    "return a writer's article from review to draft": back_to_draft,
    "publish a writer's draft now": publish,
    "schedule a writer's draft": schedule,
    "withdraw a writer's published article": withdraw,
    "withdraw articles with the bulk action": bulk_withdraw,
    "take over an editor's edit lock on a published article": take_over_lock,
    "autosave another writer's draft": autosave_others_draft,
    "open the moderation queue": open_queue,
    "approve a held comment": approve,
    "remove two comments at once, naming the rule broken": remove_two,
    "clear a flagged comment, leaving it as it is": clear_flag,
    "suspend a commenter from their record": suspend,
    "read the moderation log": read_log,
    "edit another reader's comment": edit_others_comment,
    "delete another reader's comment": delete_others_comment,
}


def answer_of(response):
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith((reverse("admin:login"), reverse("account_login"))):
        return "login"
    if response.status_code == 403:
        return "denied"
    assert response.status_code in {200, 302}, f"unexpected status {response.status_code}"
    return "ok"


def test_the_workflow_matrix_has_a_cell_for_every_case_and_person(capsys):
    assert set(EXPECTED) == set(CASES)
    assert all(set(cells) == set(PERSONAS) for cells in EXPECTED.values())
    with capsys.disabled():
        print(f"\nworkflow role matrix: {len(CASES)} actions × {len(PERSONAS)} personas = "
              f"{len(CASES) * len(PERSONAS)} cells")  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", list(CASES))
def test_each_person_may_do_only_what_their_role_allows(client, sign_in, writer, case, persona):
    sign_in(persona)

    response, happened = CASES[case](client, writer)

    expected = EXPECTED[case][persona]
    answer = answer_of(response)
    assert (answer, happened) == ("ok" if expected == "done" else expected, expected == "done")


def test_the_author_may_edit_and_delete_their_own_comment_the_control_for_the_matrix(client, reader):
    comment = CommentFactory(user=reader, comment="My own words.")
    client.force_login(reader)

    client.post(reverse("comments:edit", kwargs={"comment_id": comment.pk}), {"comment": "Better words."})
    comment.refresh_from_db()
    assert comment.comment == "Better words."

    client.post(reverse("comments:delete", kwargs={"comment_id": comment.pk}))
    comment.refresh_from_db()
    assert comment.deleted_at is not None
