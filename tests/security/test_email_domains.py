"""Every address we send mail to on a stranger's say-so must be at a public domain name: an IP
literal, a bare IP address in any notation, or a local network name would aim our mail server
at machines of our own or at any address by number. Each form refuses them in plain words and
stores and sends nothing."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import User
from comments.models import Comment, CommentPolicy
from enquiries.models import Enquiry, Share
from newsroom.lib.email_address import validate_public_email
from subscriptions.models import NewsletterSubscriber
from tests.comments.conftest import form_data
from tests.enquiries.conftest import email_url, enquiry_data, share_data
from tests.factories import ArticleFactory, singleton_row

REFUSED = [
    "v@[127.0.0.1]",
    "v@[10.0.0.5]",
    "v@[IPv6:::1]",
    "v@[ipv6:2001:db8::1]",
    "v@[::1]",
    '"v"@[192.168.1.1]',
    "v@10.0.0.10",
    "v@127.0.0.01",
    "v@0x7f.0x01",
    "v@127.1.0x10",
    "v@0177.0.0.01",
    "v@192.168.1.255",
    "v@１２７.０.０.１０",  # full-width digits, which IDNA turns into plain ones
    "v@localhost",
    "v@LOCALHOST",
    "v@mail",
    "v@intranet.local",
    "v@db.internal",
    "v@printer.lan",
    "v@1.0.0.127.in-addr.arpa",
    "v@router.home.arpa",
]

ACCEPTED = [
    "v@example.org",
    "Ada.Lovelace+news@example.co.uk",
    "v@mail.example.net",
    "v@123.example.com",
    "v@example.xn--p1ai",
    "v@bücher.example",
    "o'neil@example.net",
]

PLAIN_WORDS = "we only send to addresses at a public domain name"


@pytest.mark.parametrize("address", REFUSED)
def test_addresses_at_ip_addresses_or_local_names_are_refused(address):
    with pytest.raises(ValidationError) as refused:
        validate_public_email(address)
    if refused.value.code == "not_public_domain":
        assert PLAIN_WORDS in refused.value.messages[0]


@pytest.mark.parametrize("address", ["v@[127.0.0.1]", "v@[IPv6:::1]", "v@10.0.0.10", "v@localhost"])
def test_the_refusal_says_why_in_plain_words(address):
    with pytest.raises(ValidationError) as refused:
        validate_public_email(address)

    assert refused.value.code == "not_public_domain"
    assert refused.value.messages == [
        f"We cannot send email to “{address}”: we only send to addresses at a public domain name, "
        "like name@example.org, not at a numeric internet address or a local network name."
    ]


@pytest.mark.parametrize("address", ACCEPTED)
def test_ordinary_addresses_pass(address):
    validate_public_email(address)


# Every form that mails a stranger's address --------------------------------------------------

LITERALS = ["v@[127.0.0.1]", "v@[IPv6:::1]", "v@10.0.0.10", "v@0x7f.0x01", "v@localhost"]


@pytest.fixture
def article(db):
    return ArticleFactory(headline="Council approves the housing plan")


def page(response):
    return response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")


@pytest.mark.django_db
@pytest.mark.parametrize("address", LITERALS)
def test_share_recipients_at_ip_addresses_are_refused(client, article, address):
    response = client.post(email_url(article), share_data(recipients=f"friend@example.net, {address}"))

    assert response.status_code == 200
    assert PLAIN_WORDS in page(response)
    assert Share.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("address", LITERALS)
def test_a_share_sender_at_an_ip_address_is_refused(client, article, address):
    response = client.post(email_url(article), share_data(sender_email=address))

    assert response.status_code == 200
    assert Share.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("address", LITERALS)
@pytest.mark.parametrize("where", ["/enquiries/subscribe/", "/enquiries/advertise/", "article"])
def test_an_enquiry_reply_address_at_an_ip_address_is_refused(client, article, address, where):
    url = f"/enquiries/article/{article.pk}/" if where == "article" else where

    response = client.post(url, enquiry_data(email=address))

    assert response.status_code == 200
    assert Enquiry.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("address", LITERALS)
def test_a_newsletter_sign_up_at_an_ip_address_is_refused(client, address):
    response = client.post("/newsletter/", {"email": address})

    assert response.status_code == 200
    assert NewsletterSubscriber.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("address", LITERALS)
def test_an_account_at_an_ip_address_is_refused(client, address):
    password = "a-long-and-unusual-passphrase-42"
    response = client.post(
        "/accounts/signup/", {"email": address, "password1": password, "password2": password}
    )

    assert response.status_code == 200
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("address", LITERALS)
def test_a_comment_without_an_account_is_not_confirmed_at_an_ip_address(client, article, address):
    policy = singleton_row(CommentPolicy)
    policy.allow_anonymous = True
    policy.hold_first_comments = 0
    policy.save()

    response = client.post(
        f"/comments/article/{article.pk}/post/",
        form_data(article, "A thought.", name="Val Visitor", email=address),
    )

    assert response.status_code == 400
    assert Comment.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_ordinary_addresses_still_go_everywhere(client, article):
    assert client.post(email_url(article), share_data(recipients="v@mail.example.net")).status_code == 302
    assert client.post("/enquiries/subscribe/", enquiry_data(email="v@123.example.com")).status_code == 302
    assert client.post("/newsletter/", {"email": "v@example.org"}).status_code == 302
