"""The comment guidelines page: written by staff in the admin, dated, listing the rules."""

import pytest
from django.utils.html import escape

from comments.models import Guidelines, ModerationReason
from tests.factories import singleton_row

pytestmark = pytest.mark.django_db


def test_the_guidelines_page_shows_the_text_the_rules_and_when_it_changed(client, reasons):
    guidelines = singleton_row(Guidelines)
    guidelines.body = "<p>Be kind.</p><script>alert(1)</script>"
    guidelines.save()

    response = client.get("/comments/guidelines/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>Be kind.</p>" in html
    assert "<script>alert" not in html
    assert f'Last changed <time datetime="{guidelines.updated_at:%Y-%m-%d}' in html
    for reason in ModerationReason.objects.filter(is_active=True):
        assert escape(reason.name) in html
        assert escape(reason.description) in html


def test_a_moderator_updates_the_guidelines_in_the_admin_and_the_date_moves(client, moderator):
    guidelines = singleton_row(Guidelines)
    before = guidelines.updated_at
    client.force_login(moderator)

    response = client.post(
        f"/admin/comments/guidelines/{guidelines.pk}/change/",
        {"title": "House rules", "body": "<p>Argue with ideas, not people.</p>"},
    )

    assert response.status_code == 302
    guidelines.refresh_from_db()
    assert guidelines.title == "House rules"
    assert guidelines.updated_at > before
    assert guidelines.updated_by == moderator
    assert "Argue with ideas, not people." in client.get("/comments/guidelines/").content.decode()


def test_a_moderator_adds_a_moderation_reason_and_readers_can_report_with_it(client, moderator, reasons):
    client.force_login(moderator)

    client.post(
        "/admin/comments/moderationreason/add/",
        {"name": "Sockpuppetry", "slug": "sockpuppetry", "description": "Pretending to be someone else.",
         "position": 5, "is_active": "on"},
    )  # fmt: skip

    assert ModerationReason.objects.filter(name="Sockpuppetry").exists()
    assert "Pretending to be someone else." in client.get("/comments/guidelines/").content.decode()


def test_the_data_migration_seeds_the_reasons_guidelines_and_policy():
    from importlib import import_module

    from django.apps import apps

    from comments.models import CommentPolicy

    ModerationReason.objects.all().delete()
    Guidelines.objects.all().delete()
    CommentPolicy.objects.all().delete()
    seed = import_module("comments.migrations.0002_seed_guidelines_and_reasons").seed

    seed(apps, None)

    names = set(ModerationReason.objects.values_list("name", flat=True))
    assert {"Abuse", "Hate speech", "Spam", "Off topic", "Defamation", "Personal information"} <= names
    assert "Disagree as strongly as you like with ideas" in Guidelines.current().body
    assert CommentPolicy.current().allow_anonymous is False
