"""Newsletter sign-ups send a confirmation email, so they are limited per connection: an IPv4
address, or a whole IPv6 /64, whose addresses one person can take at will."""

import pytest
from django.core.cache import cache

from subscriptions import newsletter_views
from subscriptions.models import NewsletterSubscriber

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_sign_ups_an_hour(monkeypatch):
    cache.clear()
    monkeypatch.setattr(newsletter_views, "SIGN_UPS_PER_IP_PER_HOUR", 2)
    yield
    cache.clear()


def sign_up(client, email, ip):
    return client.post("/newsletter/", {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.parametrize(
    ("first", "second", "third"),
    [
        ("203.0.113.5", "203.0.113.5", "203.0.113.5"),
        ("2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:ffff:ffff:ffff:ffff"),
        ("2001:db8:5:6::1", "2001:db8:5:6:1::", "2001:db8:5:6::abc"),
    ],
)
def test_one_connection_gets_only_so_many_sign_ups_an_hour(client, first, second, third):
    assert sign_up(client, "a@example.org", first).status_code == 302
    assert sign_up(client, "b@example.org", second).status_code == 302

    refused = sign_up(client, "c@example.org", third)

    assert refused.status_code == 429
    assert NewsletterSubscriber.objects.count() == 2


def test_another_ipv6_network_is_another_connection(client):
    for number, email in enumerate(["a@example.org", "b@example.org"]):
        assert sign_up(client, email, f"2001:db8:5:6::{number + 1}").status_code == 302

    assert sign_up(client, "c@example.org", "2001:db8:5:7::1").status_code == 302
