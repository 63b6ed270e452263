"""The reader's comments on their account page, in "download my data", and after deletion."""

import json

import pytest

from accounts.services import delete_account
from comments.dsa import file_appeal
from comments.models import Comment, Suspension, ThreadFollow
from comments.services import remove_comment
from tests.comments.conftest import form_data, post_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]


@pytest.fixture
def commented(client, commenter, article):
    client.force_login(commenter)
    client.post(post_url(article), form_data(article, "Mine, all mine.", followup="on"))
    return Comment.objects.get()


def test_the_account_page_lists_the_readers_comments(client, commented):
    html = client.get("/accounts/").content.decode()

    assert "Your comments" in html
    assert "On “Council agrees new housing plan”" in html
    assert f'href="/comments/{commented.pk}/"' in html


def test_the_account_page_tells_a_suspended_reader_why(client, commented):
    Suspension.objects.create(user=commented.user, reason="Spamming links.")

    html = client.get("/accounts/").content.decode()

    assert "You cannot comment permanently. A moderator gave this reason: Spamming links." in html


def test_download_my_data_includes_the_readers_comments(client, commented):
    response = client.get("/accounts/my-data/")

    data = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    [exported] = data["comments"]["comments"]
    assert exported["text"] == "Mine, all mine."
    assert exported["article"] == "Council agrees new housing plan"
    assert exported["state"] == "Published"
    assert data["comments"]["threads_you_follow"][0]["email"] == "reader@example.org"


def test_download_my_data_includes_decisions_about_the_reader_and_their_appeals(
    client, commented, moderator, reasons
):
    remove_comment(comment=commented, by=moderator, reason=reasons["off-topic"])
    file_appeal(statement=commented.statements.get(), by=commented.user, text="It was on topic.")

    response = client.get("/accounts/my-data/")

    data = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    [decision] = data["comments"]["decisions_about_you"]
    assert (decision["decision"], decision["rule"]) == ("Comment removed", reasons["off-topic"].name)
    assert decision["automated"] is False
    [appeal] = data["comments"]["your_appeals"]
    assert (appeal["text"], appeal["outcome"]) == ("It was on topic.", "Waiting for a moderator")


def test_deleting_the_account_keeps_the_comments_under_deleted_account(client, commented, article):
    delete_account(user=commented.user)

    commented.refresh_from_db()
    assert commented.user is None
    assert commented.user_name == "deleted account"
    assert commented.user_email == ""
    assert commented.ip_address is None
    assert not ThreadFollow.objects.exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Mine, all mine." in html
    assert "deleted account" in html
    assert "Rita Reader" not in html
