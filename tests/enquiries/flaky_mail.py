"""A mail backend for tests: like Django's test backend, except that the first email to an
address starting with "flaky@" fails, as a mail server's temporary refusal would."""

from django.core.mail.backends.locmem import EmailBackend

_refused_once = set()


class FailsOnceForFlakyAddresses(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if address.startswith("flaky@") and address not in _refused_once:
                    _refused_once.add(address)
                    raise ConnectionError(f"451 temporary failure for {address}")
        return super().send_messages(messages)
