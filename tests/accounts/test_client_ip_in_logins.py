"""The address that sign-in limits, the lockout, allauth's own rate limits and the login
records use is the one our own proxies saw (TRUSTED_PROXY_COUNT), never an X-Forwarded-For
entry a client wrote itself, and never the proxy's own."""

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import parse_rates
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.test import RequestFactory

from newsroom.lib.client_ip import client_ip
from tests.accounts.conftest import PASSWORD, sign_in

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

    assert throttling.client_ip is client_ip


def reset_password(client, email, **extra):
    return client.post("/accounts/password/reset/", {"email": email}, **extra)


def sign_up(client, email, **extra):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data, **extra)


def allauth_per_ip_limit(name):
    """How many posts a minute allauth allows one IP for `name` (its own defaults)."""
    rates = parse_rates(account_settings.RATE_LIMITS[name])
    return next(rate.amount for rate in rates if rate.per == "ip" and rate.duration == 60)


@pytest.mark.parametrize(("action", "name"), [(reset_password, "reset_password"), (sign_up, "signup")])
def test_behind_our_proxy_allauths_limits_count_each_reader_on_their_own(client, settings, action, name):
    settings.TRUSTED_PROXY_COUNT = 1
    limit = allauth_per_ip_limit(name)
    many_readers = [
        action(client, f"reader{n}@example.org", **via_proxy("1.2.3.4", f"198.51.100.{n + 1}"))
        for n in range(limit + 5)
    ]
    one_reader = [
        action(client, f"again{n}@example.org", **via_proxy(f"192.0.2.{n + 1}", "203.0.113.9"))
        for n in range(limit + 1)
    ]

    # Everyone came through the same proxy (REMOTE_ADDR); allauth counts each client apart,
    # and a client cannot escape its count by writing its own X-Forwarded-For entries.
    assert {response.status_code for response in many_readers} == {302}
    assert {response.status_code for response in one_reader[:limit]} == {302}
    assert one_reader[limit].status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", PROXY),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (1, "not-an-address", PROXY),
        (1, None, PROXY),
    ],
)
def test_allauth_reads_the_client_address_from_our_one_helper(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request = RequestFactory().post("/accounts/login/", **meta)

    assert get_adapter().get_client_ip(request) == client_ip(request) == expected


@pytest.mark.parametrize(
    ("first", "rotated", "neighbour"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:{n:x}::7", "2001:db8:1:3::1"),
        ("2001:db8:1:2::1", "2001:db8:1:2::{n:x}", "2001:db8:9:2::1"),
        ("198.51.100.7", "198.51.100.7", "198.51.100.8"),
    ],
)
def test_a_client_cannot_escape_the_per_ip_throttle_by_rotating_through_its_ipv6_network(
    client, settings, first, rotated, neighbour
):
    settings.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 3
    sign_in(client, "someone@example.org", password="guess", REMOTE_ADDR=first)
    for n in range(1, 3):
        sign_in(client, f"someone{n}@example.org", password="guess", REMOTE_ADDR=rotated.format(n=n))

    refused = sign_in(client, "other@example.org", password="guess", REMOTE_ADDR=rotated.format(n=99))
    elsewhere = sign_in(client, "other@example.org", password="guess", REMOTE_ADDR=neighbour)

    assert refused.status_code == 429
    assert elsewhere.status_code == 200
