"""Statements of reasons: every removal, hold and suspension is explained to the commenter,
once, by email, with the rule applied, who decided, the words concerned, what they can do and,
for removals and suspensions, where to appeal."""

import re

import pytest
from django.core import mail
from django.db import transaction

from comments import services
from comments.models import Comment, Guidelines, StatementOfReasons, Suspension
from tests.comments.conftest import form_data, post_url
from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

DECIDE = "/comments/moderation/decide/"


@pytest.fixture
def troll(db):
    return UserFactory(email="troll@example.org", display_name="Terry Troll")


@pytest.fixture
def comment(article, troll):
    return CommentFactory(article=article, user=troll, comment="You are all idiots.")


def statements_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_a_removal_sends_one_statement_naming_the_rule_the_person_and_the_appeal(
    client, moderator, comment, reasons, django_capture_on_commit_callbacks
):
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DECIDE, {"single": f"remove:{comment.pk}", f"reason-{comment.pk}": reasons["abuse"].pk})

    [message] = statements_to("troll@example.org")
    assert message.subject == "[The Civic Ledger] Your comment was removed: Abuse"
    # The rule as the guidelines state it (the migration seeds its own wording).
    assert f"Rule applied: Abuse: {reasons['abuse'].description}" in message.body
    assert "http://127.0.0.1:8000/comments/guidelines/#rule-abuse" in message.body
    assert "Who decided: Human — a moderator decided." in message.body
    assert "You are all idiots." in message.body
    assert "you can appeal once" in message.body
    assert f"Appeal this decision: http://127.0.0.1:8000/comments/{comment.pk}/appeal/" in message.body
    html = message.alternatives[0][0]
    assert 'href="http://127.0.0.1:8000/comments/guidelines/#rule-abuse"' in html
    assert f'href="http://127.0.0.1:8000/comments/{comment.pk}/appeal/"' in html
    statement = StatementOfReasons.objects.get()
    assert (statement.decision, statement.clause, statement.automated, statement.decided_by) == (
        "removed",
        reasons["abuse"],
        False,
        moderator,
    )


def test_before_the_guidelines_were_ever_saved_a_removal_still_explains_itself(
    client, moderator, comment, reasons, django_capture_on_commit_callbacks
):
    # A site whose guidelines row is gone reads the defaults, which have no date to show.
    Guidelines.objects.all().delete()
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DECIDE, {"single": f"remove:{comment.pk}", f"reason-{comment.pk}": reasons["abuse"].pk}
        )

    assert response.status_code == 302
    [message] = statements_to("troll@example.org")
    assert "Our comment guidelines: http://127.0.0.1:8000/comments/guidelines/" in message.body
    assert "last changed" not in message.body
    assert "last changed" not in message.alternatives[0][0]
    page = client.get("/comments/guidelines/")
    assert page.status_code == 200
    assert "Last changed" not in page.content.decode()


def test_removing_without_naming_a_rule_is_refused_and_sends_nothing(client, moderator, comment):
    client.force_login(moderator)

    response = client.post(DECIDE, {"single": f"remove:{comment.pk}"}, follow=True)

    assert "Choose the guideline the comment breaks before removing it." in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_visible
    assert not StatementOfReasons.objects.exists()
    assert mail.outbox == []


def test_a_comment_held_by_the_automatic_checks_gets_an_automated_statement_without_appeal(
    client, commenter, article, change_policy, django_capture_on_commit_callbacks
):
    change_policy(hold_first_comments=2)
    client.force_login(commenter)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), form_data(article, "My first comment here."))

    [message] = statements_to(commenter.email)
    assert message.subject == "[The Civic Ledger] Your comment is waiting for a moderator"
    assert "Who decided: Automated — our automatic checks decided; no person has looked yet." in message.body
    assert "A new commenter's first comments are read first" in message.body
    assert "http://127.0.0.1:8000/comments/guidelines/#check-new" in message.body
    assert "My first comment here." in message.body
    assert "You do not need to do anything" in message.body
    assert "/appeal/" not in message.body
    statement = StatementOfReasons.objects.get()
    assert (statement.decision, statement.automated, statement.held_by_check) == ("held", True, "new")


@pytest.mark.parametrize(
    ("policy", "history", "text", "check", "named"),
    [
        ({"hold_at_score": 0.8}, 0, "THE COUNCIL HAS LIED TO US ALL ABOUT THIS PLAN", "score",
         "Comments our automatic scoring flags are read first"),
        ({"hold_after_removed": 2}, 2, "A perfectly calm comment this time.", "removed",
         "Commenters with several removed comments are read first"),
    ],
)  # fmt: skip
def test_a_comment_held_by_scoring_or_its_authors_record_is_told_which_check_held_it(
    client, commenter, article, change_policy, django_capture_on_commit_callbacks,
    policy, history, text, check, named,
):  # fmt: skip
    change_policy(hold_first_comments=0, **policy)
    for n in range(history):
        removed = CommentFactory(article=article, user=commenter, comment=f"Removed {n}.")
        removed.is_removed = True
        removed.save()
    client.force_login(commenter)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(article), form_data(article, text))

    [message] = statements_to(commenter.email)
    assert named in message.body
    assert f"/comments/guidelines/#check-{check}" in message.body
    assert "Who decided: Automated" in message.body
    assert StatementOfReasons.objects.get().held_by_check == check


def test_approving_a_held_comment_sends_no_statement(
    client, moderator, article, troll, django_capture_on_commit_callbacks
):
    held = CommentFactory(article=article, user=troll, comment="Please let me in.")
    held.is_public, held.published_at, held.held_reason = False, None, "new"
    held.save()
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DECIDE, {"single": f"approve:{held.pk}"})

    assert statements_to("troll@example.org") == []
    assert not StatementOfReasons.objects.exists()


def test_the_guidelines_page_has_an_anchor_for_every_rule_and_every_check(client, reasons):
    html = client.get("/comments/guidelines/").content.decode()

    for reason in reasons.values():
        assert f'id="rule-{reason.slug}"' in html
    for check in set(Comment.HeldReason.values) - {Comment.HeldReason.MODERATOR}:
        assert f'id="check-{check}"' in html
    assert 'href="/comments/illegal-content/"' in html
    assert 'href="/comments/transparency/"' in html


def test_a_suspension_needs_a_rule(client, moderator, commenter):
    client.force_login(moderator)

    response = client.post(
        f"/comments/moderation/commenters/{commenter.pk}/", {"duration": "7", "reason": "Rude to everyone."}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the rule of the guidelines the reader broke." in html
    assert 'value="Rude to everyone."' in html  # what the moderator typed is kept
    assert not Suspension.objects.exists()
    assert mail.outbox == []


def test_a_suspension_sends_a_statement_with_its_rule_its_end_and_the_appeal(
    client, moderator, commenter, reasons, django_capture_on_commit_callbacks
):
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/comments/moderation/commenters/{commenter.pk}/",
            {"duration": "7", "reason": "Rude to everyone.", "clause": reasons["abuse"].pk},
        )

    suspension = Suspension.objects.get()
    assert suspension.clause == reasons["abuse"]
    [message] = statements_to(commenter.email)
    assert message.subject == "[The Civic Ledger] You are suspended from commenting: Abuse"
    assert "Who decided: Human — a moderator decided." in message.body
    assert "The moderator added: Rude to everyone." in message.body
    assert re.search(r"wait until \d+ \w+ \d{4}, \d\d:\d\d", message.body)
    assert f"http://127.0.0.1:8000/comments/suspensions/{suspension.pk}/appeal/" in message.body


def test_a_comment_without_an_account_is_told_of_its_removal_but_cannot_appeal_online(
    moderator, article, reasons, django_capture_on_commit_callbacks
):
    visitor = Comment(
        article=article, content_object=article, site_id=1, user_name="Val Visitor",
        user_email="val@example.org", comment="Buy cheap watches.", is_public=True,
    )  # fmt: skip
    visitor.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_comment(comment=visitor, by=moderator, reason=reasons["spam"])

    [message] = statements_to("val@example.org")
    assert "Hello Val Visitor" in message.body
    assert "cannot be appealed online" in message.body
    assert "/appeal/" not in message.body


def test_a_rolled_back_removal_leaves_no_statement_and_sends_nothing(moderator, comment, reasons):
    def remove_then_fail():
        with transaction.atomic():
            services.remove_comment(comment=comment, by=moderator, reason=reasons["abuse"])
            raise RuntimeError("the request failed after the removal")

    with pytest.raises(RuntimeError):
        remove_then_fail()

    assert not StatementOfReasons.objects.exists()
    assert mail.outbox == []


def test_a_moderator_holds_a_comment_naming_the_rule_and_its_author_is_told(
    client, moderator, comment, article, reasons, django_capture_on_commit_callbacks
):
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DECIDE,
            {
                "single": f"hold:{comment.pk}",
                f"reason-{comment.pk}": reasons["defamation"].pk,
                "note": "Checking.",
            },
            follow=True,
        )

    assert "Held: 1 comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_held
    assert comment.held_reason == Comment.HeldReason.MODERATOR
    assert "You are all idiots." not in client.get(article.get_absolute_url()).content.decode()
    [message] = statements_to("troll@example.org")
    assert message.subject == "[The Civic Ledger] Your comment is waiting for a moderator"
    assert "Rule applied: Defamation" in message.body
    assert "Who decided: Human — a moderator decided." in message.body
    assert "The moderator added: Checking." in message.body
    assert "/appeal/" not in message.body
    statement = StatementOfReasons.objects.get()
    assert (statement.decision, statement.automated, statement.clause) == (
        "held",
        False,
        reasons["defamation"],
    )


def test_holding_without_naming_a_rule_is_refused(client, moderator, comment):
    client.force_login(moderator)

    response = client.post(DECIDE, {"single": f"hold:{comment.pk}"}, follow=True)

    assert "Choose the guideline the comment may break before holding it." in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_visible
    assert mail.outbox == []
