"""The four limits that keep "Email this article" from becoming a spam cannon. Each is reached
with every other limit far away, and each refusal says what happened and when to try again.
They count recipients, and the per-connection and per-sender ones bite long before the
site-wide one, so one person cannot pause sharing for everyone."""

from unittest import mock

import pytest
from django.core import mail

from enquiries.models import Share
from newsroom.lib import ratelimit
from tests.enquiries.conftest import email_url, share_data


def send(client, article, *, ip, sender, recipients):
    return client.post(
        email_url(article),
        share_data(sender_email=sender, recipients=recipients),
        REMOTE_ADDR=ip,
    )


def accepted(client, article, **sender):
    return send(client, article, **sender).status_code == 302


@pytest.mark.django_db
def test_one_connection_is_limited_per_hour(client, article, settings):
    settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR = 2
    for n in range(2):
        assert accepted(
            client, article, ip="203.0.113.5", sender=f"s{n}@example.org", recipients=f"r{n}@example.net"
        )

    refused = send(client, article, ip="203.0.113.5", sender="s9@example.org", recipients="r9@example.net")

    assert refused.status_code == 200
    assert (
        "Too many articles have been emailed from your connection in the last hour. Please try again in"
        in refused.content.decode()
    )
    assert Share.objects.count() == 2
    # Another connection is not affected.
    assert accepted(client, article, ip="203.0.113.6", sender="s9@example.org", recipients="r9@example.net")


@pytest.mark.django_db
def test_one_sender_address_is_limited_per_day_from_any_connection(client, article, settings):
    settings.SHARE_RECIPIENTS_PER_SENDER_PER_DAY = 2
    for n in range(2):
        assert accepted(
            client, article, ip=f"203.0.113.{n}", sender="sam@example.org", recipients=f"r{n}@example.net"
        )

    refused = send(client, article, ip="203.0.113.50", sender="SAM@example.org", recipients="r9@example.net")

    assert (
        "SAM@example.org has already emailed articles to the most people we allow in a day (2)."
        in refused.content.decode()
    )
    assert Share.objects.count() == 2


@pytest.mark.django_db
def test_one_recipient_address_gets_only_a_few_shares_a_day_whoever_sends_them(client, article, settings):
    settings.SHARE_PER_RECIPIENT_PER_DAY = 2
    for n in range(2):
        sent = send(
            client, article, ip=f"203.0.113.{n}", sender=f"s{n}@example.org", recipients="target@example.net"
        )
        assert sent.status_code == 302

    refused = send(
        client,
        article,
        ip="203.0.113.50",
        sender="s9@example.org",
        recipients="other@example.net, Target@example.net",
    )

    html = refused.content.decode()
    assert "Target@example.net has already been sent the most articles we send one address in a day." in html
    assert '<a href="#id_recipients">' in html
    assert Share.objects.count() == 2
    # The refusal cost the other recipient and the sender nothing: they can still be used.
    settings.SHARE_PER_RECIPIENT_PER_DAY = 1
    assert accepted(
        client, article, ip="203.0.113.51", sender="s9@example.org", recipients="other@example.net"
    )


@pytest.mark.django_db
def test_the_whole_site_sends_only_so_many_shared_emails_an_hour(client, article, settings):
    settings.SHARE_SITE_PER_HOUR = 5
    assert accepted(
        client, article, ip="203.0.113.1", sender="a@example.org", recipients="r1@example.net, r2@example.net"
    )
    assert accepted(
        client, article, ip="203.0.113.2", sender="b@example.org", recipients="r3@example.net, r4@example.net"
    )

    # One more email would fit, two would not.
    refused = send(
        client, article, ip="203.0.113.3", sender="c@example.org", recipients="r5@example.net, r6@example.net"
    )

    assert "we have paused sharing by email. Please try again in" in refused.content.decode()
    assert Share.objects.count() == 2
    assert accepted(client, article, ip="203.0.113.4", sender="d@example.org", recipients="r5@example.net")
    assert not accepted(
        client, article, ip="203.0.113.5", sender="e@example.org", recipients="r7@example.net"
    )


@pytest.mark.django_db
def test_rejected_input_does_not_use_up_the_senders_allowance(client, article, settings):
    settings.SHARE_RECIPIENTS_PER_SENDER_PER_DAY = 1
    for _ in range(3):
        assert not accepted(
            client, article, ip="203.0.113.1", sender="sam@example.org", recipients="not-an-address"
        )

    assert accepted(client, article, ip="203.0.113.1", sender="sam@example.org", recipients="r@example.net")


@pytest.mark.django_db
def test_the_address_behind_a_trusted_proxy_is_the_one_limited(client, article, settings):
    settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1

    first = client.post(
        email_url(article), share_data(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    second = client.post(
        email_url(article),
        share_data(sender_email="x@example.org", recipients="y@example.net"),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )

    assert (first.status_code, second.status_code) == (302, 302)
    assert sorted(Share.objects.values_list("ip_address", flat=True)) == ["198.51.100.1", "198.51.100.2"]


# Recipients are what is counted ---------------------------------------------------------------


def four(tag):
    return ", ".join(f"{tag}-{n}@example.net" for n in range(4))


@pytest.mark.django_db
def test_a_connection_is_limited_by_how_many_people_it_emails_not_how_many_forms(client, article, settings):
    settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR = 5
    assert accepted(client, article, ip="203.0.113.5", sender="a@example.org", recipients=four("first"))

    two = "second-1@example.net, second-2@example.net"
    refused = send(client, article, ip="203.0.113.5", sender="b@example.org", recipients=two)

    assert "Too many articles have been emailed from your connection" in refused.content.decode()
    assert accepted(client, article, ip="203.0.113.5", sender="c@example.org", recipients="last@example.net")
    assert not accepted(
        client, article, ip="203.0.113.5", sender="d@example.org", recipients="more@example.net"
    )


@pytest.mark.django_db
def test_a_share_too_big_for_what_is_left_says_how_many_people_still_fit(client, article, settings):
    settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR = 6
    settings.SHARE_RECIPIENTS_PER_SENDER_PER_DAY = 7
    assert accepted(client, article, ip="203.0.113.5", sender="sam@example.org", recipients=four("first"))

    from_connection = send(client, article, ip="203.0.113.5", sender="x@example.org", recipients=four("a"))
    from_sender = send(client, article, ip="203.0.113.6", sender="sam@example.org", recipients=four("b"))

    assert "Send it to 2 people at most, or try again in" in from_connection.content.decode()
    assert (
        "sam@example.org can email articles to only 3 people more now (we allow 7 in a day). "
        "Please leave some out, or try again in" in from_sender.content.decode()
    )
    assert Share.objects.count() == 1


@pytest.mark.django_db
def test_one_sender_rotating_connections_is_limited_within_the_hour(client, article, settings):
    settings.SHARE_RECIPIENTS_PER_SENDER_PER_HOUR = 8
    for n in range(2):
        assert accepted(
            client, article, ip=f"203.0.113.{n}", sender="sam@example.org", recipients=four(f"r{n}")
        )

    refused = send(client, article, ip="203.0.113.99", sender="sam@example.org", recipients="one@example.net")

    assert (
        "sam@example.org has already emailed articles to the most people we allow in an hour (8)."
        in refused.content.decode()
    )
    assert Share.objects.count() == 2


@pytest.mark.django_db
def test_addresses_from_one_ipv6_network_count_as_one_connection(client, article, settings):
    settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR = 4
    for n in range(4):
        assert accepted(
            client,
            article,
            ip=f"2001:db8:1:2::{n + 1:x}",
            sender=f"s{n}@example.org",
            recipients=f"r{n}@example.net",
        )

    refused = send(
        client, article, ip="2001:db8:1:2:ffff:1:2:3", sender="s9@example.org", recipients="r9@example.net"
    )
    next_network = send(
        client, article, ip="2001:db8:1:3::1", sender="s9@example.org", recipients="r9@example.net"
    )

    assert "from your connection" in refused.content.decode()
    assert next_network.status_code == 302


def keep_sharing(client, article, *, ips, senders, tag):
    """Share with four new people at a time until refused; how many people were emailed."""
    emailed = 0
    for number in range(100):
        response = send(
            client, article, ip=ips(number), sender=senders(number), recipients=four(f"{tag}{number}")
        )
        if response.status_code != 302:
            return emailed
        emailed += 4
    return emailed


@pytest.mark.django_db
def test_with_the_default_limits_no_one_person_can_pause_sharing_for_everyone(client, article, settings):
    one_ip_many_senders = keep_sharing(
        client, article, ips=lambda n: "198.51.100.7", senders=lambda n: f"bot{n}@example.org", tag="a"
    )
    one_sender_many_ips = keep_sharing(
        client, article, ips=lambda n: f"192.0.2.{n}", senders=lambda n: "bot@example.org", tag="b"
    )
    one_ipv6_network = keep_sharing(
        client,
        article,
        ips=lambda n: f"2001:db8:77:1::{n + 1:x}",
        senders=lambda n: f"v6-{n}@example.org",
        tag="c",
    )

    bystander = send(
        client, article, ip="203.0.113.200", sender="reader@example.org", recipients=four("friends")
    )

    assert one_ip_many_senders <= settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR == 20
    assert one_sender_many_ips <= settings.SHARE_RECIPIENTS_PER_SENDER_PER_HOUR == 12
    assert one_ipv6_network <= 20
    assert bystander.status_code == 302
    # Each way of trying used at most a fifteenth of the site's hour.
    assert (
        max(one_ip_many_senders, one_sender_many_ips, one_ipv6_network) * 15 <= settings.SHARE_SITE_PER_HOUR
    )


@pytest.mark.django_db
def test_when_the_counters_cannot_be_reached_nothing_is_sent(client, article):
    down = ConnectionError("the counters are down")
    broken = mock.Mock(**{f"{name}.side_effect": down for name in ("add", "incr", "decr", "get_many")})
    with mock.patch.object(ratelimit, "counters", broken):
        response = send(
            client, article, ip="203.0.113.5", sender="sam@example.org", recipients="r@example.net"
        )

    assert "because of a fault on our side, so nothing was sent" in response.content.decode()
    assert Share.objects.count() == 0
    assert mail.outbox == []
