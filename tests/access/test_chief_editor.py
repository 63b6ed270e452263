"""The chief editor runs the site (settings, accounts, partner feeds) on top of an editor's
rights, but can never raise anyone, themselves included, above the roles."""

import pytest
from django.urls import reverse

from newsroom.models import SiteSettings
from tests.admin_forms import submit_change_form
from tests.factories import UserFactory, singleton_row

pytestmark = pytest.mark.django_db


def test_the_chief_editor_fills_in_the_site_settings_and_readers_see_them(
    client, chief_editor, django_capture_on_commit_callbacks
):
    url = reverse("admin:newsroom_sitesettings_change", args=[singleton_row(SiteSettings).pk])

    # The save announces the change once it commits (newsroom/changes.py).
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            chief_editor,
            url,
            publisher_name="Ledger Media Cooperative",
            **{
                "sister_publications-0-name": "The Harbour Gazette",
                "sister_publications-0-url": "https://gazette.example.org/",
            },
        )

    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Ledger Media Cooperative" in html
    assert "The Harbour Gazette" in html


def test_the_chief_editor_cannot_make_anyone_a_superuser(chief_editor):
    colleague = UserFactory(email="colleague@example.org")

    response = submit_change_form(
        chief_editor, reverse("admin:accounts_user_change", args=[colleague.pk]), is_superuser="on"
    )

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_superuser


def test_the_chief_editor_cannot_change_a_superusers_account(client, chief_editor, superuser):
    client.force_login(chief_editor)
    url = reverse("admin:accounts_user_change", args=[superuser.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"email": "taken.over@example.org", "_save": "Save"})

    assert 'name="_save"' not in page
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "chief@example.org"


def test_a_writer_cannot_open_the_site_settings(client, writer):
    client.force_login(writer)

    response = client.get(
        reverse("admin:newsroom_sitesettings_change", args=[singleton_row(SiteSettings).pk])
    )

    assert response.status_code == 403
