"""A commenter changes their comment for ten minutes and deletes it at any time; nobody else can."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comments.models import Comment, Report
from tests.comments.conftest import form_data, post_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]


@pytest.fixture
def posted(client, commenter, article):
    client.force_login(commenter)
    client.post(post_url(article), form_data(article, "Teh council voted yes."))
    return Comment.objects.get()


def test_a_commenter_corrects_their_comment_within_ten_minutes_and_it_is_marked_edited(
    client, posted, article, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=9)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(f"/comments/{posted.pk}/edit/", {"comment": "The council voted yes."})

    assert response.status_code == 302
    posted.refresh_from_db()
    assert posted.comment == "The council voted yes."
    assert posted.edited_at is not None
    html = client.get(article.get_absolute_url()).content.decode()
    assert "The council voted yes." in html
    assert "(edited <time" in html


def test_after_ten_minutes_the_comment_can_no_longer_be_changed(client, posted):
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        form = client.get(f"/comments/{posted.pk}/edit/")
        response = client.post(f"/comments/{posted.pk}/edit/", {"comment": "Sneaky change."})

    assert form.status_code == 403
    assert "Comments can be changed for 10 minutes after posting" in form.content.decode()
    assert response.status_code == 403
    posted.refresh_from_db()
    assert posted.comment == "Teh council voted yes."


def test_the_edit_link_appears_only_while_editing_is_allowed(client, posted, article):
    fragment = client.get(f"/comments/article/{article.pk}/form/").content.decode()
    assert f'href="/comments/{posted.pk}/edit/"' in fragment
    assert f'href="/comments/{posted.pk}/delete/"' in fragment

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later = client.get(f"/comments/article/{article.pk}/form/").content.decode()

    assert f'href="/comments/{posted.pk}/edit/"' not in later
    assert f'href="/comments/{posted.pk}/delete/"' in later


def test_an_edit_that_adds_a_blocked_word_puts_the_comment_on_hold(client, posted, change_policy):
    change_policy(blocked_words="crook")

    response = client.post(f"/comments/{posted.pk}/edit/", {"comment": "The mayor is a crook."})

    assert "because it contains “crook”" in response.content.decode()
    posted.refresh_from_db()
    assert posted.is_held


def test_a_reader_cannot_edit_or_delete_another_readers_comment(client, posted, make_commenter):
    client.force_login(make_commenter())

    assert client.get(f"/comments/{posted.pk}/edit/").status_code == 403
    assert client.post(f"/comments/{posted.pk}/edit/", {"comment": "Hijacked."}).status_code == 403
    assert client.post(f"/comments/{posted.pk}/delete/").status_code == 403
    posted.refresh_from_db()
    assert posted.comment == "Teh council voted yes."
    assert posted.deleted_at is None


def test_editing_needs_a_signed_in_reader(client, posted):
    client.logout()

    response = client.get(f"/comments/{posted.pk}/edit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_deleted_comment_without_replies_disappears(client, posted, article):
    response = client.post(f"/comments/{posted.pk}/delete/")

    assert response.status_code == 200
    assert "Your comment is deleted" in response.content.decode()
    posted.refresh_from_db()
    assert posted.deleted_at is not None
    assert posted.comment == ""
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Teh council" not in html
    assert "Comment deleted by its author." not in html


def test_a_deleted_comment_with_replies_shows_comment_deleted(
    client, posted, article, make_commenter, reasons
):
    replier = make_commenter(display_name="Ray Replier")
    client.force_login(replier)
    client.post(post_url(article), form_data(article, "Typo aside, agreed.", reply_to=posted.pk))
    Report.objects.create(comment=posted, reporter=replier, reason=reasons["spam"])
    client.force_login(posted.user)

    client.post(f"/comments/{posted.pk}/delete/")

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comment deleted by its author." in html
    assert "Teh council" not in html
    assert "Typo aside, agreed." in html
    assert not Report.objects.filter(resolved_at__isnull=True).exists()


def test_a_comment_can_be_deleted_long_after_posting(client, posted):
    with time_machine.travel(timezone.now() + timedelta(days=12)):
        client.post(f"/comments/{posted.pk}/delete/")

    posted.refresh_from_db()
    assert posted.deleted_at is not None
