"""The moderation queue for the Moderator role: tabs, decisions singly and in bulk, the log,
removal emails, suspensions, and who may do what."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import EDITOR, MODERATOR, WRITER
from comments.models import Comment, Guidelines, ModerationLogEntry, Report, Suspension
from tests.comments.conftest import form_data, post_url
from tests.factories import ArticleFactory, UserFactory, singleton_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

QUEUE = "/comments/moderation/"
DECIDE = "/comments/moderation/decide/"


def add(article, text, *, user=None, **fields):
    user = user or UserFactory()
    fields.setdefault("published_at", timezone.now() if fields.get("is_public", True) else None)
    comment = Comment(
        article=article, content_object=article, site_id=1, user=user, user_name=user.public_name,
        user_email=user.email, comment=text, **fields,
    )  # fmt: skip
    comment.save()
    return comment


@pytest.fixture
def held(article):
    author = UserFactory(email="hal@example.org", display_name="Hal Held")
    return add(article, "Please approve me.", user=author, is_public=False, held_reason="new")


# Who may moderate --------------------------------------------------------------------------


def test_a_moderator_opens_the_queue(client, moderator, held):
    client.force_login(moderator)

    response = client.get(QUEUE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please approve me." in html
    assert "Council agrees new housing plan" in html
    assert "Hal Held" in html


@pytest.mark.parametrize("role", [EDITOR, WRITER])
def test_staff_without_the_moderator_role_cannot_moderate(client, held, role):
    staff = UserFactory(roles=[role])
    client.force_login(staff)

    assert client.get(QUEUE).status_code == 403
    response = client.post(DECIDE, {"single": f"approve:{held.pk}"})

    assert response.status_code == 403
    held.refresh_from_db()
    assert held.is_held


@pytest.mark.parametrize("path", [QUEUE, "/comments/moderation/log/", "/comments/moderation/commenters/1/"])
def test_a_signed_out_moderator_is_sent_to_sign_in_and_back(client, path):
    # A bookmarked queue opens the sign-in page rather than a bare "forbidden".
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_signing_out_then_deciding_changes_nothing_and_asks_to_sign_in(client, held):
    response = client.post(DECIDE, {"single": f"approve:{held.pk}"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    held.refresh_from_db()
    assert held.is_held


def test_a_reader_cannot_moderate(client, commenter, held):
    client.force_login(commenter)

    assert client.get(QUEUE).status_code == 403
    assert client.post(DECIDE, {"single": f"approve:{held.pk}"}).status_code == 403


def test_an_editor_can_read_comments_and_the_log_but_not_decide(client, editor, held):
    client.force_login(editor)

    assert editor.has_perm("comments.view_comment")
    assert not editor.has_perm("comments.moderate_comment")
    assert client.get("/admin/comments/comment/").status_code == 200
    assert client.get("/comments/moderation/log/").status_code == 200
    assert client.get(f"/admin/comments/comment/{held.pk}/change/").status_code == 200


def test_a_moderator_cannot_edit_articles(moderator):
    assert moderator.has_perm("comments.moderate_comment")
    assert not moderator.has_perm("articles.change_article")
    assert not moderator.has_perm("articles.publish_article")


def test_a_writer_cannot_see_comments_in_the_admin(client, writer):
    client.force_login(writer)

    assert client.get("/admin/comments/comment/").status_code == 403


# The queue ---------------------------------------------------------------------------------


def test_the_tabs_show_held_reported_and_all_comments(client, moderator, article, held, reasons):
    published = add(article, "A fine comment.")
    reported = add(article, "A reported comment.")
    Report.objects.create(comment=reported, reporter=UserFactory(), reason=reasons["spam"], note="Ad link")
    flagged = add(
        article, "A flagged comment.", needs_review=True, moderation_note="Contains the suspect word “liar”."
    )
    client.force_login(moderator)

    held_tab = client.get(QUEUE + "?tab=held").content.decode()
    reported_tab = client.get(QUEUE + "?tab=reported").content.decode()
    all_tab = client.get(QUEUE + "?tab=all").content.decode()

    assert held.comment in held_tab
    assert published.comment not in held_tab
    assert reported.comment in reported_tab
    assert flagged.comment in reported_tab
    assert "Reported for Spam: “Ad link”" in reported_tab
    assert "Contains the suspect word “liar”." in reported_tab
    assert held.comment not in reported_tab
    for comment in (held, published, reported, flagged):
        assert comment.comment in all_tab


def test_each_row_shows_the_commenters_history(client, moderator, article, reasons):
    author = UserFactory(display_name="Pat Prolific")
    for n in range(3):
        add(article, f"Approved {n}.", user=author)
    removed = add(article, "Removed one.", user=author, is_removed=True)
    Report.objects.create(comment=removed, reporter=UserFactory(), reason=reasons["abuse"])
    add(article, "Now held.", user=author, is_public=False)
    client.force_login(moderator)

    html = client.get(QUEUE + "?tab=held").content.decode()

    assert "3 approved · 1 removed · 1 report" in html


def test_a_reply_in_the_queue_shows_the_comment_it_answers(client, moderator, article):
    question = add(article, "Who pays for the new homes?", user=UserFactory(display_name="Quinn"))
    reply = Comment(
        article=article, content_object=article, site_id=1, user=UserFactory(display_name="Rae"),
        user_name="Rae", comment="The developer, under the agreement.", parent_id=question.pk,
        is_public=False, held_reason="new",
    )  # fmt: skip
    reply.save()
    client.force_login(moderator)

    row = client.get(QUEUE + "?tab=held").content.decode()

    assert "In reply to Quinn:" in row
    assert row.index("Who pays for the new homes?") < row.index("The developer, under the agreement.")


def test_the_new_commenter_label_follows_the_policys_definition(client, moderator, article, policy):
    policy.hold_first_comments = 2
    policy.save()
    newcomer = UserFactory(display_name="Nell New")
    add(article, "Nell's first, waiting.", user=newcomer, is_public=False, held_reason="new")
    regular = UserFactory(display_name="Reg Regular")
    add(article, "Reg's early one, still waiting.", user=regular, is_public=False, held_reason="new")
    for n in range(3):
        add(article, f"Reg approved {n}.", user=regular)
    client.force_login(moderator)

    html = client.get(QUEUE + "?tab=held").content.decode()

    assert "New commenter: 0 of the first 2 comments approved" in html
    assert "Held as a new commenter; 3 comments approved since" in html
    assert html.count("New commenter") == 1


def test_the_new_commenter_label_counts_an_anonymous_commenters_address(client, moderator, article, policy):
    policy.hold_first_comments = 1
    policy.save()
    for text, public in (("Approved before.", True), ("Waiting now.", False)):
        Comment(
            article=article, content_object=article, site_id=1, user_name="Visitor",
            user_email="Visitor@Example.org" if public else "visitor@example.org", comment=text,
            is_public=public, published_at=timezone.now() if public else None,
            held_reason="" if public else "new",
        ).save()  # fmt: skip
    client.force_login(moderator)

    html = client.get(QUEUE + "?tab=held").content.decode()

    assert "Held as a new commenter; 1 comment approved since" in html


def test_the_queue_counts_a_single_comment_in_the_singular(client, moderator, held):
    client.force_login(moderator)

    html = client.get(QUEUE).content.decode()

    assert "1 comment, page 1 of 1" in html
    assert "1 comments" not in html


@pytest.mark.parametrize(
    ("query", "found"),
    [("money", "Where is the money?"), ("zed@example.org", "By Zed."), ("Bridge", "On the bridge.")],
)
def test_the_queue_searches_text_commenter_and_article(client, moderator, query, found):
    housing = ArticleFactory(headline="Housing plan")
    bridge = ArticleFactory(headline="Bridge closure")
    add(housing, "Where is the money?", is_public=False)
    add(housing, "By Zed.", user=UserFactory(email="zed@example.org"), is_public=False)
    add(bridge, "On the bridge.", is_public=False)
    client.force_login(moderator)

    html = client.get(QUEUE + f"?tab=all&q={query}").content.decode()

    assert found in html
    others = {"Where is the money?", "By Zed.", "On the bridge."} - {found}
    assert not any(text in html for text in others)


# Decisions ---------------------------------------------------------------------------------


def test_approving_publishes_the_comment_and_logs_who_did_it(
    client, moderator, held, article, django_capture_on_commit_callbacks
):
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DECIDE, {"single": f"approve:{held.pk}", "next": QUEUE})

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.is_visible
    assert held.published_at is not None
    assert "Please approve me." in client.get(article.get_absolute_url()).content.decode()
    entry = ModerationLogEntry.objects.get()
    assert (entry.actor, entry.action, entry.comment, entry.subject) == (
        moderator,
        "approved",
        held,
        held.user,
    )
    assert "Approved: 1 comment." in client.get(QUEUE).content.decode()


def test_removal_needs_a_reason(client, moderator, held):
    client.force_login(moderator)

    response = client.post(DECIDE, {"single": f"remove:{held.pk}", "next": QUEUE}, follow=True)

    assert "Choose the guideline the comment breaks before removing it." in response.content.decode()
    held.refresh_from_db()
    assert not held.is_removed


def test_removal_emails_the_author_the_reason_and_the_guidelines(
    client, moderator, article, reasons, django_capture_on_commit_callbacks
):
    # The row the migration made (a transactional test run earlier in this process empties it).
    guidelines = singleton_row(Guidelines)
    author = UserFactory(email="troll@example.org", display_name="Terry Troll")
    comment = add(article, "You are all idiots.", user=author)
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            DECIDE,
            {
                "single": f"remove:{comment.pk}",
                f"reason-{comment.pk}": reasons["abuse"].pk,
                "note": "Insults.",
            },
        )

    comment.refresh_from_db()
    assert comment.is_removed
    assert comment.removal_reason == reasons["abuse"]
    assert "You are all idiots." not in client.get(article.get_absolute_url()).content.decode()
    [message] = mail.outbox
    assert message.to == ["troll@example.org"]
    assert message.subject == "[The Civic Ledger] Your comment was removed: Abuse"
    assert f"Abuse: {reasons['abuse'].description}" in message.body
    assert "The moderator added: Insults." in message.body
    assert "http://127.0.0.1:8000/comments/guidelines/" in message.body
    assert f"last changed {guidelines.updated_at:%-d %B %Y}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Abuse</strong>" in html
    assert 'href="http://127.0.0.1:8000/comments/guidelines/"' in html
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.reason, entry.note) == ("removed", reasons["abuse"], "Insults.")


def test_marking_as_reviewed_clears_reports_and_the_flag_but_keeps_the_comment(
    client, moderator, article, reasons
):
    comment = add(article, "Borderline.", needs_review=True)
    Report.objects.create(comment=comment, reporter=UserFactory(), reason=reasons["off-topic"])
    client.force_login(moderator)

    client.post(DECIDE, {"single": f"review:{comment.pk}"})

    comment.refresh_from_db()
    assert comment.is_visible
    assert not comment.needs_review
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert "Borderline." not in client.get(QUEUE + "?tab=reported").content.decode()
    assert ModerationLogEntry.objects.get().action == "reviewed"


def test_bulk_decisions_apply_to_every_selected_comment(client, moderator, article, reasons):
    spam = [add(article, f"Buy pills {n}", is_public=False) for n in range(3)]
    keep = add(article, "A real comment.", is_public=False)
    client.force_login(moderator)

    client.post(DECIDE, {"action": "remove", "comments": [c.pk for c in spam], "reason": reasons["spam"].pk})

    assert Comment.objects.filter(is_removed=True).count() == 3
    keep.refresh_from_db()
    assert keep.is_held
    assert ModerationLogEntry.objects.filter(action="removed", reason=reasons["spam"]).count() == 3


def test_a_hidden_comment_is_restored_when_a_moderator_approves_it(client, moderator, article, reasons):
    comment = add(article, "Unfairly reported.", is_public=False, held_reason="reports")
    Report.objects.create(comment=comment, reporter=UserFactory(), reason=reasons["abuse"])
    client.force_login(moderator)

    client.post(DECIDE, {"single": f"approve:{comment.pk}"})

    comment.refresh_from_db()
    assert comment.is_visible
    assert not Report.objects.filter(resolved_at__isnull=True).exists()


# Suspensions -------------------------------------------------------------------------------


def test_a_moderator_suspends_a_reader_who_then_cannot_comment(
    client, moderator, commenter, article, reasons
):
    client.force_login(moderator)

    response = client.post(
        f"/comments/moderation/commenters/{commenter.pk}/",
        {"duration": "7", "reason": "Personal attacks.", "clause": reasons["abuse"].pk},
    )

    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert (suspension.user, suspension.created_by, suspension.reason) == (
        commenter,
        moderator,
        "Personal attacks.",
    )
    assert 6 <= (suspension.ends_at - timezone.now()).days <= 7
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.subject, entry.note) == (
        "suspended",
        commenter,
        "Suspended for 7 days: Personal attacks.",
    )
    client.force_login(commenter)
    refused = client.post(post_url(article), form_data(article, "Let me speak."))
    assert "You cannot comment until" in refused.content.decode()


def test_a_permanent_suspension_and_lifting_it(client, moderator, commenter, reasons):
    client.force_login(moderator)
    url = f"/comments/moderation/commenters/{commenter.pk}/"
    client.post(url, {"duration": "permanent", "reason": "Spam account.", "clause": reasons["spam"].pk})
    suspension = Suspension.objects.get()
    assert suspension.is_permanent
    assert "Suspended permanently" in client.get(url).content.decode()

    client.post(url, {"lift": suspension.pk})

    assert not Suspension.objects.active().exists()
    assert list(ModerationLogEntry.objects.values_list("action", flat=True)) == ["lifted", "suspended"]


def test_a_suspension_needs_a_reason(client, moderator, commenter):
    client.force_login(moderator)

    response = client.post(
        f"/comments/moderation/commenters/{commenter.pk}/", {"duration": "1", "reason": ""}
    )

    assert response.status_code == 400
    assert "Give the reason the reader will see." in response.content.decode()
    assert not Suspension.objects.exists()


def test_an_editor_cannot_suspend_readers(client, editor, commenter):
    client.force_login(editor)

    response = client.post(
        f"/comments/moderation/commenters/{commenter.pk}/", {"duration": "1", "reason": "x"}
    )

    assert response.status_code == 403


# The log -----------------------------------------------------------------------------------


def test_the_log_shows_who_did_what_to_which_comment_and_why(client, moderator, editor, held, reasons):
    client.force_login(moderator)
    client.post(
        DECIDE, {"single": f"remove:{held.pk}", f"reason-{held.pk}": reasons["spam"].pk, "note": "Link farm"}
    )
    client.force_login(editor)

    html = client.get("/comments/moderation/log/").content.decode()

    assert "Mo Moderator" in html
    assert "Removed" in html
    assert f"#{held.pk}" in html
    assert "Spam: Link farm" in html
    assert "Hal Held" in html


def test_the_log_is_not_for_readers(client, commenter):
    client.force_login(commenter)

    assert client.get("/comments/moderation/log/").status_code == 403


def test_the_role_table_gives_comment_permissions_only_to_moderators(db):
    moderator = UserFactory(roles=[MODERATOR])
    editor = UserFactory(roles=[EDITOR])
    writer = UserFactory(roles=[WRITER])

    assert moderator.has_perm("comments.moderate_comment")
    assert moderator.has_perm("comments.change_guidelines")
    assert moderator.has_perm("comments.change_commentpolicy")
    assert not editor.has_perm("comments.moderate_comment")
    assert editor.has_perm("comments.view_moderationlogentry")
    assert not writer.has_perm("comments.view_comment")


def test_the_queue_page_costs_the_same_few_queries_for_many_rows(
    client, moderator, article, reasons, django_assert_max_num_queries
):
    for n in range(30):
        comment = add(ArticleFactory(), f"Held {n}.", is_public=False, held_reason="new")
        Report.objects.create(comment=comment, reporter=UserFactory(), reason=reasons["spam"])
        # Replies and commenters without an account: their parents and histories come in
        # one query each, whatever their number.
        Comment(
            article=comment.article, content_object=comment.article, site_id=1, user_name="Visitor",
            user_email=f"visitor{n}@example.org", comment=f"Reply {n}.", parent_id=comment.pk,
            is_public=False, held_reason="new",
        ).save()  # fmt: skip
    client.force_login(moderator)
    client.get(QUEUE)

    with django_assert_max_num_queries(14):
        response = client.get(QUEUE + "?tab=all")

    html = response.content.decode()
    assert html.count('class="moderation__row"') == 50
    assert html.count("In reply to") == 25
