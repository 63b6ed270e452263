import json

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured

from accounts import exports
from accounts.roles import MODERATOR
from tests.accounts import panel_providers
from tests.accounts.conftest import sign_in
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_reader_downloads_everything_held_about_them_as_json(client, verified_reader):
    verified_reader.bio = "Reads the council pages."
    verified_reader.save(update_fields=["bio"])
    EmailAddress.objects.create(user=verified_reader, email="ada.new@example.org", verified=False)
    sign_in(client, "ada@example.org", password="a-wrong-guess")
    sign_in(client, "ada@example.org", REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Test Browser/1.0")

    response = client.get("/accounts/my-data/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="the-civic-ledger-my-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"] == {
        "email": "ada@example.org",
        "display_name": "Ada L.",
        "name_shown_to_readers": "Ada L.",
        "bio": "Reads the council pages.",
        "date_joined": data["profile"]["date_joined"],
        "last_login": data["profile"]["last_login"],
        "is_staff": False,
    }
    assert data["profile"]["last_login"] is not None
    assert data["email_addresses"] == [
        {"email": "ada.new@example.org", "verified": False, "primary": False},
        {"email": "ada@example.org", "verified": True, "primary": True},
    ]
    assert data["groups"] == []
    [login] = data["login_history"]
    assert login["ip_address"] == "198.51.100.4"
    assert login["browser"] == "Test Browser/1.0"
    assert data["about_this_file"]["site"] == "The Civic Ledger"


@pytest.mark.django_db
def test_the_export_holds_only_the_readers_own_records(client, verified_reader):
    UserFactory(email="bob@example.org", password="a-long-and-unusual-passphrase-42", verified=True)
    sign_in(client, "bob@example.org", REMOTE_ADDR="198.51.100.66")
    client.logout()
    sign_in(client, "ADA@example.org", REMOTE_ADDR="198.51.100.4")

    data = json.loads(client.get("/accounts/my-data/").content)

    assert "bob@example.org" not in json.dumps(data)
    assert [login["ip_address"] for login in data["login_history"]] == ["198.51.100.4"]


@pytest.mark.django_db
def test_staff_roles_are_in_the_export(client, moderator):
    client.force_login(moderator)

    data = json.loads(client.get("/accounts/my-data/").content)

    assert data["groups"] == [MODERATOR]
    assert data["profile"]["is_staff"] is True


@pytest.mark.django_db
def test_other_apps_add_their_sections_to_the_export(client, verified_reader, monkeypatch):
    monkeypatch.setattr(exports, "exporters", {})
    exports.register("saved_searches", panel_providers.export_saved_searches)
    client.force_login(verified_reader)

    data = json.loads(client.get("/accounts/my-data/").content)

    assert data["saved_searches"] == [{"query": "council budget", "owner": "ada@example.org"}]


def test_two_apps_cannot_claim_the_same_section_of_the_export(monkeypatch):
    monkeypatch.setattr(exports, "exporters", {})
    exports.register("saved_searches", panel_providers.export_saved_searches)

    with pytest.raises(ImproperlyConfigured, match="Two exporters for the 'saved_searches' section"):
        exports.register("saved_searches", lambda user: [])


@pytest.mark.django_db
def test_the_export_needs_a_signed_in_reader(client):
    assert client.get("/accounts/my-data/")["Location"] == "/accounts/login/?next=/accounts/my-data/"
