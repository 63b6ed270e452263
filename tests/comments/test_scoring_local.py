"""The local scorer: shouting, repetition and a history of removals each hold a comment over the
policy's threshold and let it through under it; and no score ever publishes a comment the rest
of the policy holds."""

import pytest

from comments.models import Comment, Moderation
from comments.scoring import (
    LocalScorer,
    Submission,
    removal_history,
    repeated_character,
    repeated_words,
    same_text_again,
    shouting,
)
from tests.comments.conftest import form_data, post_url
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

ORDINARY = "The plan does not say where the money for the new homes comes from."
SHOUTED = "THE COUNCIL HAS LIED TO US ABOUT THE HOUSING MONEY"


def post(client, article, text):
    return client.post(post_url(article), form_data(article, text))


def past_comments(user, article, *, approved=0, removed=0):
    """A commenter's record: comments moderators approved and comments they removed."""
    for n in range(approved + removed):
        CommentFactory(article=article, user=user, comment=f"Earlier comment {n}.", is_removed=n >= approved)


# The signals, as pure functions ----------------------------------------------------------------


def test_shouting_scores_text_in_capitals_and_not_ordinary_text():
    assert shouting(SHOUTED).value == 1.0
    assert "capital letters" in shouting(SHOUTED).reason
    assert shouting(ORDINARY).value == 0.0
    # Acronyms in an ordinary sentence are not shouting.
    assert shouting("The NHS and the BBC both said the HS2 figures were wrong.").value == 0.0


def test_a_short_text_in_capitals_is_not_shouting():
    assert shouting("I AGREE").value == 0.0
    assert shouting("NO WAY.").value == 0.0


def test_mostly_capitals_scores_between_half_and_all():
    mostly = "THE COUNCIL HAS LIED TO US ABOUT the money"
    assert 0.5 < shouting(mostly).value < 1.0


def test_one_character_many_times_in_a_row_is_repetition():
    assert repeated_character("Nooooooooooooooo, not again").value == 1.0
    assert "“o” 15 times in a row" in repeated_character("Nooooooooooooooo, not again").reason
    assert repeated_character("!!!!!!!!!!!!!!!!!!!!").value == 1.0
    assert repeated_character("Nooo, not again!!! Wait...").value == 0.0
    assert repeated_character(ORDINARY).value == 0.0


def test_the_same_words_over_and_over_are_repetition():
    spam = "buy now buy now buy now buy now buy now"
    assert repeated_words(spam).value == 1.0
    assert "10 words, 2 different (“buy” 5 times)" in repeated_words(spam).reason
    assert repeated_words(ORDINARY).value == 0.0
    # Too short to judge.
    assert repeated_words("yes yes yes").value == 0.0


def test_the_same_text_posted_again_is_repetition_unless_it_is_short():
    earlier = ("Something else entirely.", "Read the council's own figures before you believe this story.")
    again = "Read the council’s own figures before you believe THIS story!"
    assert same_text_again(again, earlier).value == 1.0
    assert "same text" in same_text_again(again, earlier).reason
    assert same_text_again(ORDINARY, earlier).value == 0.0
    assert same_text_again("Well said.", ("Well said.",)).value == 0.0


def test_the_share_of_removed_comments_counts_for_more_as_the_record_grows():
    assert removal_history(approved=10, removed=0).value == 0.0
    assert removal_history(approved=0, removed=1).value == 0.25
    assert removal_history(approved=1, removed=4).value == 0.8
    assert removal_history(approved=9, removed=1).value == 0.1
    reason = removal_history(approved=1, removed=4).reason
    assert reason == "4 of their 5 comments were removed by moderators."


def test_the_local_score_is_the_strongest_signal_with_its_reason():
    scorer = LocalScorer()
    submission = Submission(text=SHOUTED, article_id=1, article_url="https://news.example.org/a/")

    score = scorer.score(submission)

    assert score.value == 1.0
    assert "capital letters" in score.reason
    assert scorer.score(Submission(text=ORDINARY, article_id=1, article_url="")).value == 0.0


# Posting: what readers and moderators see -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (SHOUTED, "Written mostly in capital letters"),
        ("Nooooooooooooooooooooo this cannot be true", "times in a row"),
        ("buy now buy now buy now buy now buy now buy now", "The same words over and over"),
    ],
)
def test_a_comment_over_the_threshold_waits_and_the_moderator_sees_why(
    client, commenter, article, policy, moderator, text, reason
):
    client.force_login(commenter)

    response = post(client, article, text)

    assert response.status_code == 200
    assert "our automatic check asked for a person to read it" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.is_held
    assert comment.held_reason == Comment.HeldReason.SCORE
    assert comment.moderation_note.startswith("Scored 1.00 (held from 0.8): ")
    assert reason in comment.moderation_note
    client.force_login(moderator)
    queue = client.get("/comments/moderation/?tab=held").content.decode()
    assert "Automatic score" in queue
    assert reason in queue


@pytest.mark.parametrize(
    "text",
    [ORDINARY, "The NHS and the BBC both said so. Nooo!!! Not again...", "Yes, yes, yes: at last."],
)
def test_an_ordinary_comment_scores_under_the_threshold_and_appears(client, commenter, article, policy, text):
    client.force_login(commenter)

    response = post(client, article, text)

    assert response.status_code == 302
    assert Comment.objects.get().is_visible


def test_the_same_text_on_another_article_waits(client, commenter, article, policy):
    other = ArticleFactory(headline="Bus routes to change")
    text = "Read the council's own figures before you believe this story."
    client.force_login(commenter)
    post(client, article, text)

    post(client, other, text)

    first, second = Comment.objects.order_by("pk")
    assert first.is_visible
    assert second.held_reason == Comment.HeldReason.SCORE
    assert "same text as another comment they posted in the last day" in second.moderation_note


def test_a_commenter_whose_comments_are_mostly_removed_waits(client, commenter, article, change_policy):
    # Count-based holding off, so the score alone decides.
    change_policy(hold_first_comments=0, hold_after_removed=0)
    past_comments(commenter, article, approved=1, removed=4)
    client.force_login(commenter)

    post(client, article, ORDINARY)

    comment = Comment.objects.get(comment=ORDINARY)
    assert comment.held_reason == Comment.HeldReason.SCORE
    assert "4 of their 5 comments were removed by moderators." in comment.moderation_note


def test_a_commenter_with_a_rare_removal_still_publishes(client, commenter, article, change_policy):
    change_policy(hold_first_comments=0, hold_after_removed=0)
    past_comments(commenter, article, approved=9, removed=1)
    client.force_login(commenter)

    post(client, article, ORDINARY)

    assert Comment.objects.get(comment=ORDINARY).is_visible


def test_a_lower_threshold_holds_more(client, commenter, article, change_policy):
    mostly = "THE COUNCIL HAS LIED TO US ABOUT the money"
    change_policy(hold_first_comments=0)
    client.force_login(commenter)
    post(client, article, mostly)
    assert Comment.objects.get().is_visible

    change_policy(hold_at_score="0.5")
    post(client, ArticleFactory(), mostly)

    assert Comment.objects.get(is_public=False).held_reason == Comment.HeldReason.SCORE


def test_a_blank_threshold_switches_scoring_off(client, commenter, article, change_policy):
    change_policy(hold_first_comments=0, hold_at_score="")
    client.force_login(commenter)

    post(client, article, SHOUTED)

    assert Comment.objects.get().is_visible


def test_a_trusted_commenter_who_shouts_still_waits(client, commenter, article, change_policy):
    # Trust skips pre-moderation, not the checks on what a comment says.
    change_policy(moderation=Moderation.PRE, trusted_after_approved=2)
    past_comments(commenter, article, approved=2)
    client.force_login(commenter)

    post(client, article, SHOUTED)

    assert Comment.objects.get(comment=SHOUTED).held_reason == Comment.HeldReason.SCORE


def test_an_edit_into_shouting_puts_a_published_comment_on_hold(
    client, commenter, article, policy, django_capture_on_commit_callbacks
):
    client.force_login(commenter)
    post(client, article, ORDINARY)
    comment = Comment.objects.get()
    assert comment.is_visible

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/comments/{comment.pk}/edit/", {"comment": SHOUTED})

    comment.refresh_from_db()
    assert comment.is_held
    assert comment.held_reason == Comment.HeldReason.SCORE
    assert SHOUTED not in client.get(article.get_absolute_url()).content.decode()


def test_an_edit_is_scored_even_where_pre_moderation_approved_the_comment(
    client, commenter, article, policy, moderator, django_capture_on_commit_callbacks
):
    policy.moderation = Moderation.PRE
    policy.save()
    client.force_login(commenter)
    post(client, article, ORDINARY)
    comment = Comment.objects.get()
    client.force_login(moderator)
    client.post("/comments/moderation/decide/", {"single": f"approve:{comment.pk}"})
    comment.refresh_from_db()
    assert comment.is_visible

    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/comments/{comment.pk}/edit/", {"comment": SHOUTED})

    comment.refresh_from_db()
    assert comment.held_reason == Comment.HeldReason.SCORE


def test_correcting_the_case_of_ones_own_comment_is_not_a_repeat(
    client, commenter, article, policy, django_capture_on_commit_callbacks
):
    text = "read the council's own figures before you believe this story"
    client.force_login(commenter)
    post(client, article, text)
    comment = Comment.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/comments/{comment.pk}/edit/", {"comment": text.capitalize() + "."})

    comment.refresh_from_db()
    assert comment.is_visible


# A score only ever holds ------------------------------------------------------------------------


def test_a_low_score_never_publishes_under_pre_moderation(client, commenter, article, change_policy):
    change_policy(moderation=Moderation.PRE, hold_first_comments=0)
    client.force_login(commenter)

    post(client, article, ORDINARY)

    assert Comment.objects.get().held_reason == Comment.HeldReason.PREMODERATION


def test_a_low_score_never_publishes_a_blocked_word(client, commenter, article, change_policy):
    change_policy(blocked_words="crook", hold_first_comments=0)
    client.force_login(commenter)

    post(client, article, "The plan is fine, but the mayor is a crook.")

    assert Comment.objects.get().held_reason == Comment.HeldReason.BLOCKED_WORD


def test_a_low_score_never_publishes_a_new_commenters_first_comment(client, commenter, article):
    # The default policy holds a new commenter's first two comments.
    client.force_login(commenter)

    post(client, article, ORDINARY)

    assert Comment.objects.get().held_reason == Comment.HeldReason.NEW_COMMENTER


def test_a_low_score_never_publishes_too_many_links(client, commenter, article, policy):
    client.force_login(commenter)

    post(client, article, "Sources: https://a.example/ and https://b.example/ and https://c.example/")

    assert Comment.objects.get().held_reason == Comment.HeldReason.LINKS
