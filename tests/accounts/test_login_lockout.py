from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.accounts.conftest import PASSWORD, make_verified_reader, sign_in
from tests.factories import UserFactory

ELSEWHERE = {"REMOTE_ADDR": "203.0.113.7"}


def fail_until_locked(client, email, **extra):
    responses = [
        sign_in(client, email, password=f"guess-{attempt}", **extra)
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    return responses[-1]


@pytest.mark.django_db
def test_repeated_wrong_passwords_pause_sign_ins_with_a_clear_message(client, verified_reader):
    assert sign_in(client, "ada@example.org", password="guess").status_code == 200

    locked = fail_until_locked(client, "ada@example.org")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many attempts to sign in" in page
    assert f"paused sign-ins for it for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert 'role="alert"' in page
    # Even the right password is refused while the pause lasts.
    assert sign_in(client, "ada@example.org").status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_changing_the_letter_case_of_the_address_does_not_buy_more_guesses(client, verified_reader):
    for attempt, spelling in enumerate(["ada@example.org", "ADA@example.org", "Ada@Example.org"] * 2):
        response = sign_in(client, spelling, password=f"guess-{attempt}")
        if response.status_code == 429:
            break

    assert response.status_code == 429
    assert attempt + 1 == settings.AXES_FAILURE_LIMIT


@pytest.mark.django_db
def test_the_pause_covers_only_that_address_from_that_connection(client, verified_reader):
    make_verified_reader(email="bea@example.org", display_name="Bea")
    fail_until_locked(client, "ada@example.org")

    assert sign_in(client, "ada@example.org", **ELSEWHERE)["Location"] == "/accounts/"
    client.logout()
    assert sign_in(client, "bea@example.org")["Location"] == "/accounts/"


@pytest.mark.django_db
def test_the_pause_ends_on_time_even_if_the_reader_tries_again_meanwhile(client, verified_reader):
    fail_until_locked(client, "ada@example.org")

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME - timedelta(minutes=1)):
        assert sign_in(client, "ada@example.org").status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=2)):
        response = sign_in(client, "ada@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_count_of_failures(client, verified_reader):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "ada@example.org", password=f"guess-{attempt}")
    sign_in(client, "ada@example.org")
    client.logout()

    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "ada@example.org", password=f"guess-{attempt}")

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_admin_login_is_paused_the_same_way(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "Editor@example.org", "password": f"guess-{attempt}"}
        )

    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    right_password = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor@example.org", "password": "correct-horse-battery-staple"},
    )
    assert right_password.status_code == 429
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_guesses_at_the_admin_and_at_the_reader_login_add_up(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/admin/login/", {"username": "editor@example.org", "password": f"guess-{attempt}"})

    assert sign_in(client, "editor@example.org", password="one-more-guess").status_code == 429


@pytest.mark.django_db
def test_staff_sign_in_to_the_admin_with_their_email_address(client, editor):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "EDITOR@example.org", "password": "correct-horse-battery-staple"},
    )

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_readers_cannot_reach_the_admin(client):
    reader = UserFactory(email="rita@example.org", password=PASSWORD)

    refused = client.post(
        "/admin/login/?next=/admin/", {"username": "rita@example.org", "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert (
        "Please enter the correct email address and password for a staff account" in refused.content.decode()
    )

    client.force_login(reader)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/accounts/user/").status_code == 302
