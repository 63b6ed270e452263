"""Sign-in attempts are counted per client IP and per submitted address before any password
is hashed. Over the per-IP limit the answer is a plain 429 page; over the per-address limit,
a short wait (tests/accounts/test_busy_address.py). Either way no hash is computed."""

import logging
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from tests.accounts.conftest import comparable, make_verified_reader, sign_in
from tests.accounts.hashing import counting_hashes

pytestmark = pytest.mark.django_db

REFUSAL = "Too many attempts, try again in 1 minute"


@pytest.fixture
def tight_limits(settings):
    settings.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 3
    settings.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE = 3
    return settings


@pytest.fixture
def clock():
    # Early in a minute, so a test's attempts all fall in one counting window.
    now = timezone.now().replace(second=1, microsecond=0)
    with time_machine.travel(now, tick=True) as traveller:
        yield traveller


def from_ip(address):
    return {"REMOTE_ADDR": address}


def test_over_the_per_ip_limit_the_reader_login_answers_429_without_hashing(client, tight_limits, clock):
    with counting_hashes() as hashes:
        for number in range(3):
            assert sign_in(client, f"someone{number}@example.org", password="guess").status_code == 200
        assert len(hashes) == 3

        refused = sign_in(client, "someone-else@example.org", password="guess")

        assert len(hashes) == 3
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert f"<h1>{REFUSAL}</h1>" in page
    assert 'role="alert"' in page


def test_over_the_per_address_limit_guesses_from_many_ips_wait_without_hashing(
    client, verified_reader, tight_limits, clock
):
    with counting_hashes() as hashes:
        for number in range(3):
            sign_in(client, "ada@example.org", password="guess", **from_ip(f"198.51.100.{number}"))
        slowed = sign_in(client, "ADA@example.org", password="guess", **from_ip("198.51.100.99"))

        assert len(hashes) == 3
    # Not refused: whoever sent it may be the owner, so the attempt waits instead.
    assert slowed.status_code == 200
    assert "One moment, then we will sign you in" in slowed.content.decode()


def test_the_admin_login_is_throttled_before_hashing_too(client, editor, tight_limits, clock):
    with counting_hashes() as hashes:
        for number in range(3):
            client.post("/admin/login/", {"username": f"someone{number}@example.org", "password": "guess"})
        refused = client.post("/admin/login/", {"username": "editor@example.org", "password": "guess"})

        assert len(hashes) == 3
    assert refused.status_code == 429
    assert REFUSAL in refused.content.decode()


def test_while_refused_even_the_right_password_waits_and_the_next_minute_it_works(
    client, verified_reader, tight_limits, clock
):
    for number in range(3):
        sign_in(client, f"someone{number}@example.org", password="guess")

    assert sign_in(client, "ada@example.org").status_code == 429
    assert "_auth_user_id" not in client.session

    clock.shift(60)
    assert sign_in(client, "ada@example.org")["Location"] == "/accounts/"


def test_real_and_unknown_addresses_are_refused_alike(client, verified_reader, tight_limits, clock):
    for _ in range(3):
        sign_in(client, "ada@example.org", password="guess", **from_ip("198.51.100.1"))
        sign_in(client, "nobody@example.org", password="guess", **from_ip("198.51.100.2"))

    real = sign_in(client, "ada@example.org", password="guess", **from_ip("198.51.100.1"))
    unknown = sign_in(client, "nobody@example.org", password="guess", **from_ip("198.51.100.2"))

    assert real.status_code == unknown.status_code == 429
    assert comparable(real) == comparable(unknown)


def test_when_the_cache_cannot_count_sign_ins_are_refused_without_hashing(client, verified_reader):
    broken = mock.Mock()
    broken.add.side_effect = ConnectionError("cache is down")
    with counting_hashes() as hashes, mock.patch("newsroom.lib.ratelimit.counters", broken):
        refused = sign_in(client, "ada@example.org")

    assert refused.status_code == 429
    assert hashes == []
    assert "_auth_user_id" not in client.session


def test_a_refusal_is_logged_with_the_client_address(client, tight_limits, clock, caplog):
    for number in range(4):
        with caplog.at_level(logging.WARNING, logger="accounts.throttling"):
            sign_in(client, f"someone{number}@example.org", password="guess", **from_ip("203.0.113.50"))

    [record] = [record for record in caplog.records if record.name == "accounts.throttling"]
    assert "from 203.0.113.50 at /accounts/login/" in record.getMessage()


def test_ordinary_use_stays_well_within_the_default_limits(client, settings):
    make_verified_reader(email="bea@example.org", display_name="Bea")
    assert settings.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE >= 10
    assert settings.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE >= settings.AXES_FAILURE_LIMIT

    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "bea@example.org", password=f"typo-{attempt}").status_code == 200
    assert sign_in(client, "bea@example.org")["Location"] == "/accounts/"
