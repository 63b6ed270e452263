"""Work that a killed task worker leaves half-done is finished later, and nobody gets the same
email twice: the send decision is recorded before each message goes out."""

import contextlib
import signal
import sys
import time
from datetime import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued

from enquiries.models import ShareRecipient
from enquiries.services import deliver_share, share_article
from newsroom.tasks import retry_stalled_jobs
from subscriptions import digest
from subscriptions.models import DigestDelivery, NewsletterSubscriber
from tests.factories import ArticleFactory
from tests.jobs import jobs, run_worker_until_idle
from tests.scale_out.processes import ROOT, Process, app_environment

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for kill -9: nothing after it runs in the worker, no handler catches it."""


class KilledAfterTheServerTookIt(EmailBackend):
    """The test outbox, whose worker dies once the server has taken `survive` messages."""

    survive = 0

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if len(mail.outbox) > KilledAfterTheServerTookIt.survive:
            raise WorkerKilled
        return sent


@pytest.fixture
def killing_mailer(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.faults.test_exactly_once.KilledAfterTheServerTookIt"}}
    return KilledAfterTheServerTookIt


def test_a_share_the_server_took_just_before_the_worker_died_is_not_sent_again(killing_mailer, settings):
    article = ArticleFactory(headline="Council keeps both clinics open")
    share = share_article(
        article=article,
        sender_name="Sam Sender",
        sender_email="sam@example.org",
        recipients=["ana@example.org", "ben@example.org", "cat@example.org"],
    )
    killing_mailer.survive = 1  # the second email is taken, then the worker dies

    with pytest.raises(WorkerKilled):
        deliver_share(share)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    deliver_share(share)  # the task run again after the restart

    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
        "cat@example.org",
    ]
    assert not ShareRecipient.objects.filter(share=share, sent_at__isnull=True).exists()


def test_a_digest_batch_killed_mid_way_leaves_the_rest_of_the_batch_to_its_next_run(
    killing_mailer, settings, time_machine, jobs_run_at_once
):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    day = datetime(2026, 11, 20).date()
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 20, 7, 30)), tick=True)
    ArticleFactory(
        headline="Council keeps both clinics open", publish_at=timezone.make_aware(datetime(2026, 11, 19, 15))
    )
    readers = [f"reader{number}@example.org" for number in range(10)]
    NewsletterSubscriber.objects.bulk_create(
        NewsletterSubscriber(email=email, state=NewsletterSubscriber.State.CONFIRMED) for email in readers
    )
    killing_mailer.survive = 3  # the fourth message of a ten-message batch is taken, then the kill

    with pytest.raises(WorkerKilled):
        digest.send_digest(day, batch_size=10)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    digest.send_digest(day, batch_size=10)

    recipients = [message.to[0] for message in mail.outbox]
    assert sorted(recipients) == readers
    # The message in flight at the kill is recorded as perhaps sent, and was never sent again.
    assert DigestDelivery.objects.filter(state="sending").count() == 1
    assert DigestDelivery.objects.filter(state="sent").count() == 9
    assert digest.issue_for(day).completed_at is not None


def test_a_share_whose_worker_was_killed_is_finished_by_another_and_sent_once_to_each(
    transactional_db, tmp_path, settings
):
    article = ArticleFactory(headline="Council keeps both clinics open")
    recipients = ["ana@example.org", "ben@example.org", "cat@example.org"]
    share = share_article(
        article=article, sender_name="Sam", sender_email="sam@example.org", recipients=recipients
    )
    [job] = jobs("enquiries.tasks.send_share")
    taken_by_the_killed_worker = tmp_path / "taken.log"
    env = app_environment(
        cache_url="",
        key_prefix="faults",
        DJANGO_SETTINGS_MODULE="tests.worker_settings",
        TEST_MAIL_BACKEND="tests.faults.hanging_mail.TakesOneThenHangs",
        TEST_MAIL_LOG=taken_by_the_killed_worker,
    )

    with Process(
        "worker-to-kill", [sys.executable, str(ROOT / "manage.py"), "procrastinate", "worker"], env=env
    ) as worker:
        deadline = time.monotonic() + 60
        while not taken_by_the_killed_worker.exists() and time.monotonic() < deadline:
            worker.check_running()
            time.sleep(0.1)
        worker.popen.send_signal(signal.SIGKILL)
        worker.popen.wait()

    assert jobs("enquiries.tasks.send_share").get().status == "doing"  # for ever, left alone
    # A minute later the dead worker has missed its heartbeats; the next look for stalled jobs
    # (each minute, on any live worker) gives its job back, and a worker finishes it.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_workers SET last_heartbeat = NOW() - INTERVAL '1 minute'")
    with contextlib.suppress(AlreadyEnqueued):  # unless the killed worker's schedule queued it
        retry_stalled_jobs.defer(timestamp=int(time.time()))
    run_worker_until_idle()

    assert jobs("enquiries.tasks.send_share").get(pk=job.pk).status == "succeeded"
    taken = taken_by_the_killed_worker.read_text().split()
    assert len(taken) == 1  # the one in flight at the kill, recorded as sent before it went
    assert sorted(taken + [message.to[0] for message in mail.outbox]) == recipients
    assert not ShareRecipient.objects.filter(share=share, sent_at__isnull=True).exists()
