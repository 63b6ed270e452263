"""The digest and the reminders run on the worker's schedule, through the real queue."""

import io
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from subscriptions.models import DigestRun, NewsletterSubscriber, Subscription
from subscriptions.tasks import send_due_digest
from tests.factories import ArticleFactory, UserFactory
from tests.jobs import jobs, run_worker_until_idle, schedule_of

from .conftest import subscribe

DIGEST_TASK = "subscriptions.tasks.send_due_digest"
REMINDER_TASK = "subscriptions.tasks.send_subscription_reminders"


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_digest_once_its_time_has_come_and_only_once(
    settings, time_machine, real_job_queue
):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 20, 6, 30)), tick=True)
    ArticleFactory(headline="Overnight: bridge reopens", publish_at=timezone.now() - timedelta(hours=3))
    NewsletterSubscriber.objects.create(email="early@example.org", state=NewsletterSubscriber.State.CONFIRMED)

    send_due_digest.defer()
    run_worker_until_idle()
    assert mail.outbox == []  # too early

    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 20, 7, 5)), tick=True)
    send_due_digest.defer()
    run_worker_until_idle()
    send_due_digest.defer()
    run_worker_until_idle()

    assert [message.to for message in mail.outbox] == [["early@example.org"]]
    assert "Overnight: bridge reopens" in mail.outbox[0].body
    assert DigestRun.objects.count() == 1
    assert [job.status for job in jobs(DIGEST_TASK)] == ["succeeded"] * 3


def test_the_worker_looks_for_the_digest_every_five_minutes_and_reminds_every_hour():
    assert schedule_of(DIGEST_TASK) == "*/5 * * * *"
    assert schedule_of(REMINDER_TASK) == "7 * * * *"


# Reminders ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_subscribers_are_reminded_once_before_their_term_ends(website_plan, magazine_plan):
    ending = subscribe(
        UserFactory(email="ending@example.org", display_name="Ena Ending"), website_plan, days_left=5
    )
    subscribe(UserFactory(email="later@example.org"), website_plan, days_left=20)
    subscribe(UserFactory(email="ended@example.org"), website_plan, days_left=-1)
    cancelled = subscribe(UserFactory(email="cancelled@example.org"), magazine_plan, days_left=3)
    Subscription.objects.filter(pk=cancelled.pk).update(state=Subscription.State.CANCELLED)

    first = io.StringIO()
    call_command("send_subscription_reminders", stdout=first)
    call_command("send_subscription_reminders", stdout=io.StringIO())

    [message] = mail.outbox
    assert message.to == ["ending@example.org"]
    ends_on = timezone.localdate(ending.ends_at)
    assert (
        message.subject == f"[The Civic Ledger] Your Website subscription ends on {ends_on.day} {ends_on:%B}"
    )
    assert "Hello Ena Ending" in message.body
    assert "1 reminder sent" in first.getvalue()


@pytest.mark.django_db
def test_a_renewed_subscription_is_reminded_again_before_its_new_end(website_plan, time_machine):
    subscription = subscribe(UserFactory(email="renewer@example.org"), website_plan, days_left=5)
    call_command("send_subscription_reminders", stdout=io.StringIO())
    from subscriptions.services import renew_subscription

    new_end = subscription.ends_at + timedelta(days=30)
    renew_subscription(subscription=subscription, ends_at=new_end)
    call_command("send_subscription_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # the new end is weeks away

    time_machine.move_to(new_end - timedelta(days=4), tick=False)
    call_command("send_subscription_reminders", stdout=io.StringIO())

    assert [message.to for message in mail.outbox] == [["renewer@example.org"]] * 2


@pytest.mark.django_db
def test_a_failed_reminder_is_tried_again_on_the_next_sweep(website_plan, settings):
    subscribe(UserFactory(email="ending@example.org"), website_plan, days_left=2)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with pytest.raises(ConnectionRefusedError):
        call_command("send_subscription_reminders", stdout=io.StringIO())

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_subscription_reminders", stdout=io.StringIO())

    assert [message.to for message in mail.outbox] == [["ending@example.org"]]
