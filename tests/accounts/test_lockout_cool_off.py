"""What an attacker can and cannot do with the lockout (django-axes on address and IP): lock
only their own connection out, and only for the cool-off, however long they keep guessing."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
READER_AT_HOME = {"REMOTE_ADDR": "198.51.100.20"}


def lock_out(client, email, **extra):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, email, password=f"guess-{attempt}", **extra)
    assert response.status_code == 429
    return response


def test_an_attacker_guessing_from_elsewhere_does_not_stop_the_reader_signing_in(client, verified_reader):
    lock_out(client, "ada@example.org", **ATTACKER)

    assert sign_in(client, "ada@example.org", **READER_AT_HOME)["Location"] == "/accounts/"


def test_guessing_on_through_the_pause_does_not_make_it_last_longer(client, verified_reader):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        lock_out(client, "ada@example.org", **READER_AT_HOME)
        # Someone on the same connection (a shared office or café) keeps guessing all along.
        for _ in range(int(settings.AXES_COOLOFF_TIME.total_seconds() // 120)):
            clock.shift(timedelta(minutes=2))
            assert sign_in(client, "ada@example.org", password="guess", **READER_AT_HOME).status_code == 429

        clock.move_to(start + settings.AXES_COOLOFF_TIME + timedelta(seconds=5))
        response = sign_in(client, "ada@example.org", **READER_AT_HOME)

    assert response["Location"] == "/accounts/"


def test_the_pause_lifts_by_itself_after_the_cool_off_with_nothing_done(client, verified_reader):
    lock_out(client, "ada@example.org")
    assert AccessAttempt.objects.filter(username="ada@example.org").exists()

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=5)):
        response = sign_in(client, "ada@example.org")

    assert response["Location"] == "/accounts/"


def test_the_cool_off_is_minutes_not_hours_and_comes_from_the_setting():
    assert timedelta(minutes=1) <= settings.AXES_COOLOFF_TIME <= timedelta(hours=1)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False
