"""Comments without an account: off by default; when a moderator turns them on, the comment
counts only once its author opens the link emailed to them and presses the button there
(xtd's signed confirmation). Opening the link alone stores nothing: mail scanners open links."""

import re

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment
from tests.comments.conftest import form_data, post_url
from tests.concurrency import at_the_same_moment

pytestmark = pytest.mark.django_db


def confirmation_link(message):
    return re.search(r"http://127\.0\.0\.1:8000(/comments/confirm/\S+/)", message.body).group(1)


def test_anonymous_comments_are_off_by_default(client, article, policy):
    assert policy.allow_anonymous is False

    fragment = client.get(f"/comments/article/{article.pk}/form/").content.decode()

    assert "Sign in to join the discussion." in fragment
    assert 'name="comment"' not in fragment


def test_when_on_the_form_asks_for_a_name_and_an_email(client, article, anonymous_allowed):
    html = client.get(f"/comments/article/{article.pk}/form/").content.decode()

    assert '<label for="id_name">Your name</label>' in html
    assert '<label for="id_email">Your email address</label>' in html


def test_an_anonymous_comment_waits_for_its_emailed_confirmation(
    client, article, anonymous_allowed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            post_url(article),
            form_data(article, "Passing by with a thought.", name="Val Visitor", email="val@example.org"),
        )

    assert "Check your email to post your comment" in response.content.decode()
    assert not Comment.objects.exists()
    [message] = mail.outbox
    assert message.to == ["val@example.org"]
    assert "Confirm your comment" in message.subject
    assert "Passing by with a thought." in message.body

    link = confirmation_link(message)
    page = client.get(link)
    assert "Publish my comment" in page.content.decode()
    assert not Comment.objects.exists()

    confirmed = client.post(link)

    comment = Comment.objects.get()
    assert (comment.user, comment.user_name, comment.user_email) == (None, "Val Visitor", "val@example.org")
    assert comment.is_visible  # the permissive test policy: no probation
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/comments/{comment.pk}/"
    assert "Val Visitor" in client.get(article.get_absolute_url()).content.decode()


def test_confirming_twice_posts_once(client, article, anonymous_allowed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), form_data(article, "Once only.", name="Val", email="val@example.org"))
    link = confirmation_link(mail.outbox[0])

    client.post(link)
    again = client.post(link)

    assert Comment.objects.count() == 1
    assert again.status_code == 302
    assert "already posted" in client.get(link).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_presses_of_the_button_at_the_same_moment_post_once(
    client, article, anonymous_allowed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), form_data(article, "At once.", name="Val", email="val@example.org"))
    link = confirmation_link(mail.outbox[0])
    responses = at_the_same_moment(*[lambda: Client().post(link)] * 4)

    assert [response.status_code for response in responses] == [302] * 4
    assert Comment.objects.filter(comment="At once.").count() == 1


def test_a_new_anonymous_commenter_is_held_like_a_new_account(
    client, article, anonymous_allowed, django_capture_on_commit_callbacks
):
    anonymous_allowed.hold_first_comments = 1
    anonymous_allowed.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            post_url(article), form_data(article, "Held until approved.", name="Val", email="val@example.org")
        )

    response = client.post(confirmation_link(mail.outbox[0]))

    assert "Your comment is waiting for a moderator" in response.content.decode()
    assert Comment.objects.get().is_held


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_confirmation_link_posts_nothing(client, article, anonymous_allowed, method):
    response = getattr(client, method)("/comments/confirm/eyJub3QiOiJzaWduZWQifQ.forged/")

    assert response.status_code == 400
    assert "This confirmation link is not valid" in response.content.decode()
    assert "Publish my comment" not in response.content.decode()
    assert not Comment.objects.exists()


def test_a_confirmation_after_comments_close_is_refused(
    client, article, anonymous_allowed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            post_url(article), form_data(article, "Just in time?", name="Val", email="val@example.org")
        )
    article.comments_open = False
    article.save()

    response = client.post(confirmation_link(mail.outbox[0]))

    assert "Comments are closed on this article." in response.content.decode()
    assert not Comment.objects.exists()
