"""A real SMTP server on a free local port (aiosmtpd), for tests that must see a message as it
goes over the wire rather than as Django's outbox keeps it."""

import contextlib
import email
import email.policy
import re

from aiosmtpd.controller import Controller

from tests.scale_out.processes import free_port


class _Collect:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.original_content)
        return "250 Message accepted"


@contextlib.contextmanager
def smtp_server(settings):
    """Point the default mailer at a local SMTP server; yields the list of raw messages."""
    handler = _Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        yield handler.received
    finally:
        controller.stop()


def raw_header(raw, name):
    """A header's value as it crossed the wire, folds undone (RFC 5322 unfolding only)."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    match = re.search(rf"(?im)^{re.escape(name)}:[ \t]?([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head)
    assert match, f"{name} is missing from the message"
    return re.sub(r"\r\n(?=[ \t])", "", match.group(1))


def assert_one_click_unsubscribe(raw):
    """RFC 8058 and RFC 2369, checked strictly on the raw message; returns the https URL.

    - List-Unsubscribe is angle-bracketed URIs separated by commas, with no RFC 2047 encoded
      word anywhere (Gmail and Yahoo ignore a header that has one), exactly one https URI and
      at most a mailto: beside it;
    - a fold happens only between entries, and no line is longer than RFC 5322 allows;
    - List-Unsubscribe-Post is exactly "List-Unsubscribe=One-Click".
    """
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 998 for line in head.split(b"\r\n"))
    value = raw_header(raw, "List-Unsubscribe")
    assert "=?" not in value
    entries = [entry.strip() for entry in value.split(",")]
    assert all(re.fullmatch(r"<[!-~]+>", entry) for entry in entries), value
    urls = [entry[1:-1] for entry in entries]
    https = [url for url in urls if url.startswith("https://")]
    assert len(https) == 1, value
    assert all(url.startswith(("https://", "mailto:")) for url in urls), value
    folded = re.search(r"(?im)^List-Unsubscribe:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*", head.decode("ascii"))
    for line in folded.group(0).split("\r\n")[:-1]:
        assert line.endswith(","), f"folded inside an entry: {folded.group(0)!r}"
    assert raw_header(raw, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    # And Python's own parser reads back the same link.
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert https[0] in str(parsed["List-Unsubscribe"])
    return https[0]
