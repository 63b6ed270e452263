"""Posting a comment: every path of the policy, and every refusal in plain words."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from comments.models import ArticleCommentPolicy, Comment, CommentPolicy, Moderation, Suspension
from tests.comments.conftest import form_data, post_url
from tests.factories import ArticleFactory, CommentFactory, UserFactory, singleton_row

pytestmark = pytest.mark.django_db


def post(client, article, text, **extra):
    return client.post(post_url(article), form_data(article, text, **extra))


def refusal(response):
    """The plain-words message of a refused comment, as the reader sees it."""
    assert response.status_code == 400
    return response.content.decode()


def test_a_verified_reader_publishes_at_once_under_post_moderation(client, commenter, article, policy):
    client.force_login(commenter)

    response = post(client, article, "The plan does not say where the money comes from.")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/comments/{comment.pk}/"
    assert comment.is_visible
    assert comment.user_name == "Rita Reader"
    assert comment.published_at is not None


def test_a_published_comment_redirects_to_its_place_on_the_article(client, commenter, article, policy):
    client.force_login(commenter)
    post(client, article, "First!")
    comment = Comment.objects.get()

    response = client.get(f"/comments/{comment.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"


def test_pre_moderation_holds_every_comment_and_says_so(client, commenter, article, policy):
    policy.moderation = Moderation.PRE
    policy.save()
    client.force_login(commenter)

    response = post(client, article, "Waiting my turn.")

    assert response.status_code == 200
    assert "A moderator reads every comment on this article before it appears" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.is_held
    assert comment.held_reason == Comment.HeldReason.PREMODERATION


def test_an_article_can_be_pre_moderated_while_the_site_is_not(client, commenter, article, policy):
    ArticleCommentPolicy.objects.create(article=article, moderation=Moderation.PRE)
    other = ArticleFactory()
    client.force_login(commenter)

    post(client, article, "On the sensitive story.")
    post(client, other, "On an ordinary story.")

    assert Comment.objects.get(article=article).is_held
    assert Comment.objects.get(article=other).is_visible


def test_a_new_accounts_first_comments_are_held(client, commenter, article):
    singleton_row(CommentPolicy)  # defaults: the first 2 comments wait
    client.force_login(commenter)

    response = post(client, article, "Hello, first time here.")

    assert "A moderator reads a new commenter’s first comments" in response.content.decode()
    assert Comment.objects.get().held_reason == Comment.HeldReason.NEW_COMMENTER


def test_after_enough_approved_comments_a_commenter_publishes_directly(client, commenter, article):
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 1
    policy.save()
    client.force_login(commenter)
    post(client, article, "My first comment.")
    Comment.objects.update(is_public=True, published_at=timezone.now())

    post(client, article, "My second comment.")

    assert Comment.objects.get(comment="My second comment.").is_visible


def test_a_comment_with_too_many_links_is_held(client, commenter, article, policy):
    client.force_login(commenter)
    text = "See https://a.example/ and https://b.example/ and www.c.example"

    response = post(client, article, text)

    assert "it has 3 links; comments with more than 2 are checked" in response.content.decode()
    assert Comment.objects.get().held_reason == Comment.HeldReason.LINKS


def test_a_blocked_word_holds_the_comment_and_names_the_word(client, commenter, article, policy):
    policy.blocked_words = "scumbag\nsell-out"
    policy.save()
    client.force_login(commenter)

    response = post(client, article, "The councillor is a Scumbag.")

    assert "because it contains “scumbag”" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.held_reason == Comment.HeldReason.BLOCKED_WORD
    assert comment.moderation_note == "Contains the blocked word “scumbag”."


def test_a_blocked_word_only_matches_whole_words(client, commenter, article, policy):
    policy.blocked_words = "ass"
    policy.save()
    client.force_login(commenter)

    post(client, article, "The assessment was fair.")

    assert Comment.objects.get().is_visible


def test_a_suspect_word_publishes_but_flags_for_review(client, commenter, article, policy):
    policy.suspect_words = "liar"
    policy.save()
    client.force_login(commenter)

    post(client, article, "The minister is a liar on this.")

    comment = Comment.objects.get()
    assert comment.is_visible
    assert comment.needs_review
    assert Comment.objects.reported().filter(pk=comment.pk).exists()


def test_a_trusted_commenter_publishes_even_under_pre_moderation(client, commenter, article, policy):
    policy.moderation = Moderation.PRE
    policy.trusted_after_approved = 2
    policy.save()
    for text in ("one", "two"):
        CommentFactory(article=article, user=commenter, comment=text)
    client.force_login(commenter)

    post(client, article, "Third, from a trusted reader.")

    assert Comment.objects.get(comment="Third, from a trusted reader.").is_visible


def test_a_commenter_with_a_removal_is_not_trusted(client, commenter, article, policy):
    policy.moderation = Moderation.PRE
    policy.trusted_after_approved = 2
    policy.save()
    for text in ("one", "two", "three"):
        CommentFactory(article=article, user=commenter, comment=text, is_removed=text == "three")
    client.force_login(commenter)

    post(client, article, "Fourth.")

    assert Comment.objects.get(comment="Fourth.").is_held


def test_comments_close_after_the_policys_days_and_the_article_says_why(client, commenter, policy):
    article = ArticleFactory(publish_at=timezone.now() - timedelta(days=20))
    client.force_login(commenter)

    response = post(client, article, "Too late?")

    assert "discussion stays open for 14 days after an article is published" in refusal(response)
    assert not Comment.objects.exists()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Comments closed on" in page
    assert "Write a comment" not in page


def test_an_article_closed_by_its_editor_shows_the_reason_given(client, commenter, policy):
    article = ArticleFactory(comments_open=False)
    ArticleCommentPolicy.objects.create(
        article=article, closed_message="Comments are closed for legal reasons."
    )
    client.force_login(commenter)

    response = post(client, article, "Can I?")

    assert "Comments are closed for legal reasons." in refusal(response)
    assert "Comments are closed for legal reasons." in client.get(article.get_absolute_url()).content.decode()


def test_an_articles_own_closing_time_wins_over_the_policy(client, commenter, policy):
    article = ArticleFactory(
        publish_at=timezone.now() - timedelta(days=30), comments_close_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(commenter)

    post(client, article, "Still open here.")

    assert Comment.objects.get().is_visible


def test_an_identical_repeat_is_refused(client, commenter, article, policy):
    client.force_login(commenter)
    post(client, article, "Same words.")

    response = post(client, article, "Same words.")

    assert "You have already posted this exact comment on this article" in refusal(response)
    assert Comment.objects.count() == 1


def test_a_suspended_reader_is_told_until_when_and_why(client, commenter, article, policy):
    Suspension.objects.create(
        user=commenter, reason="Repeated personal attacks.", ends_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(commenter)

    response = post(client, article, "Let me back in.")

    text = refusal(response)
    assert "You cannot comment until" in text
    assert "Repeated personal attacks." in text
    assert not Comment.objects.exists()
    fragment = client.get(f"/comments/article/{article.pk}/form/").content.decode()
    assert "Repeated personal attacks." in fragment
    assert "<form" not in fragment


def test_a_lifted_or_expired_suspension_no_longer_applies(client, commenter, article, policy):
    Suspension.objects.create(user=commenter, reason="Old.", ends_at=timezone.now() - timedelta(minutes=1))
    Suspension.objects.create(user=commenter, reason="Lifted.", lifted_at=timezone.now())
    client.force_login(commenter)

    post(client, article, "Back again.")

    assert Comment.objects.get().is_visible


def test_a_reader_without_a_verified_email_cannot_comment(client, article, policy):
    unverified = UserFactory()
    client.force_login(unverified)

    response = post(client, article, "Am I allowed?")

    assert "Confirm your email address to comment" in refusal(response)
    assert not Comment.objects.exists()
    fragment = client.get(f"/comments/article/{article.pk}/form/").content.decode()
    assert "Confirm your email address to comment" in fragment


def test_without_an_account_the_form_page_asks_to_sign_in(client, article, policy):
    response = client.get(post_url(article))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    refused = client.post(
        post_url(article), form_data(article, "Anonymous?", name="Anon", email="a@example.org")
    )
    assert "Sign in to join the discussion." in refusal(refused)
    assert not Comment.objects.exists()
    fragment = client.get(f"/comments/article/{article.pk}/form/").content.decode()
    assert "Sign in to join the discussion." in fragment


def test_the_honeypot_refuses_robots_in_plain_words(client, commenter, article, policy):
    client.force_login(commenter)

    response = post(client, article, "Buy now", honeypot="http://spam.example/")

    assert "a field that only spam robots fill in was filled in" in refusal(response)
    assert not Comment.objects.exists()


def test_a_comment_over_the_length_limit_is_refused_with_both_numbers(
    client, commenter, article, policy, settings
):
    settings.COMMENTS_MAX_LENGTH = 100
    client.force_login(commenter)

    response = post(client, article, "x" * 130)

    assert "Your comment is 130 characters long; the limit is 100. Please shorten it." in refusal(response)


def test_an_empty_comment_is_refused(client, commenter, article, policy):
    client.force_login(commenter)

    assert "Write something before posting." in refusal(post(client, article, "   "))


def test_a_tampered_form_is_refused(client, commenter, article, policy):
    client.force_login(commenter)
    other = ArticleFactory()

    response = client.post(post_url(other), form_data(article, "Wrong target."))

    assert "This form does not match the article it was sent with" in refusal(response)


def test_replies_nest_only_as_deep_as_configured(client, commenter, article, policy):
    client.force_login(commenter)
    post(client, article, "Top.")
    top = Comment.objects.get()
    post(client, article, "Reply.", reply_to=top.pk)
    reply = Comment.objects.get(comment="Reply.")
    assert (reply.level, reply.thread_id, reply.parent_id) == (1, top.pk, top.pk)

    response = post(client, article, "Reply to a reply.", reply_to=reply.pk)

    assert "Replies go only so deep" in refusal(response)


def test_a_held_comment_alerts_the_moderation_desk_at_its_real_address(
    client, commenter, article, django_capture_on_commit_callbacks
):
    client.force_login(commenter)

    with django_capture_on_commit_callbacks(execute=True):
        post(client, article, "Held for a newcomer.")

    # The desk's alert, and the statement of reasons to the commenter.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Moderation desk <desk@example.org>",
        commenter.email,
    ]
    [alert] = [message for message in mail.outbox if message.to != [commenter.email]]
    # MANAGERS holds "Moderation desk <desk@example.org>": the whole address, not one letter.
    assert alert.to == ["Moderation desk <desk@example.org>"]
    assert "waiting for a moderator" in alert.subject
    assert "Held for a newcomer." in alert.body
    assert "/comments/guidelines/" in alert.body
    assert "/comments/moderation/?tab=held" in alert.body
