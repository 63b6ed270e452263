"""A mail backend for a worker that a test kills: it writes each recipient it takes to the file
named by TEST_MAIL_LOG, and after the first message hangs, as a worker would on a stuck mail
server, until the test kills it mid-job."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class TakesOneThenHangs(BaseEmailBackend):
    def send_messages(self, messages):
        for message in messages:
            with open(os.environ["TEST_MAIL_LOG"], "a") as log:
                log.write("".join(f"{address}\n" for address in message.to))
            time.sleep(3600)
        return len(messages)
