"""Following a thread: an email for each published reply, and one-click unfollow."""

import re

import pytest
from django.core import mail

from comments import services
from comments.models import Comment, ThreadFollow
from tests.comments.conftest import form_data, post_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]


@pytest.fixture
def thread(client, commenter, article):
    """Rita starts a thread and ticks "email me when someone replies"."""
    client.force_login(commenter)
    client.post(post_url(article), form_data(article, "Where is the money coming from?", followup="on"))
    return Comment.objects.get()


def reply(client, article, thread, user, text, capture):
    client.force_login(user)
    with capture(execute=True):
        return client.post(post_url(article), form_data(article, text, reply_to=thread.pk))


def test_a_follower_gets_an_email_when_someone_replies(
    client, thread, article, make_commenter, django_capture_on_commit_callbacks
):
    assert ThreadFollow.objects.get().email == "reader@example.org"
    replier = make_commenter(display_name="Ray Replier")

    reply(client, article, thread, replier, "From the reserves, page 12.", django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert message.subject == "[The Civic Ledger] Ray Replier replied in a thread you follow"
    assert "From the reserves, page 12." in message.body
    new = Comment.objects.get(comment="From the reserves, page 12.")
    assert f"/comments/{new.pk}/" in message.body
    assert "/comments/unfollow/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/comments/unfollow/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, _ = message.alternatives[0]
    assert "Stop emails about this thread" in html


def test_the_unfollow_link_asks_and_its_button_stops_the_emails_without_signing_in(
    client, thread, article, make_commenter, django_capture_on_commit_callbacks
):
    reply(client, article, thread, make_commenter(), "First reply.", django_capture_on_commit_callbacks)
    link = re.search(r"http://127\.0\.0\.1:8000(/comments/unfollow/\S+/)", mail.outbox[0].body).group(1)
    client.logout()

    question = client.get(link)
    assert "Stop these emails" in question.content.decode()
    assert ThreadFollow.objects.exists()

    response = client.post(link)

    assert response.status_code == 200
    assert "You will get no more emails about this thread" in response.content.decode()
    assert not ThreadFollow.objects.exists()
    mail.outbox.clear()
    reply(client, article, thread, make_commenter(), "Second reply.", django_capture_on_commit_callbacks)
    assert mail.outbox == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_unfollow_link_is_refused(client, thread, method):
    response = getattr(client, method)("/comments/unfollow/not-a-signed-token/")

    assert response.status_code == 400
    assert "This unfollow link is not valid" in response.content.decode()
    assert ThreadFollow.objects.exists()


def test_the_author_of_a_reply_is_not_emailed_about_it(
    client, thread, article, django_capture_on_commit_callbacks
):
    reply(client, article, thread, thread.user, "Answering myself.", django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_held_reply_is_announced_only_once_a_moderator_approves_it(
    client, thread, article, make_commenter, moderator, change_policy, django_capture_on_commit_callbacks
):
    change_policy(hold_first_comments=5)
    settings_desk = "desk@example.org"
    reply(client, article, thread, make_commenter(), "Held reply.", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox if "replied" in m.subject] == []
    held = Comment.objects.get(comment="Held reply.")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_comment(comment=held, by=moderator)

    replies = [m for m in mail.outbox if "replied in a thread you follow" in m.subject]
    assert [m.to for m in replies] == [["reader@example.org"]]
    # Besides the reply notice: the desk's alert, and the statement telling the author why it waited.
    statements = [m for m in mail.outbox if "statement of the reasons" in m.body]
    assert [m.subject for m in statements] == ["[The Civic Ledger] Your comment is waiting for a moderator"]
    assert all(settings_desk in m.to[0] for m in mail.outbox if m not in replies + statements)


def test_a_reader_follows_a_thread_without_commenting(
    client, thread, article, make_commenter, django_capture_on_commit_callbacks
):
    follower = make_commenter(email="quiet@example.org")
    client.force_login(follower)

    page = client.get(f"/comments/{thread.pk}/follow/")
    response = client.post(f"/comments/{thread.pk}/follow/")

    assert "Follow this thread" in page.content.decode()
    assert "You are following this thread" in response.content.decode()
    reply(client, article, thread, make_commenter(), "News for both.", django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["quiet@example.org", "reader@example.org"]
