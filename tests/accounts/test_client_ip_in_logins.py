"""The address that sign-in limits, the lockout and the login records use is the one our own
proxies saw (TRUSTED_PROXY_COUNT), never an X-Forwarded-For entry a client wrote itself."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings

from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def via_proxy(forged, real):
    """A request through one proxy of ours: the client wrote `forged`, the proxy appended the
    address it saw, `real`, and connected to us from PROXY."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {real}"}


def test_behind_our_proxy_login_records_keep_the_address_the_proxy_saw(client, verified_reader, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    sign_in(client, "ada@example.org", password="guess", **via_proxy("1.2.3.4", "198.51.100.7"))
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]

    sign_in(client, "ada@example.org", **via_proxy("5.6.7.8", "198.51.100.7"))
    assert list(AccessLog.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


def test_a_forged_forwarded_for_does_not_buy_fresh_guesses_from_the_lockout(
    client, verified_reader, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    responses = [
        sign_in(client, "ada@example.org", password="guess", **via_proxy(f"192.0.2.{n}", "198.51.100.7"))
        for n in range(settings.AXES_FAILURE_LIMIT + 1)
    ]

    assert responses[-1].status_code == 429
    assert "Too many attempts to sign in" in responses[-1].content.decode()


def test_without_a_trusted_proxy_forwarded_for_is_ignored_by_the_lockout(client, verified_reader, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(
            client,
            "ada@example.org",
            password="guess",
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_a_forged_forwarded_for_does_not_escape_the_per_ip_throttle(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 3
    for n in range(3):
        sign_in(
            client, f"someone{n}@example.org", password="guess", **via_proxy(f"192.0.2.{n}", "198.51.100.7")
        )

    refused = sign_in(
        client, "other@example.org", password="guess", **via_proxy("192.0.2.99", "198.51.100.7")
    )
    # A different reader behind the same proxy has a count of their own.
    neighbour = sign_in(
        client, "other@example.org", password="guess", **via_proxy("192.0.2.99", "198.51.100.8")
    )

    assert refused.status_code == 429
    assert neighbour.status_code == 200


def test_the_lockout_and_the_throttle_read_the_address_from_our_one_helper():
    assert settings.AXES_CLIENT_IP_CALLABLE == "newsroom.lib.client_ip.client_ip"
    from accounts import throttling
    from newsroom.lib.client_ip import client_ip

    assert throttling.client_ip is client_ip
