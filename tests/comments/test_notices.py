"""Notices of illegal content: a public form reached from every comment and the guidelines,
acknowledged at once, first in the moderation queue, decided with an email to the sender, and
never shown to anyone without the moderator's permission."""

import pytest
from django.core import mail

from accounts.roles import EDITOR, WRITER
from comments.models import ModerationLogEntry, Notice, StatementOfReasons
from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

NOTICE = "/comments/illegal-content/"
QUEUE = "/comments/moderation/"
SCRIPT = "<script>alert('notice')</script>"


@pytest.fixture
def comment(article):
    author = UserFactory(email="larry@example.org", display_name="Libel Larry")
    return CommentFactory(article=article, user=author, comment="The mayor took a bribe from the builder.")


def notice_data(comment=None, **fields):
    data = {
        "name": "Nora Notifier",
        "email": "nora@example.com",
        "location": f"http://127.0.0.1:8000/comments/{comment.pk}/" if comment else "",
        "legal_ground": "Defamation Act 2013, section 1",
        "explanation": "The mayor took no bribe; the claim is false and harms his reputation.",
        "good_faith": "on",
        "website": "",
    }
    data.update(fields)
    return data


def send(client, data, django_capture_on_commit_callbacks=None):
    if django_capture_on_commit_callbacks is None:
        return client.post(NOTICE, data)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(NOTICE, data)


def test_every_comment_links_to_the_notice_form_with_its_address_filled_in(client, article, comment):
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/comments/illegal-content/?comment={comment.pk}"' in html
    assert "Report illegal content" in html

    form = client.get(f"{NOTICE}?comment={comment.pk}").content.decode()

    assert f'value="http://127.0.0.1:8000/comments/{comment.pk}/"' in form
    assert "I believe in good faith" in form


def test_a_notice_is_stored_acknowledged_at_once_and_first_in_the_queue(
    client, moderator, comment, django_capture_on_commit_callbacks
):
    response = send(client, notice_data(comment), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Thank you for your notice" in response.content.decode()
    notice = Notice.objects.get()
    assert (notice.comment, notice.name, notice.email, notice.good_faith) == (
        comment,
        "Nora Notifier",
        "nora@example.com",
        True,
    )
    [ack] = [message for message in mail.outbox if message.to == ["nora@example.com"]]
    assert ack.subject == f"[The Civic Ledger] We have your notice about a comment (reference {notice.pk})"
    assert "Defamation Act 2013, section 1" in ack.body
    assert f"http://127.0.0.1:8000/comments/{comment.pk}/" in ack.body
    assert any(message.to == ["Moderation desk <desk@example.org>"] for message in mail.outbox)

    client.force_login(moderator)
    queue = client.get(QUEUE).content.decode()  # notices waiting: the queue opens on them
    assert (
        'aria-current="page">Notices of illegal content <span class="moderation__count">(1)</span>' in queue
    )
    assert "The mayor took a bribe from the builder." in queue
    assert "Defamation Act 2013, section 1" in queue


def test_the_article_link_with_the_comment_anchor_is_a_location_too(client, article, comment):
    location = f"http://127.0.0.1:8000{article.get_absolute_url()}#comment-{comment.pk}"

    send(client, notice_data(comment, location=location))

    assert Notice.objects.get().comment == comment


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("", "Give the address of the comment you mean."),
        ("https://elsewhere.example.com/comments/1/", "is not the address of a comment on this site"),
        ("http://127.0.0.1:8000/comments/guidelines/", "is not the address of a comment on this site"),
        ("http://127.0.0.1:8000/comments/999999/", "is not the address of a comment on this site"),
        ("javascript:alert(1)", "is not the address of a comment on this site"),
    ],
)
def test_a_notice_must_point_at_a_comment_of_this_site(client, comment, location, why):
    response = send(client, notice_data(comment, location=location))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Your notice was not sent" in html
    assert why in html
    assert "The mayor took no bribe" in html  # nothing the sender wrote is lost
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_a_comment_anchor_on_another_article_is_not_that_comment(client, comment):
    other = CommentFactory(comment="Elsewhere.")
    location = f"http://127.0.0.1:8000{other.article.get_absolute_url()}#comment-{comment.pk}"

    response = send(client, notice_data(comment, location=location))

    assert response.status_code == 400
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("name", "Give your name"),
        ("email", "Give your email address"),
        ("legal_ground", "Say which law you think the comment breaks."),
        ("explanation", "Explain why you think the comment is illegal."),
        ("good_faith", "Confirm that you send this notice in good faith."),
    ],
)
def test_every_part_of_a_notice_is_required(client, comment, field, message):
    data = notice_data(comment)
    del data[field]

    response = send(client, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Notice.objects.exists()


def test_a_filled_honeypot_sends_nothing(client, comment):
    response = send(client, notice_data(comment, website="http://spam.example.com"))

    assert response.status_code == 400
    assert "only spam robots fill in" in response.content.decode()
    assert not Notice.objects.exists()


def test_notices_are_rate_limited_per_connection(client, comment):
    for n in range(5):
        assert send(client, notice_data(comment, name=f"Sender {n}")).status_code == 200

    response = send(client, notice_data(comment, name="Sender 6"))

    assert response.status_code == 400
    assert "You have sent 5 notices in the last hour" in response.content.decode()
    assert Notice.objects.count() == 5


def test_script_in_a_notice_is_shown_as_text_in_the_queue_and_the_emails(
    client, moderator, comment, django_capture_on_commit_callbacks
):
    send(
        client,
        notice_data(comment, name=f"Eve {SCRIPT}"[:100], legal_ground=SCRIPT, explanation=f"Look: {SCRIPT}"),
        django_capture_on_commit_callbacks,
    )
    [ack] = [message for message in mail.outbox if message.to == ["nora@example.com"]]
    ack_html = ack.alternatives[0][0]
    assert SCRIPT not in ack_html
    assert "&lt;script&gt;" in ack_html

    client.force_login(moderator)
    queue = client.get(f"{QUEUE}?tab=notices").content.decode()

    assert SCRIPT not in queue
    assert "&lt;script&gt;alert(&#x27;notice&#x27;)&lt;/script&gt;" in queue


def decide(client, moderator, notice, **data):
    client.force_login(moderator)
    return client.post(f"/comments/moderation/notices/{notice.pk}/decide/", data)


@pytest.fixture
def notice(client, comment):
    send(client, notice_data(comment))
    mail.outbox.clear()
    return Notice.objects.get()


def test_removing_after_a_notice_tells_the_sender_and_the_commenter(
    client, moderator, notice, comment, reasons, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, moderator, notice, outcome="remove", clause=reasons["defamation"].pk)

    comment.refresh_from_db()
    assert comment.is_removed
    notice.refresh_from_db()
    assert (notice.outcome, notice.clause, notice.decided_by) == ("removed", reasons["defamation"], moderator)
    [decision] = [message for message in mail.outbox if message.to == ["nora@example.com"]]
    assert decision.subject == (
        f"[The Civic Ledger] Our decision on your notice (reference {notice.pk}): the comment is removed"
    )
    assert "We removed the comment: it breaks our rule “Defamation”." in decision.body
    [statement] = [message for message in mail.outbox if message.to == ["larry@example.org"]]
    assert statement.subject == "[The Civic Ledger] Your comment was removed: Defamation"
    assert "nora" not in statement.body.lower()  # the commenter is not told who sent the notice
    assert StatementOfReasons.objects.get().decision == "removed"
    assert "No notices are waiting." in client.get(f"{QUEUE}?tab=notices").content.decode()


def test_removing_after_a_notice_needs_a_rule(client, moderator, notice, comment):
    response = decide(client, moderator, notice, outcome="remove")

    assert "Choose the rule of the guidelines" in client.get(response["Location"]).content.decode()
    comment.refresh_from_db()
    notice.refresh_from_db()
    assert comment.is_visible
    assert notice.decided_at is None


def test_no_action_needs_a_reason_and_tells_the_sender(
    client, moderator, notice, comment, django_capture_on_commit_callbacks
):
    response = decide(client, moderator, notice, outcome="no_action")
    assert "Say why no action is taken" in client.get(response["Location"]).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, moderator, notice, outcome="no_action", note="A fair report of a court case.")

    comment.refresh_from_db()
    notice.refresh_from_db()
    assert comment.is_visible
    assert notice.outcome == "no_action"
    [decision] = mail.outbox
    assert decision.to == ["nora@example.com"]
    assert "no action" in decision.subject
    assert "A fair report of a court case." in decision.body
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.comment, entry.note) == (
        "no_action",
        comment,
        "A fair report of a court case.",
    )


@pytest.mark.parametrize("role", [None, WRITER, EDITOR])
def test_no_one_without_the_moderator_role_sees_or_decides_notices(client, notice, role):
    person = UserFactory(roles=[role] if role else [])
    client.force_login(person)

    assert client.get(f"{QUEUE}?tab=notices").status_code == 403
    response = client.post(
        f"/comments/moderation/notices/{notice.pk}/decide/", {"outcome": "no_action", "note": "x"}
    )
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.decided_at is None


def test_signed_out_visitors_never_see_notices(client, notice, article):
    client.logout()

    assert client.get(f"{QUEUE}?tab=notices").status_code == 302
    assert "Nora Notifier" not in client.get(article.get_absolute_url()).content.decode()
    response = client.post(
        f"/comments/moderation/notices/{notice.pk}/decide/", {"outcome": "no_action", "note": "x"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.decided_at is None
