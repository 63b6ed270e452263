"""Appeals against removals and suspensions: once per decision, by the commenter concerned,
settled by a moderator who did not take the decision, with the outcome emailed and logged."""

import pytest
from django.core import mail

from accounts.roles import EDITOR, MODERATOR
from comments import dsa, services
from comments.models import Appeal, Comment, ModerationLogEntry, Suspension
from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

APPEALS = "/comments/moderation/?tab=appeals"


@pytest.fixture
def second_moderator(db):
    return UserFactory(email="mia@example.org", display_name="Mia Moderator", roles=[MODERATOR])


@pytest.fixture
def thread(article, commenter):
    """A thread of three: the commenter's reply sits between its parent and a later reply."""
    parent = CommentFactory(
        article=article,
        user=UserFactory(display_name="Alice Able"),
        comment="Where is the money coming from?",
    )
    reply = Comment(
        article=article, content_object=article, site_id=1, user=commenter, user_name=commenter.public_name,
        user_email=commenter.email, comment="From the reserves, says the report.", parent_id=parent.pk,
        is_public=True,
    )  # fmt: skip
    reply.save()
    later = Comment(
        article=article, content_object=article, site_id=1, user=UserFactory(), comment="Thanks.",
        parent_id=parent.pk, is_public=True,
    )  # fmt: skip
    later.save()
    return parent, reply, later


@pytest.fixture
def removed(thread, moderator, reasons, django_capture_on_commit_callbacks):
    _, reply, _ = thread
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_comment(
            comment=reply, by=moderator, reason=reasons["off-topic"], note="Not about this."
        )
    mail.outbox.clear()
    reply.refresh_from_db()
    return reply


def appeal_url(comment):
    return f"/comments/{comment.pk}/appeal/"


def file(client, user, comment, text="It answers the question above it."):
    client.force_login(user)
    return client.post(appeal_url(comment), {"text": text})


# Appealing -----------------------------------------------------------------------------------


def test_the_commenter_opens_the_appeal_page_from_the_statement_and_appeals(
    client, commenter, removed, django_capture_on_commit_callbacks
):
    client.force_login(commenter)
    page = client.get(appeal_url(removed)).content.decode()
    assert "Off topic" in page
    assert "From the reserves, says the report." in page
    assert 'href="/comments/guidelines/#rule-off-topic"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(appeal_url(removed), {"text": "It answers the question above it."})

    assert response.status_code == 200
    assert "Your appeal is sent" in response.content.decode()
    appeal = Appeal.objects.get()
    assert (appeal.appellant, appeal.text, appeal.outcome) == (
        commenter,
        "It answers the question above it.",
        "",
    )
    [alert] = mail.outbox
    assert alert.to == ["Moderation desk <desk@example.org>"]
    assert "/comments/moderation/?tab=appeals" in alert.body


def test_a_signed_out_commenter_is_sent_to_sign_in_first(client, removed):
    response = client.get(appeal_url(removed))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={appeal_url(removed)}"


def test_an_empty_appeal_is_refused_in_plain_words_and_nothing_is_stored(client, commenter, removed):
    response = file(client, commenter, removed, text="   ")

    assert response.status_code == 400
    assert "Tell us why you think the decision was wrong." in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_long_appeal_is_refused_and_its_text_kept_in_the_form(client, commenter, removed):
    response = file(client, commenter, removed, text="Because " * 300)

    assert response.status_code == 400
    html = response.content.decode()
    assert "the limit is 2000" in html
    assert "Because Because" in html
    assert not Appeal.objects.exists()


def test_a_second_appeal_is_refused_and_the_first_kept(client, commenter, removed):
    file(client, commenter, removed, text="First try.")

    response = file(client, commenter, removed, text="Second try.")

    assert response.status_code == 400
    assert "You have already appealed this decision" in response.content.decode()
    assert list(Appeal.objects.values_list("text", flat=True)) == ["First try."]


def test_a_comment_that_was_never_removed_cannot_be_appealed(client, commenter, thread):
    _, reply, _ = thread

    response = file(client, commenter, reply)

    assert response.status_code == 400
    assert "This comment was not removed, so there is no decision to appeal." in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_reader_cannot_appeal_someone_elses_comment(client, removed, make_commenter):
    response = file(client, make_commenter(), removed)

    assert response.status_code == 403
    assert "You can appeal only decisions about you." in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_service_refuses_a_second_appeal_and_someone_elses_too(commenter, removed, make_commenter):
    statement = dsa.removal_statement(comment=removed, user=commenter)
    dsa.file_appeal(statement=statement, by=commenter, text="Once.")

    with pytest.raises(services.CommentRefused, match="already appealed"):
        dsa.file_appeal(statement=statement, by=commenter, text="Twice.")
    with pytest.raises(services.CommentRefused, match="only decisions about you"):
        dsa.file_appeal(statement=statement, by=make_commenter(), text="Me too.")
    assert Appeal.objects.count() == 1


# Deciding ------------------------------------------------------------------------------------


def decide(client, user, appeal, outcome, note=""):
    client.force_login(user)
    return client.post(
        f"/comments/moderation/appeals/{appeal.pk}/decide/", {"outcome": outcome, "note": note}
    )


@pytest.fixture
def appeal(client, commenter, removed):
    file(client, commenter, removed)
    mail.outbox.clear()
    return Appeal.objects.get()


def test_the_appeals_tab_lists_the_appeal_for_another_moderator_to_decide(client, second_moderator, appeal):
    client.force_login(second_moderator)

    html = client.get(APPEALS).content.decode()

    assert 'Appeals <span class="moderation__count">(1)</span>' in html
    assert "It answers the question above it." in html
    assert "by Mo Moderator" in html
    assert "Reinstate<span" in html


def test_the_moderator_who_removed_the_comment_cannot_decide_its_appeal(client, moderator, appeal, removed):
    client.force_login(moderator)
    assert "You took the decision under appeal" in client.get(APPEALS).content.decode()

    response = decide(client, moderator, appeal, "reinstate")

    assert response.status_code == 403
    assert "another moderator must decide" in response.content.decode()
    appeal.refresh_from_db()
    removed.refresh_from_db()
    assert appeal.decided_at is None
    assert removed.is_removed
    assert mail.outbox == []
    assert not ModerationLogEntry.objects.filter(action__in=["upheld", "reinstated"]).exists()


def test_the_service_itself_refuses_the_moderator_who_took_the_decision(moderator, appeal):
    with pytest.raises(services.CommentRefused, match="another moderator must decide"):
        dsa.decide_appeal(appeal=appeal, by=moderator, reinstate=True)

    appeal.refresh_from_db()
    assert appeal.decided_at is None


@pytest.mark.parametrize("role", [None, EDITOR])
def test_readers_and_editors_cannot_see_or_decide_appeals(client, appeal, role):
    person = UserFactory(roles=[role] if role else [])
    client.force_login(person)

    assert client.get(APPEALS).status_code == 403
    assert decide(client, person, appeal, "reinstate").status_code == 403
    appeal.refresh_from_db()
    assert appeal.decided_at is None


def test_a_signed_out_visitor_is_sent_to_sign_in_from_the_appeals_tab(client, appeal):
    client.logout()

    response = client.get(APPEALS)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert (
        client.post(f"/comments/moderation/appeals/{appeal.pk}/decide/", {"outcome": "reinstate"}).status_code
        == 302
    )
    appeal.refresh_from_db()
    assert appeal.decided_at is None


def test_reinstating_puts_the_comment_back_in_its_place_and_tells_the_commenter(
    client, second_moderator, appeal, thread, article, django_capture_on_commit_callbacks
):
    parent, reply, later = thread
    before = Comment.objects.values_list("thread_id", "parent_id", "order", "level").get(pk=reply.pk)
    assert "From the reserves" not in client.get(article.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, second_moderator, appeal, "reinstate", note="Fair point, it was on topic.")

    reply.refresh_from_db()
    assert reply.is_visible
    assert Comment.objects.values_list("thread_id", "parent_id", "order", "level").get(pk=reply.pk) == before
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    # Back between its parent and the later reply, as it was.
    assert (
        html.index(parent.comment)
        < html.index("From the reserves, says the report.")
        < html.index(f'id="comment-{later.pk}"')
    )
    appeal.refresh_from_db()
    assert (appeal.outcome, appeal.decided_by) == ("reinstated", second_moderator)
    entry = ModerationLogEntry.objects.first()
    assert (entry.action, entry.actor, entry.comment) == ("reinstated", second_moderator, reply)
    [message] = mail.outbox
    assert message.to == [reply.user.email]
    assert message.subject == "[The Civic Ledger] Your appeal: your comment is back"
    assert "Fair point, it was on topic." in message.body
    assert f"http://127.0.0.1:8000/comments/{reply.pk}/" in message.body


def test_upholding_needs_a_reason_and_then_tells_the_commenter(
    client, second_moderator, appeal, removed, django_capture_on_commit_callbacks
):
    response = decide(client, second_moderator, appeal, "uphold")
    assert "Say why the decision stands" in client.get(response["Location"]).content.decode()
    appeal.refresh_from_db()
    assert appeal.decided_at is None

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, second_moderator, appeal, "uphold", note="It is about another article.")

    appeal.refresh_from_db()
    removed.refresh_from_db()
    assert appeal.outcome == "upheld"
    assert removed.is_removed
    [message] = mail.outbox
    assert message.subject == "[The Civic Ledger] Your appeal: the decision stands"
    assert "It is about another article." in message.body
    assert "It answers the question above it." in message.body
    entry = ModerationLogEntry.objects.first()
    assert (entry.action, entry.actor, entry.note) == (
        "upheld",
        second_moderator,
        "It is about another article.",
    )
    assert "Upheld a decision on appeal" in client.get("/comments/moderation/log/").content.decode()


def test_an_appeal_is_decided_once(client, second_moderator, appeal):
    decide(client, second_moderator, appeal, "uphold", note="No.")

    with pytest.raises(services.CommentRefused, match="already been decided"):
        dsa.decide_appeal(appeal=appeal, by=second_moderator, reinstate=True)


# Suspensions ---------------------------------------------------------------------------------


def test_reinstating_a_suspension_lifts_it(
    client, moderator, second_moderator, commenter, reasons, django_capture_on_commit_callbacks
):
    suspension = services.suspend_commenter(
        user=commenter, by=moderator, duration=None, reason="Spam.", clause=reasons["spam"]
    )
    client.force_login(commenter)
    url = f"/comments/suspensions/{suspension.pk}/appeal/"
    assert "Spam" in client.get(url).content.decode()
    client.post(url, {"text": "I posted one link, once."})
    appeal = Appeal.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, second_moderator, appeal, "reinstate")

    assert not Suspension.objects.active().filter(user=commenter).exists()
    assert [m.subject for m in mail.outbox if m.to == [commenter.email]][-1] == (
        "[The Civic Ledger] Your appeal: your suspension is lifted"
    )


def test_a_reader_cannot_appeal_someone_elses_suspension(
    client, moderator, commenter, reasons, make_commenter
):
    suspension = services.suspend_commenter(
        user=commenter, by=moderator, duration=None, reason="Spam.", clause=reasons["spam"]
    )
    client.force_login(make_commenter())

    response = client.post(f"/comments/suspensions/{suspension.pk}/appeal/", {"text": "Let them back."})

    assert response.status_code == 403
    assert not Appeal.objects.exists()
