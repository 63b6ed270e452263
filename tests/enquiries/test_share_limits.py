"""The four limits that keep "Email this article" from becoming a spam cannon. Each is reached
with every other limit far away, and each refusal says what happened and when to try again."""

import pytest

from enquiries.models import Share
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
    settings.SHARE_PER_IP_PER_HOUR = 2
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
    settings.SHARE_PER_SENDER_PER_DAY = 2
    for n in range(2):
        assert accepted(
            client, article, ip=f"203.0.113.{n}", sender="sam@example.org", recipients=f"r{n}@example.net"
        )

    refused = send(client, article, ip="203.0.113.50", sender="SAM@example.org", recipients="r9@example.net")

    assert (
        "SAM@example.org has already emailed the most articles we allow in a day (2)."
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
    settings.SHARE_PER_SENDER_PER_DAY = 1
    for _ in range(3):
        assert not accepted(
            client, article, ip="203.0.113.1", sender="sam@example.org", recipients="not-an-address"
        )

    assert accepted(client, article, ip="203.0.113.1", sender="sam@example.org", recipients="r@example.net")


@pytest.mark.django_db
def test_the_address_behind_a_trusted_proxy_is_the_one_limited(client, article, settings):
    settings.SHARE_PER_IP_PER_HOUR = 1
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
