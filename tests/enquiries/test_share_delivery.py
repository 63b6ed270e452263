"""A share is delivered by the real task worker: one email per recipient, our subject and
headers, the sender's words escaped, no article text beyond the summary, and never twice."""

import pytest
from django.conf import settings
from django.core import mail

from enquiries.models import Share
from tests.enquiries.conftest import email_url, html_body, make_verified_reader, share_data
from tests.factories import ArticleFactory, SectionFactory
from tests.jobs import let_back_off_pass, run_worker_until_idle

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = 'Read this <script>alert("x")</script> & tell me\nBcc: victim@example.com'


def shared_emails():
    return [
        message
        for message in mail.outbox
        if message.subject.startswith(f"[{settings.SITE_NAME}] An article for you")
    ]


def share_as_verified_reader(client, article, recipients, note=NOTE):
    client.force_login(make_verified_reader())
    response = client.post(
        email_url(article), share_data(sender_name="Ada Reader", recipients=recipients, note=note)
    )
    assert response.status_code == 302
    return Share.objects.get()


def test_the_worker_sends_each_recipient_one_email_with_our_headers_and_the_escaped_note(client, article):
    share = share_as_verified_reader(client, article, "one@example.net, two@example.net, three@example.net")
    assert mail.outbox == []

    run_worker_until_idle()

    messages = shared_emails()
    assert sorted(message.to[0] for message in messages) == [
        "one@example.net",
        "three@example.net",
        "two@example.net",
    ]
    for message in messages:
        assert len(message.to) == 1
        assert message.cc == []
        assert message.bcc == []
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        assert message.reply_to == ["ada@example.org"]
        assert (
            message.subject == "[The Civic Ledger] An article for you: Council approves the new housing plan"
        )
        headers = message.message()
        assert "victim@example.com" not in str(headers["Bcc"] or "") + str(headers["Cc"] or "")
        assert headers["Subject"] == message.subject

        text = message.body
        assert (
            "Ada Reader (ada@example.org) thought you would like this article from The Civic Ledger." in text
        )
        assert 'Read this <script>alert("x")</script> & tell me\nBcc: victim@example.com' in text
        assert "Council approves the new housing plan" in text
        assert "Five hundred homes will be built on the old depot site." in text
        assert f"Read it here: {settings.SITE_URL}{article.get_absolute_url()}" in text

        html = html_body(message)
        escaped_note = "Read this &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; tell me"
        assert f"{escaped_note}<br>Bcc: victim@example.com" in html
        assert "<script>" not in html
        assert f'href="{settings.SITE_URL}{article.get_absolute_url()}"' in html
        assert "Five hundred homes will be built on the old depot site." in html
    assert all(recipient.sent_at is not None for recipient in share.recipients.all())


def test_a_premium_article_is_shared_by_headline_and_standfirst_only(client):
    premium = ArticleFactory(
        headline="Inside the budget negotiations",
        standfirst="How the deal was done.",
        body="<p>PREMIUM-ONLY paragraph that subscribers pay for.</p>",
        is_premium=True,
        section=SectionFactory(),
    )
    client.post(email_url(premium), share_data(recipients="friend@example.net"))

    run_worker_until_idle()

    [message] = shared_emails()
    assert "Inside the budget negotiations" in message.body
    assert "How the deal was done." in message.body
    assert "PREMIUM-ONLY" not in message.body
    assert "PREMIUM-ONLY" not in html_body(message)


def test_a_non_premium_article_body_is_not_emailed_either(client, article):
    client.post(email_url(article), share_data(recipients="friend@example.net"))

    run_worker_until_idle()

    [message] = shared_emails()
    assert "BODY-TEXT-MARKER" not in message.body
    assert "BODY-TEXT-MARKER" not in html_body(message)


def test_a_retry_after_a_failure_sends_only_to_the_recipients_not_yet_sent_to(client, article, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.enquiries.flaky_mail.FailsOnceForFlakyAddresses"}}
    share_as_verified_reader(
        client, article, "one@example.net, flaky@example.net, three@example.net", note=""
    )

    run_worker_until_idle()
    assert sorted(message.to[0] for message in shared_emails()) == ["one@example.net"]
    let_back_off_pass()
    run_worker_until_idle()

    assert sorted(message.to[0] for message in shared_emails()) == [
        "flaky@example.net",
        "one@example.net",
        "three@example.net",
    ]
    assert Share.objects.get().recipients.filter(sent_at__isnull=True).count() == 0


def test_a_share_is_not_sent_once_its_article_is_withdrawn(client, article):
    client.post(email_url(article), share_data(recipients="friend@example.net"))
    article.status = "withdrawn"
    article.save()

    run_worker_until_idle()

    assert shared_emails() == []
