"""Work that a killed task worker leaves half-done is finished later, and nobody gets the same
email twice: the send decision is recorded before each message goes out."""

import io
import socket
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from enquiries.models import ShareRecipient
from enquiries.services import deliver_share, share_article
from enquiries.tasks import send_share
from subscriptions import digest
from subscriptions.models import DigestDelivery, NewsletterSubscriber
from tests.factories import ArticleFactory

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


def test_a_digest_run_killed_mid_batch_leaves_the_rest_of_the_batch_to_the_next_run(
    killing_mailer, settings, time_machine
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


def running_task(share, worker_id):
    result = send_share.enqueue(share.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=1),
        worker_ids=[worker_id],
    )
    return result.id


def test_tasks_left_running_by_a_killed_worker_go_back_in_the_queue_and_live_workers_keep_theirs():
    article = ArticleFactory(headline="Council keeps both clinics open")
    share = share_article(
        article=article, sender_name="Sam", sender_email="sam@example.org", recipients=["ana@example.org"]
    )
    DBTaskResult.objects.all().delete()
    host = socket.gethostname()[:48]
    dead = subprocess.Popen(["true"])
    dead.wait()
    # A live process whose command line names the worker, as a running task_worker's does.
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "task_worker"])
    try:
        killed = running_task(share, f"{host}:{dead.pid}")
        live = running_task(share, f"{host}:{alive.pid}")
        elsewhere = running_task(share, "another-machine:4242")
        out = io.StringIO()

        call_command("requeue_interrupted_tasks", stdout=out)
    finally:
        alive.kill()
        alive.wait()

    statuses = {str(pk): status for pk, status in DBTaskResult.objects.values_list("pk", "status")}
    assert statuses[killed] == TaskResultStatus.READY
    assert statuses[live] == TaskResultStatus.RUNNING
    assert statuses[elsewhere] == TaskResultStatus.RUNNING
    assert "1 interrupted task(s) queued again; 2 running task(s)" in out.getvalue()
