"""Background work runs through the real PostgreSQL queue and the real worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from newsroom.tasks import send_templated_email
from tests.jobs import run_worker_until_idle

NOTICE = {"title": "Queue check", "paragraphs": ["The worker delivered this."]}
REFUSING_MAIL_SERVER = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }
}


def defer_notice():
    return send_templated_email.defer(template="email/notice", context=NOTICE, to=["desk@example.org"])


@pytest.mark.django_db(transaction=True)
def test_a_deferred_email_is_sent_by_the_worker():
    job_id = defer_notice()
    assert mail.outbox == []
    assert ProcrastinateJob.objects.get(pk=job_id).status == "todo"

    run_worker_until_idle()

    assert ProcrastinateJob.objects.get(pk=job_id).status == "succeeded"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["desk@example.org"]
    assert message.subject == "[The Civic Ledger] Queue check"
    assert "The worker delivered this." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "The worker delivered this." in html


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_is_retried_later_with_back_off(settings):
    settings.MAILERS = REFUSING_MAIL_SERVER
    before = timezone.now()
    job_id = defer_notice()

    run_worker_until_idle()

    job = ProcrastinateJob.objects.get(pk=job_id)
    assert job.status == "todo"  # waiting for its second attempt
    assert job.attempts == 1
    assert job.scheduled_at >= before + timedelta(seconds=settings.TASK_RETRY_BASE_SECONDS)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_last_attempt_fails_for_good_without_another_retry(settings):
    settings.MAILERS = REFUSING_MAIL_SERVER
    job_id = defer_notice()
    # As if the earlier attempts had failed already: this is the last one.
    settings.PROCRASTINATE_READONLY_MODELS = False
    ProcrastinateJob.objects.filter(pk=job_id).update(attempts=settings.TASK_MAX_ATTEMPTS - 1)

    run_worker_until_idle()

    assert ProcrastinateJob.objects.get(pk=job_id).status == "failed"
