import random
from datetime import UTC, datetime
from unittest import mock

import pytest
import time_machine
from django.test import RequestFactory

from newsroom.lib import ratelimit
from newsroom.lib.client_ip import client_ip, network_of
from tests.concurrency import at_the_same_moment

# A fixed-window limiter's boundaries fall on multiples of the period from the epoch.
MIDNIGHT = datetime(2026, 3, 2, 0, 0, 0, tzinfo=UTC).timestamp()


@pytest.fixture
def clock():
    with time_machine.travel(MIDNIGHT, tick=False) as traveller:
        yield traveller


def test_attempts_within_the_limit_pass_and_the_next_is_refused():
    verdicts = [ratelimit.hit("test-share", "203.0.113.9", limit=3, period=60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 0 < verdicts[-1].retry_after <= 60


def test_limits_count_each_identity_separately_and_ignore_email_case():
    for _ in range(2):
        ratelimit.hit("test-share", "Ann@Example.org", limit=2, period=60)
    assert ratelimit.limit_reached("test-share", "ann@example.org", limit=2, period=60)
    assert not ratelimit.limit_reached("test-share", "bob@example.org", limit=2, period=60)


def test_peek_does_not_count_an_attempt():
    ratelimit.hit("test-peek", "x", limit=1, period=60)
    assert not ratelimit.peek("test-peek", "x", limit=1, period=60).allowed
    assert ratelimit.peek("test-peek", "y", limit=1, period=60).allowed
    assert ratelimit.peek("test-peek", "y", limit=1, period=60).count == 0


# The window slides ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "period", "before", "after"),
    [(3, 60, 1, 1), (5, 3600, 10, 5), (20, 86400, 60, 60), (2, 60, 0.2, 0.2)],
)
def test_a_burst_either_side_of_a_window_boundary_gets_the_limit_not_twice_it(
    clock, limit, period, before, after
):
    clock.move_to(MIDNIGHT + period - before)
    first = [ratelimit.hit("burst", "x", limit=limit, period=period).allowed for _ in range(limit)]
    clock.move_to(MIDNIGHT + period + after)
    second = [ratelimit.hit("burst", "x", limit=limit, period=period).allowed for _ in range(limit)]

    assert all(first)
    assert not any(second)


@pytest.mark.parametrize("seed", range(6))
def test_no_stretch_of_one_period_ever_holds_more_than_the_limit(clock, seed):
    """Attempts at random moments over several periods: whatever the pattern, any `period`
    seconds contain at most `limit` allowed attempts."""
    chance = random.Random(seed)
    limit, period = chance.choice([(3, 60), (5, 3600), (4, 600)])
    moment = MIDNIGHT + chance.uniform(0, period)
    allowed = []
    for _ in range(200):
        moment += chance.expovariate(4 * limit / period)
        clock.move_to(moment)
        if ratelimit.hit("random", "x", limit=limit, period=period).allowed:
            allowed.append(moment)

    for end in allowed:
        assert sum(1 for at in allowed if end - period < at <= end) <= limit
    # And the limit is a rate, not a ban: attempts keep getting through all along.
    assert len(allowed) >= (allowed[-1] - allowed[0]) / period * limit * 0.7


@pytest.mark.parametrize(
    ("limit", "period", "spacing"),
    [(3, 60, 7), (5, 3600, 300), (3, 60, 0), (10, 86400, 3600)],
)
def test_retry_after_is_exactly_how_long_to_wait(clock, limit, period, spacing):
    for _ in range(limit):
        assert ratelimit.hit("retry", "x", limit=limit, period=period).allowed
        clock.shift(spacing)
    refused = ratelimit.hit("retry", "x", limit=limit, period=period)
    assert not refused.allowed
    assert refused.retry_after > 0

    clock.shift(refused.retry_after - 1)
    assert not ratelimit.peek("retry", "x", limit=limit, period=period).allowed
    clock.shift(1)
    assert ratelimit.hit("retry", "x", limit=limit, period=period).allowed


def test_hammering_while_refused_does_not_push_the_wait_further_away(clock):
    for _ in range(3):
        ratelimit.hit("hammer", "x", limit=3, period=60)
    first_refusal = ratelimit.hit("hammer", "x", limit=3, period=60)
    for _ in range(50):
        clock.shift(0.5)
        ratelimit.hit("hammer", "x", limit=3, period=60)

    clock.move_to(MIDNIGHT + first_refusal.retry_after)
    assert ratelimit.hit("hammer", "x", limit=3, period=60).allowed


def test_a_cost_counts_several_attempts_at_once(clock):
    assert ratelimit.hit("cost", "x", limit=5, period=60, cost=4).allowed
    assert not ratelimit.peek("cost", "x", limit=5, period=60, cost=2).allowed
    refused = ratelimit.hit("cost", "x", limit=5, period=60, cost=2)
    assert (refused.allowed, refused.count) == (False, 6)
    assert ratelimit.hit("cost", "x", limit=5, period=60, cost=1).allowed
    assert not ratelimit.hit("cost", "y", limit=5, period=60, cost=6).allowed


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_parallel_attempts_let_exactly_the_limit_through(limit):
    verdicts = at_the_same_moment(
        *[lambda: ratelimit.hit("parallel", "203.0.113.7", limit=limit, period=60)] * 12
    )

    assert sum(verdict.allowed for verdict in verdicts) == limit


def test_counters_that_cannot_be_reached_refuse_and_say_so():
    down = ConnectionError("the counters are down")
    broken = mock.Mock(**{f"{name}.side_effect": down for name in ("add", "incr", "decr", "get_many")})

    with mock.patch.object(ratelimit, "counters", broken):
        counted = ratelimit.hit("broken", "x", limit=5, period=60)
        peeked = ratelimit.peek("broken", "x", limit=5, period=60)

    assert (counted.allowed, counted.unavailable) == (False, True)
    assert (peeked.allowed, peeked.unavailable) == (False, True)


# The client's address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::ffff", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_a_client_is_counted_by_its_ipv4_address_or_its_ipv6_network(address, counted_as):
    assert network_of(address) == counted_as


def test_client_ip_ignores_forwarded_for_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "10.0.0.5"


def test_client_ip_takes_the_address_our_proxy_saw_not_what_the_client_claims(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; our proxy appended the real address last.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_client_ip_falls_back_to_the_socket_on_a_malformed_header(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(request) == "10.0.0.5"
