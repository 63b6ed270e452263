"""Work that a killed task worker leaves half-done is finished later, and nobody gets the same
email twice: the send decision is recorded before each message goes out."""

import contextlib
import signal
import sys
import time
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
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


def kill_a_worker_mid_job(tmp_path):
    """Run the real worker (`manage.py procrastinate worker`) in a child process whose mail
    server takes one message and then hangs; kill -9 it there. Then let a minute pass for its
    heartbeats, as far as the queue can tell, and run the next look for stalled jobs and the
    jobs it gives back on a live worker. Returns the addresses the killed worker handed over."""
    taken_by_the_killed_worker = tmp_path / "taken.log"
    env = app_environment(
        cache_url="",
        key_prefix="faults",
        DJANGO_SETTINGS_MODULE="tests.worker_settings",
        TEST_MAIL_BACKEND="tests.faults.hanging_mail.TakesOneThenHangs",
        TEST_MAIL_LOG=taken_by_the_killed_worker,
    )
    command = [sys.executable, str(ROOT / "manage.py"), "procrastinate", "worker"]
    with Process("worker-to-kill", command, env=env) as worker:
        deadline = time.monotonic() + 60
        while not taken_by_the_killed_worker.exists() and time.monotonic() < deadline:
            worker.check_running()
            time.sleep(0.1)
        worker.popen.send_signal(signal.SIGKILL)
        worker.popen.wait()

    # Its job stays "doing" for ever unless something gives it back.
    assert ProcrastinateJob.objects.filter(status="doing").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_workers SET last_heartbeat = NOW() - INTERVAL '1 minute'")
    with contextlib.suppress(AlreadyEnqueued):  # unless the killed worker's schedule queued it
        retry_stalled_jobs.defer(timestamp=int(time.time()))
    run_worker_until_idle()
    return taken_by_the_killed_worker.read_text().split()


def test_a_share_whose_worker_was_killed_is_finished_by_another_and_sent_once_to_each(
    transactional_db, tmp_path
):
    article = ArticleFactory(headline="Council keeps both clinics open")
    recipients = ["ana@example.org", "ben@example.org", "cat@example.org"]
    share = share_article(
        article=article, sender_name="Sam", sender_email="sam@example.org", recipients=recipients
    )

    taken = kill_a_worker_mid_job(tmp_path)

    assert [job.status for job in jobs("enquiries.tasks.send_share")] == ["succeeded"]
    assert len(taken) == 1  # the one in flight at the kill, recorded as sent before it went
    assert sorted(taken + [message.to[0] for message in mail.outbox]) == recipients
    assert not ShareRecipient.objects.filter(share=share, sent_at__isnull=True).exists()


def test_a_digest_batch_whose_worker_was_killed_is_finished_by_another_without_resending(
    transactional_db, tmp_path, settings
):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    day = timezone.localdate() - timedelta(days=1)
    _, window_end = digest.issue_window(day)
    ArticleFactory(headline="Council keeps both clinics open", publish_at=window_end - timedelta(hours=1))
    readers = [f"reader{number}@example.org" for number in range(5)]
    NewsletterSubscriber.objects.bulk_create(
        NewsletterSubscriber(email=email, state=NewsletterSubscriber.State.CONFIRMED) for email in readers
    )
    digest.send_digest(day)  # queues the batch jobs for the worker

    taken = kill_a_worker_mid_job(tmp_path)

    assert {job.status for job in jobs("subscriptions.tasks.send_digest_batch")} == {"succeeded"}
    assert len(taken) == 1
    assert sorted(taken + [message.to[0] for message in mail.outbox]) == readers
    # The message in flight at the kill stays "perhaps sent", and was never sent again.
    assert DigestDelivery.objects.get(state="sending").subscriber.email == taken[0]
    assert DigestDelivery.objects.filter(state="sent").count() == 4
    assert digest.issue_for(day).completed_at is not None
    assert digest.send_digest(day) is None
