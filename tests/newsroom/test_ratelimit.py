import pytest
from django.core.cache import cache
from django.test import RequestFactory

from newsroom.lib import ratelimit
from newsroom.lib.client_ip import client_ip


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


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
