"""DKIM: with a key configured, every message leaves signed over its headers (the one-click
unsubscribe ones included) and body, and a receiver holding the published key verifies it."""

import base64

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from newsroom.lib.env import mailer_from_url
from newsroom.lib.mail import build_email, list_unsubscribe_headers
from tests.mailserver import assert_one_click_unsubscribe, raw_header, smtp_server
from tests.newsroom.test_deploy_settings import production_environment, run_manage

pytestmark = pytest.mark.django_db

NOTICE = {"title": "Signed", "paragraphs": ["Naïve café prose, with accents, to sign."]}


@pytest.fixture(scope="module")
def key_pair():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, base64.b64encode(public)


def dns_with(public_key):
    def lookup(name, timeout=5):
        # The TXT record the site publishes at <selector>._domainkey.<domain>.
        assert name == b"news2026._domainkey.example.org."
        return b"v=DKIM1; k=rsa; p=" + public_key

    return lookup


def send_signed(settings, pem, **mail):
    with smtp_server(settings) as received:
        settings.MAILERS["default"]["BACKEND"] = "newsroom.lib.dkim_smtp.DKIMEmailBackend"
        settings.MAILERS["default"]["OPTIONS"] |= {
            "dkim_domain": "example.org",
            "dkim_selector": "news2026",
            "dkim_private_key": pem,
        }
        build_email("email/notice", NOTICE, **mail).send()
    [raw] = received
    return raw


def test_a_signed_message_verifies_against_the_published_key(settings, key_pair):
    pem, public = key_pair
    url = "https://news.example.org/newsletter/unsubscribe/" + "t" * 120 + "/"
    raw = send_signed(settings, pem, to=["reader@example.org"], headers=list_unsubscribe_headers(url))

    assert dkim.verify(raw, dnsfunc=dns_with(public))
    signed = raw_header(raw, "DKIM-Signature")
    assert "d=example.org" in signed
    assert "s=news2026" in signed
    signed_headers = signed.split("h=", 1)[1].split(";", 1)[0].replace(" ", "").lower().split(":")
    assert {"from", "to", "subject", "list-unsubscribe", "list-unsubscribe-post"} <= set(signed_headers)
    assert assert_one_click_unsubscribe(raw) == url


def test_a_message_changed_after_signing_fails_verification(settings, key_pair):
    pem, public = key_pair
    raw = send_signed(settings, pem, to=["reader@example.org"])

    tampered = raw.replace(b"Subject: [", b"Subject: [URGENT] [", 1)

    assert tampered != raw
    assert not dkim.verify(tampered, dnsfunc=dns_with(public))


def test_the_mailer_signs_only_smtp_and_only_when_configured(key_pair):
    pem, _ = key_pair
    dkim_options = {"dkim_domain": "example.org", "dkim_selector": "news2026", "dkim_private_key": pem}

    signed = mailer_from_url("smtp://mail.example.org:587?tls=1", file_path="var/mail", dkim=dkim_options)
    plain = mailer_from_url("smtp://mail.example.org:587?tls=1", file_path="var/mail")

    assert signed["BACKEND"] == "newsroom.lib.dkim_smtp.DKIMEmailBackend"
    assert signed["OPTIONS"]["dkim_selector"] == "news2026"
    assert plain["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_a_half_configured_dkim_stops_the_site_from_starting_with_a_plain_message():
    result = run_manage("check", env=production_environment(DKIM_DOMAIN="example.org", DKIM_SELECTOR="s1"))

    assert result.returncode != 0
    assert "DKIM_SELECTOR and a PEM private key" in result.stderr


def test_a_key_given_on_one_line_with_escaped_newlines_is_accepted(key_pair):
    pem, _ = key_pair
    one_line = pem.strip().replace("\n", "\\n")
    env = production_environment(DKIM_DOMAIN="example.org", DKIM_SELECTOR="s1", DKIM_PRIVATE_KEY=one_line)

    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.MAILERS)", env=env)

    assert result.returncode == 0, result.stderr
    assert "DKIMEmailBackend" in result.stdout
    assert "-----BEGIN PRIVATE KEY-----\\n" in result.stdout


def test_mail_events_without_a_secret_stop_the_site_from_starting():
    result = run_manage("check", env=production_environment(MAIL_EVENTS_PROVIDER="mailgun"))

    assert result.returncode != 0
    assert "MAIL_EVENTS_SECRET must be the user:password" in result.stderr
