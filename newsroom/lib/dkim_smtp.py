"""SMTP with a DKIM signature on every message, when DKIM_DOMAIN and a key are configured.

Mailbox providers trust mail whose domain vouches for it: DKIM signs the headers and body with
a key whose public half is published in DNS (<selector>._domainkey.<domain>), SPF names the
servers that may send for the domain, and DMARC says what to do with mail that fails both
(docs/deployment.md). A relay that signs for us (most mail providers do) makes this
unnecessary; it is for sites that hand mail to their own MTA. The signing itself is dkimpy's.
"""

import email.policy
import smtplib

import dkim
from django.core.mail.backends.smtp import EmailBackend

# What the signature covers: who it is from and to, what it says, and the unsubscribe headers
# that Gmail and Yahoo require to be signed for one-click unsubscribe.
SIGNED_HEADERS = [
    b"from",
    b"to",
    b"cc",
    b"reply-to",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"content-type",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
]


class DKIMEmailBackend(EmailBackend):
    def __init__(self, *, dkim_domain, dkim_selector, dkim_private_key, **kwargs):
        super().__init__(**kwargs)
        self.dkim_domain = dkim_domain.encode("ascii")
        self.dkim_selector = dkim_selector.encode("ascii")
        self.dkim_private_key = dkim_private_key.encode("ascii")

    def signed(self, raw):
        signature = dkim.sign(
            raw,
            self.dkim_selector,
            self.dkim_domain,
            self.dkim_private_key,
            include_headers=[name for name in SIGNED_HEADERS if _has_header(raw, name)],
            canonicalize=(b"relaxed", b"relaxed"),
        )
        return signature + raw

    def _send(self, email_message):
        # Django's own _send, with the signature added to the bytes that go over the wire: the
        # message must be signed exactly as sent, so it cannot be signed before this point.
        if not email_message.recipients():
            return False
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(address) for address in email_message.recipients()]
        raw = email_message.message(policy=email.policy.SMTP).as_bytes()
        try:
            self.connection.sendmail(from_email, recipients, self.signed(raw))
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


def _has_header(raw, name):
    head = raw.split(b"\r\n\r\n", 1)[0].lower()
    return head.startswith(name + b":") or b"\r\n" + name + b":" in head
