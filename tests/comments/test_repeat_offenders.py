"""Commenters whose comments moderators keep removing wait for a moderator every time, and the
moderator sees why in the queue."""

import re

import pytest
from django.core import mail

from comments.models import Comment, CommentPolicy, Moderation
from tests.comments.conftest import form_data, post_url
from tests.factories import ArticleFactory, CommentFactory, singleton_row

pytestmark = pytest.mark.django_db

TEXT = "The plan does not say where the money for the new homes comes from."


def record(article, *, approved=0, removed=0, user=None, email=""):
    """Past comments of an account (or of an address without one), some of them removed."""
    for n in range(approved + removed):
        CommentFactory(
            article=article,
            user=user,
            **({} if user else {"user_email": email}),
            comment=f"Earlier comment {n}.",
            is_removed=n >= approved,
        )


def test_a_commenter_with_three_removals_waits_and_the_queue_says_why(
    client, commenter, article, policy, moderator
):
    # The default: held from 3 removed comments, however many were approved.
    assert singleton_row(CommentPolicy).hold_after_removed == 3
    record(ArticleFactory(), approved=20, removed=3, user=commenter)
    client.force_login(commenter)

    response = client.post(post_url(article), form_data(article, TEXT))

    assert "moderators have removed several of your earlier comments" in response.content.decode()
    comment = Comment.objects.get(comment=TEXT)
    assert comment.is_held
    assert comment.held_reason == Comment.HeldReason.REMOVED_BEFORE
    client.force_login(moderator)
    queue = client.get("/comments/moderation/?tab=held").content.decode()
    row = re.search(rf'<tr id="queue-{comment.pk}".*?</tr>', queue, re.DOTALL).group(0)
    assert "Comments removed before" in row
    assert "3 of their comments were removed before (comments are held from 3)." in row


def test_fewer_removals_than_the_policy_names_do_not_hold(client, commenter, article, policy):
    record(ArticleFactory(), approved=20, removed=2, user=commenter)
    client.force_login(commenter)

    client.post(post_url(article), form_data(article, TEXT))

    assert Comment.objects.get(comment=TEXT).is_visible


def test_the_moderator_sets_the_number_and_0_turns_it_off(client, commenter, article, change_policy):
    record(ArticleFactory(), approved=20, removed=3, user=commenter)
    client.force_login(commenter)

    change_policy(hold_first_comments=0, hold_after_removed=0)
    client.post(post_url(article), form_data(article, TEXT))
    assert Comment.objects.get(comment=TEXT).is_visible

    change_policy(hold_after_removed=4)
    client.post(post_url(article), form_data(article, "Another thought on the housing plan."))
    assert Comment.objects.get(comment="Another thought on the housing plan.").is_visible

    change_policy(hold_after_removed=2)
    client.post(post_url(article), form_data(article, "And a third, about the bus routes."))
    third = Comment.objects.get(comment="And a third, about the bus routes.")
    assert third.held_reason == Comment.HeldReason.REMOVED_BEFORE


def test_the_record_holds_even_where_pre_moderation_would_and_names_the_real_reason(
    client, commenter, article, policy
):
    policy.moderation = Moderation.PRE
    policy.save()
    record(ArticleFactory(), approved=20, removed=3, user=commenter)
    client.force_login(commenter)

    client.post(post_url(article), form_data(article, TEXT))

    assert Comment.objects.get(comment=TEXT).held_reason == Comment.HeldReason.REMOVED_BEFORE


def test_the_moderation_desk_is_told_why_by_email(
    client, commenter, article, policy, django_capture_on_commit_callbacks
):
    record(ArticleFactory(), approved=20, removed=3, user=commenter)
    client.force_login(commenter)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), form_data(article, TEXT))

    [alert] = [message for message in mail.outbox if message.to == ["Moderation desk <desk@example.org>"]]
    assert "3 of their comments were removed before" in alert.body
    # The commenter gets the statement of reasons, naming the same check.
    [statement] = [message for message in mail.outbox if message.to == [commenter.email]]
    assert "Commenters with several removed comments are read first" in statement.body


def test_an_address_without_an_account_is_held_by_its_own_record(
    client, article, anonymous_allowed, django_capture_on_commit_callbacks
):
    record(ArticleFactory(), approved=5, removed=3, email="val@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), form_data(article, TEXT, name="Val Visitor", email="VAL@example.org"))
    link = re.search(r"http://127\.0\.0\.1:8000(/comments/confirm/\S+/)", mail.outbox[0].body).group(1)

    client.post(link)

    assert Comment.objects.get(comment=TEXT).held_reason == Comment.HeldReason.REMOVED_BEFORE
