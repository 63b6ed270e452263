"""Background work runs through the real database-backed queue and the real worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom.tasks import send_templated_email

NOTICE = {"title": "Queue check", "paragraphs": ["The worker delivered this."]}


def run_worker_until_idle():
    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, interval=0.1, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_an_enqueued_email_is_sent_by_the_worker():
    result = send_templated_email.enqueue("email/notice", NOTICE, ["desk@example.org"])
    assert mail.outbox == []

    run_worker_until_idle()

    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["desk@example.org"]
    assert message.subject == "[The Civic Ledger] Queue check"
    assert "The worker delivered this." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "The worker delivered this." in html


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_is_retried_later_with_back_off(settings):
    # A mail server that refuses connections: the send fails for real.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    settings.TASK_RETRY_BASE_SECONDS = 30
    before = timezone.now()
    send_templated_email.enqueue("email/notice", NOTICE, ["desk@example.org"])

    run_worker_until_idle()

    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [r.status for r in results] == ["FAILED", "READY"]
    retry = results[1]
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= before + timedelta(seconds=30)


@pytest.mark.django_db(transaction=True)
def test_the_last_attempt_fails_for_good_without_another_retry(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    settings.TASK_MAX_ATTEMPTS = 3
    send_templated_email.enqueue("email/notice", NOTICE, ["desk@example.org"], attempt=3)

    run_worker_until_idle()

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]
