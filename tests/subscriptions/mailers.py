"""Mail backends for the digest tests: the test outbox, with a mail server that can be made to
fail, refuse an address, or be watched for how many connections are opened."""

import smtplib
import threading
import time

from django.core.mail.backends.locmem import EmailBackend as OutboxBackend


class TroubledServer(OutboxBackend):
    """Set the class attributes to choose the trouble; `reset()` between tests."""

    fail_after = None  # drop the connection when this many messages have been accepted
    refuse = frozenset()  # addresses the server refuses outright
    delay = 0.0  # seconds per message, to make concurrent runs overlap
    accepted = 0
    connections_opened = 0
    _lock = threading.Lock()

    @classmethod
    def reset(cls):
        cls.fail_after, cls.refuse, cls.delay, cls.accepted, cls.connections_opened = (
            None,
            frozenset(),
            0.0,
            0,
            0,
        )

    def open(self):
        with self._lock:
            TroubledServer.connections_opened += 1
        return True

    def send_messages(self, messages):
        count = 0
        for message in messages:
            if set(message.to) & self.refuse:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such mailbox")})
            with self._lock:
                if self.fail_after is not None and TroubledServer.accepted >= self.fail_after:
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                TroubledServer.accepted += 1
            if self.delay:
                time.sleep(self.delay)
            count += super().send_messages([message])
        return count
