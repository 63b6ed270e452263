"""Readers report comments with a reason from the guidelines; enough reports hide a comment."""

import pytest
from django.core import mail
from django.utils import timezone

from comments.models import Comment, CommentPolicy, ModerationLogEntry, Report
from tests.factories import UserFactory, singleton_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]


@pytest.fixture
def target(article):
    author = UserFactory(display_name="Terry Troll")
    comment = Comment(
        article=article, content_object=article, site_id=1, user=author, user_name=author.public_name,
        comment="You are all idiots.", published_at=timezone.now(),
    )  # fmt: skip
    comment.save()
    return comment


def report(client, comment, reason, note=""):
    return client.post(f"/comments/{comment.pk}/report/", {"reason": reason.pk, "note": note})


def test_the_report_form_offers_the_guidelines_reasons(client, commenter, target, reasons):
    client.force_login(commenter)

    html = client.get(f"/comments/{target.pk}/report/").content.decode()

    for name in ("Abuse", "Hate speech", "Spam", "Off topic", "Defamation", "Personal information"):
        assert name in html
    assert 'href="/comments/guidelines/"' in html


def test_a_reader_reports_a_comment_once(client, commenter, target, reasons):
    client.force_login(commenter)

    first = report(client, target, reasons["abuse"], "Insults everyone.")
    second = client.get(f"/comments/{target.pk}/report/")
    again = report(client, target, reasons["spam"])

    assert "Thank you for your report" in first.content.decode()
    assert "You have already reported this comment" in second.content.decode()
    assert "You have already reported this comment" in again.content.decode()
    saved = Report.objects.get()
    assert (saved.reporter, saved.reason, saved.note) == (commenter, reasons["abuse"], "Insults everyone.")


def test_a_report_needs_a_reason(client, commenter, target, reasons):
    client.force_login(commenter)

    response = client.post(f"/comments/{target.pk}/report/", {"note": "Bad."})

    assert response.status_code == 400
    assert "Choose the guideline the comment breaks." in response.content.decode()
    assert not Report.objects.exists()


def test_reporting_needs_a_signed_in_reader(client, target):
    response = client.get(f"/comments/{target.pk}/report/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_reader_cannot_report_their_own_comment(client, target, reasons):
    client.force_login(target.user)

    response = report(client, target, reasons["abuse"])

    assert "You cannot report your own comment" in response.content.decode()
    assert not Report.objects.exists()


def test_after_k_distinct_reports_a_published_comment_is_hidden_until_a_moderator_decides(
    client, target, article, reasons, make_commenter, django_capture_on_commit_callbacks
):
    assert CommentPolicy.current().reports_to_hide == 3
    reporters = [make_commenter() for _ in range(3)]
    for reporter in reporters[:2]:
        client.force_login(reporter)
        report(client, target, reasons["abuse"])
    target.refresh_from_db()
    assert target.is_visible
    assert "You are all idiots." in client.get(article.get_absolute_url()).content.decode()

    client.force_login(reporters[2])
    with django_capture_on_commit_callbacks(execute=True):
        report(client, target, reasons["hate-speech"])

    target.refresh_from_db()
    assert target.is_held
    assert target.held_reason == Comment.HeldReason.REPORTS
    assert "You are all idiots." not in client.get(article.get_absolute_url()).content.decode()
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.comment) == ("hidden", None, target)
    assert entry.note == "Hidden after 3 reports."
    # The desk is alerted, and the commenter is sent the statement of reasons.
    assert [message.to for message in mail.outbox] == [
        ["Moderation desk <desk@example.org>"],
        [target.user.email],
    ]
    assert "Hidden after 3 reports" in mail.outbox[0].body
    assert "Comments several readers report are hidden until read" in mail.outbox[1].body


def test_reports_a_moderator_already_decided_on_do_not_count_again(client, target, reasons, make_commenter):
    policy = singleton_row(CommentPolicy)
    policy.reports_to_hide = 2
    policy.save()
    old = make_commenter()
    Report.objects.create(comment=target, reporter=old, reason=reasons["spam"], resolved_at=timezone.now())
    client.force_login(make_commenter())

    report(client, target, reasons["spam"])

    target.refresh_from_db()
    assert target.is_visible
