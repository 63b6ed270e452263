"""The audit log: every admin change (single and bulk), workflow step and moderation decision
leaves an entry naming who, what, which object, when and from where; only superusers read
it, and nobody can change or delete it."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from articles.models import Article, Sponsor
from audit.models import AppendOnlyError, AuditEntry
from audit.services import record
from comments.models import Comment, ModerationLogEntry, Suspension
from enquiries.models import Enquiry
from tests.access.builders import BUILDERS, _reason
from tests.articles.editorial_helpers import article_form, change_url
from tests.factories import ArticleFactory, CommentFactory, SponsorFactory, UserFactory, singleton_row

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
LIST_URL = reverse("admin:audit_auditentry_changelist")


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


# Admin changes -------------------------------------------------------------------------------


def test_adding_changing_and_deleting_in_the_admin_each_leave_an_entry(client, editor):
    client.force_login(editor)

    client.post(
        reverse("admin:articles_sponsor_add"), {"name": "Harbour Bank", "url": "https://bank.example/"}
    )
    sponsor = Sponsor.objects.get(name="Harbour Bank")
    client.post(
        reverse("admin:articles_sponsor_change", args=[sponsor.pk]),
        {"name": "Harbour Bank plc", "url": "https://bank.example/"},
    )
    client.post(reverse("admin:articles_sponsor_delete", args=[sponsor.pk]), {"post": "yes"})

    logged = entries(object_type="articles.sponsor", object_id=str(sponsor.pk))
    assert [entry.action for entry in logged] == [Action.ADDED, Action.CHANGED, Action.DELETED]
    assert {entry.actor for entry in logged} == {editor}
    assert {entry.actor_name for entry in logged} == {"editor@example.org"}
    assert [entry.object_repr for entry in logged] == ["Harbour Bank", "Harbour Bank plc", "Harbour Bank plc"]
    assert logged[1].detail == {"change": "Changed Name."}
    assert {entry.ip_address for entry in logged} == {"127.0.0.1"}


def test_the_client_ip_is_the_one_our_trusted_proxy_saw_not_what_the_client_claims(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(editor)

    client.post(
        reverse("admin:articles_sponsor_add"),
        {"name": "Harbour Bank", "url": ""},
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5",
    )

    assert AuditEntry.objects.get(action=Action.ADDED).ip_address == "203.0.113.5"


def test_a_bulk_delete_leaves_one_entry_per_object_deleted(client, editor):
    sponsors = [SponsorFactory(name=f"Sponsor {letter}") for letter in "ABC"]
    client.force_login(editor)

    client.post(
        reverse("admin:articles_sponsor_changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in sponsors], "post": "yes"},
    )

    assert not Sponsor.objects.exists()
    logged = entries(action=Action.DELETED)
    assert sorted(entry.object_repr for entry in logged) == ["Sponsor A", "Sponsor B", "Sponsor C"]
    assert all(entry.actor == editor for entry in logged)
    assert all("Delete selected" in entry.detail["via"] for entry in logged)


def test_the_delete_confirmation_page_alone_records_nothing(client, editor):
    sponsor = SponsorFactory()
    client.force_login(editor)

    client.post(
        reverse("admin:articles_sponsor_changelist"),
        {"action": "delete_selected", "_selected_action": [sponsor.pk]},
    )

    assert Sponsor.objects.filter(pk=sponsor.pk).exists()
    assert not AuditEntry.objects.exists()


def test_a_bulk_publish_records_each_article_published_and_not_the_refused_one(client, editor):
    ready = [ArticleFactory(status=Article.Status.DRAFT, publish_at=None) for _ in range(2)]
    not_ready = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, standfirst="", body="")
    client.force_login(editor)

    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [a.pk for a in [*ready, not_ready]]},
    )

    logged = entries(action=Action.PUBLISHED)
    assert sorted(entry.object_id for entry in logged) == sorted(str(a.pk) for a in ready)
    assert all(entry.detail["via"] == "bulk action “Publish selected articles”" for entry in logged)
    assert not AuditEntry.objects.filter(object_id=str(not_ready.pk)).exists()


def test_a_bulk_action_that_records_nothing_itself_gets_one_entry_per_object(client, editor):
    article = ArticleFactory()
    enquiries = [
        Enquiry.objects.create(
            kind="article", article=article, name=f"Reader {n}", email="r@example.org", message="Why?",
            sent_to="desk@example.org",
        )
        for n in range(3)
    ]  # fmt: skip
    client.force_login(editor)

    client.post(
        reverse("admin:enquiries_enquiry_changelist"),
        {"action": "mark_answered", "_selected_action": [e.pk for e in enquiries]},
    )

    logged = entries(action=Action.BULK_ACTION)
    assert sorted(entry.object_id for entry in logged) == sorted(str(e.pk) for e in enquiries)
    assert {entry.detail["action"] for entry in logged} == {"Mark the selected enquiries as answered"}
    assert {entry.actor for entry in logged} == {editor}


def test_every_admin_action_is_audited():
    request = RequestFactory().get(LIST_URL)
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for model_admin in admin.site._registry.values():
        for name, action in model_admin.get_actions(request).items():
            assert getattr(action.func, "audited", False), f"{model_admin} action {name} is not audited"


# The editorial workflow ------------------------------------------------------------------------


def press(client, article, button, **fields):
    return client.post(change_url(article), article_form(article, **fields) | {button: button})


def test_each_workflow_step_leaves_its_entry(client, writer, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    client.force_login(writer)
    press(client, article, "_submit_review")
    # The writer leaves the page, letting go of the edit lock (articles/editing.py) the save held.
    client.post(reverse("admin:articles_article_release", args=[article.pk]))
    client.force_login(editor)
    article.refresh_from_db()
    press(client, article, "_publish", publish_at=timezone.now() + timedelta(days=1))
    article.refresh_from_db()
    press(client, article, "_back_to_draft")
    article.refresh_from_db()
    press(client, article, "_publish", publish_at=timezone.now() - timedelta(minutes=1))
    article.refresh_from_db()
    press(client, article, "_withdraw")

    steps = [
        (entry.action, entry.actor.email)
        for entry in entries(object_type="articles.article")
        if entry.action != Action.CHANGED
    ]
    assert steps == [
        (Action.SUBMITTED, "writer@example.org"),
        (Action.SCHEDULED, "editor@example.org"),
        (Action.UNSCHEDULED, "editor@example.org"),
        (Action.PUBLISHED, "editor@example.org"),
        (Action.WITHDRAWN, "editor@example.org"),
    ]
    # The saves around the buttons are admin changes in their own right.
    assert AuditEntry.objects.filter(object_type="articles.article", action=Action.CHANGED).count() == 5


def test_restoring_a_revision_is_recorded_with_the_revision_it_brought_back(client, editor):
    article = ArticleFactory(standfirst="First words.")
    article.standfirst = "Second words."
    article.save()
    oldest = article.history.order_by("history_date").first()
    client.force_login(editor)

    client.post(reverse("admin:articles_article_restore", args=[article.pk, oldest.pk]))

    entry = AuditEntry.objects.get(action=Action.RESTORED)
    assert entry.actor == editor
    assert entry.object_repr == article.headline
    assert entry.detail["revision"] == f"{timezone.localtime(oldest.history_date):%d %b %Y %H:%M}"


def test_a_scheduled_withdrawal_is_recorded_as_such():
    from articles import services

    editor = UserFactory(is_superuser=True, is_staff=True)
    article = ArticleFactory()
    later = timezone.now() + timedelta(days=2)

    services.withdraw_article(article=article, by=editor, at=later)

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.ip_address) == (Action.WITHDRAWAL_SCHEDULED, editor, None)
    assert entry.detail == {"withdraw_at": later.isoformat()}


# Moderation ----------------------------------------------------------------------------------
# Recorded once, in the moderation log: moderators read it on their log page, auditors in the
# admin, which the audit log links to. The audit log keeps no copy.


DECIDE = reverse("comments:moderation-decide")
MODERATION_LOG = reverse("admin:comments_moderationlogentry_changelist")


def audited_moderation(client, superuser):
    """The moderation decisions as a superuser reads them in the admin, oldest first."""
    client.force_login(superuser)
    page = client.get(MODERATION_LOG)
    assert page.status_code == 200
    return sorted(page.context["cl"].result_list, key=lambda entry: entry.pk)


def test_one_moderation_decision_is_recorded_once_and_read_by_moderators_and_auditors(
    client, moderator, superuser
):
    comment = CommentFactory(comment="Buy cheap watches at our shop.")
    client.force_login(moderator)

    client.post(
        DECIDE, {"single": f"remove:{comment.pk}", f"reason-{comment.pk}": _reason().pk, "note": "Link farm"}
    )

    entry = ModerationLogEntry.objects.get()
    assert not AuditEntry.objects.exists()
    log_page = client.get(reverse("comments:moderation-log")).content.decode()
    assert f"#{comment.pk}" in log_page
    assert "Spam: Link farm" in log_page
    assert client.get(LIST_URL).status_code == 403
    assert [
        (seen.pk, seen.action, seen.actor_address, seen.ip_address)
        for seen in audited_moderation(client, superuser)
    ] == [(entry.pk, "removed", "moderator@example.org", "127.0.0.1")]
    assert reverse("admin:comments_moderationlogentry_changelist") in client.get(LIST_URL).content.decode()


def test_moderation_decisions_are_recorded_with_their_reasons(client, moderator, superuser):
    held, spam_one, spam_two, flagged = (CommentFactory() for _ in range(4))
    Comment.objects.filter(pk=held.pk).update(is_public=False, published_at=None, held_reason="new")
    Comment.objects.filter(pk=flagged.pk).update(needs_review=True)
    reason = _reason()
    client.force_login(moderator)

    client.post(DECIDE, {"single": f"approve:{held.pk}"})
    client.post(
        DECIDE,
        {"action": "remove", "comments": [spam_one.pk, spam_two.pk], "reason": reason.pk, "note": "Links"},
    )
    client.post(DECIDE, {"single": f"review:{flagged.pk}"})

    seen = audited_moderation(client, superuser)
    assert [(entry.action, entry.comment_id) for entry in seen] == [
        ("approved", held.pk),
        ("removed", spam_one.pk),
        ("removed", spam_two.pk),
        ("reviewed", flagged.pk),
    ]
    assert all((entry.reason, entry.note) == (reason, "Links") for entry in seen if entry.action == "removed")
    assert {(entry.actor, entry.actor_address) for entry in seen} == {(moderator, moderator.email)}


def test_suspending_and_lifting_are_recorded_with_the_reason(client, moderator, superuser):
    commenter = UserFactory(email="troll@example.org")
    url = reverse("comments:moderation-commenter", kwargs={"user_id": commenter.pk})
    client.force_login(moderator)

    spam = _reason()
    client.post(url, {"duration": "7", "reason": "Spamming links.", "clause": spam.pk})
    client.post(url, {"lift": Suspension.objects.get(user=commenter).pk})

    suspended, lifted = audited_moderation(client, superuser)
    assert (suspended.action, suspended.subject, suspended.reason) == ("suspended", commenter, spam)
    assert suspended.note == "Suspended for 7 days: Spamming links."
    assert (lifted.action, lifted.actor, lifted.note) == ("lifted", moderator, "Lifted: Spamming links.")


def test_a_comment_hidden_by_readers_reports_is_recorded_without_an_actor(client, superuser):
    from comments import services
    from comments.models import CommentPolicy

    policy = singleton_row(CommentPolicy)
    policy.reports_to_hide = 1
    policy.save()
    comment = CommentFactory()

    services.report_comment(comment=comment, reporter=UserFactory(), reason=_reason())

    (entry,) = audited_moderation(client, superuser)
    assert (entry.action, entry.actor, entry.actor_address, entry.actor_name) == (
        "hidden",
        None,
        "",
        "Automatic",
    )


def test_a_deleted_moderators_decisions_still_name_the_address_they_acted_under(client, moderator, superuser):
    comment = CommentFactory()
    client.force_login(moderator)
    client.post(DECIDE, {"single": f"review:{comment.pk}"})

    moderator.delete()

    (entry,) = audited_moderation(client, superuser)
    assert (entry.actor, entry.actor_address, entry.actor_name) == (
        None,
        "moderator@example.org",
        "A deleted account",
    )


# Who may read it, and that it cannot be changed ----------------------------------------------------


@pytest.mark.parametrize("persona", ["writer", "editor", "moderator"])
def test_staff_other_than_superusers_cannot_read_the_log_even_when_granted_its_permission(
    client, persona, request
):
    person = request.getfixturevalue(persona)
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.set(Permission.objects.filter(content_type__app_label="audit"))
    person.groups.add(auditors)
    entry = record(Action.PUBLISHED, ArticleFactory(), actor=None)
    client.force_login(person)

    assert (
        reverse("admin:audit_auditentry_changelist")
        not in client.get(reverse("admin:index")).content.decode()
    )
    assert client.get(LIST_URL).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 403


def test_a_superuser_reads_the_log_filtered_by_actor_action_and_date_and_searched(client, superuser, editor):
    old = ArticleFactory(headline="Harbour plan approved")
    new = ArticleFactory(headline="School budget cut")
    record(Action.PUBLISHED, old, actor=editor)
    record(Action.WITHDRAWN, new, actor=superuser)
    client.force_login(superuser)

    def rows(query):
        page = client.get(LIST_URL + query)
        assert page.status_code == 200
        return {entry.object_repr for entry in page.context["cl"].result_list}

    assert rows("") == {"Harbour plan approved", "School budget cut"}
    assert rows(f"?actor={editor.pk}") == {"Harbour plan approved"}
    assert rows("?action=withdrawn") == {"School budget cut"}
    assert rows("?q=harbour") == {"Harbour plan approved"}
    assert rows("?q=chief@") == {"School budget cut"}
    # The list's own "Today" link: from local midnight to the next.
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    since = urlencode({"created_at__gte": str(today), "created_at__lt": str(today + timedelta(days=1))})
    assert rows(f"?{since}") == {
        "Harbour plan approved",
        "School budget cut",
    }


def test_nobody_can_add_change_or_delete_entries_through_the_admin_not_even_a_superuser(client, superuser):
    entry = record(Action.PUBLISHED, ArticleFactory(headline="Harbour plan approved"), actor=None)
    client.force_login(superuser)

    page = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).content.decode()
    assert 'name="_save"' not in page
    assert client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {}).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_add"), {}).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})

    entry.refresh_from_db()
    assert entry.object_repr == "Harbour plan approved"
    assert AuditEntry.objects.count() == 1


def test_entries_refuse_changes_in_python_and_in_the_database():
    entry = record(Action.PUBLISHED, ArticleFactory(), actor=None)

    entry.object_repr = "Something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(object_repr="Something else")
    for sql in ("UPDATE audit_auditentry SET object_repr = 'x'", "DELETE FROM audit_auditentry"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.get().object_repr != "Something else"


def test_deleting_an_account_keeps_its_entries_with_the_address_it_acted_under(editor):
    entry = record(Action.PUBLISHED, ArticleFactory(), actor=editor)

    editor.delete()

    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor, entry.actor_name) == (None, "editor@example.org")


def test_the_builders_cover_the_audit_log_itself():
    assert "audit.auditentry" in BUILDERS


def test_a_filtered_list_is_counted_only_up_to_the_cap(client, superuser, monkeypatch):
    from audit import admin as audit_admin

    monkeypatch.setattr(audit_admin, "COUNT_CAP", 2)
    article = ArticleFactory()
    for _ in range(3):
        record(Action.PUBLISHED, article, actor=None)
    client.force_login(superuser)

    page = client.get(LIST_URL + "?action=published")

    assert page.context["cl"].result_count == 2


def test_the_benchmark_refuses_to_fill_anything_but_a_scratch_database():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="scratch database"):
        call_command("audit_benchmark", rows=10)
    assert not AuditEntry.objects.exists()
