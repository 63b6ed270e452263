"""The weekly digest: weekly subscribers get one issue a week, on NEWSLETTER_WEEKLY_DAY at the
digest's time, with the seven days' news from their sections, exactly once; daily subscribers
go on getting the daily issue and never the weekly one."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import DailyReadCount
from subscriptions import digest
from subscriptions.models import DigestDelivery, DigestIssue, DigestRun, NewsletterSubscriber
from subscriptions.tasks import send_due_digest
from tests.factories import ArticleFactory, SectionFactory

from .mailers import TroubledServer

pytestmark = pytest.mark.django_db

State = NewsletterSubscriber.State
Frequency = NewsletterSubscriber.Frequency
MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 20)


def at(day, hour, minute=0):
    # Europe/London is on GMT in November.
    return timezone.make_aware(
        datetime.combine(day, datetime.min.time()) + timedelta(hours=hour, minutes=minute)
    )


@pytest.fixture(autouse=True)
def digest_settings(settings, time_machine):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    settings.NEWSLETTER_WEEKLY_DAY = "monday"
    settings.NEWSLETTER_BATCH_SIZE = 500
    time_machine.move_to(at(MONDAY, 7, 30), tick=True)
    TroubledServer.reset()
    yield
    TroubledServer.reset()


@pytest.fixture
def week(db):
    politics = SectionFactory(name="Politics", slug="politics", position=1)
    health = SectionFactory(name="Health", slug="health", position=2)
    return {
        "politics": politics,
        "health": health,
        "tuesday": ArticleFactory(
            headline="Tuesday: council votes on clinics", section=politics, publish_at=at(MONDAY, -6 * 24 + 9)
        ),
        "thursday": ArticleFactory(
            headline="Thursday: library hours extended", section=politics, publish_at=at(FRIDAY, -24 + 15)
        ),
        "saturday": ArticleFactory(
            headline="Saturday: hospital waiting lists fall",
            section=health,
            publish_at=at(MONDAY, -2 * 24 + 11),
        ),
        "overnight": ArticleFactory(
            headline="Overnight: bridge reopens", section=politics, publish_at=at(MONDAY, 5)
        ),
        # The week before: Monday 16th at 06:00, an hour before the window opens.
        "too_old": ArticleFactory(
            headline="Last Monday's budget story", section=politics, publish_at=at(MONDAY, -7 * 24 + 6)
        ),
        "after": ArticleFactory(
            headline="Published after the send time", section=politics, publish_at=at(MONDAY, 7, 10)
        ),
    }


def subscriber(email, frequency, *sections):
    row = NewsletterSubscriber.objects.create(email=email, state=State.CONFIRMED, frequency=frequency)
    row.sections.set(sections)
    return row


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def test_the_weekly_issue_covers_the_seven_days_before_the_send_time_in_each_readers_sections(week):
    subscriber("weekly@example.org", Frequency.WEEKLY)
    subscriber("weekly-health@example.org", Frequency.WEEKLY, week["health"])
    subscriber("daily@example.org", Frequency.DAILY)

    run = digest.send_digest(MONDAY, kind=digest.Kind.WEEKLY)

    received = by_recipient()
    assert sorted(received) == ["weekly-health@example.org", "weekly@example.org"]
    everything = received["weekly@example.org"]
    assert everything.subject == "The Civic Ledger weekly: Overnight: bridge reopens and 3 more"
    for headline in (
        "Tuesday: council votes on clinics",
        "Thursday: library hours extended",
        "Saturday: hospital waiting lists fall",
        "Overnight: bridge reopens",
    ):
        assert headline in everything.body
        assert headline in everything.alternatives[0][0]
    for left_out in ("Last Monday's budget story", "Published after the send time"):
        assert left_out not in everything.body
    assert "the week's news to Monday 23 November 2026" in everything.body
    assert "signed up for The Civic Ledger's weekly newsletter" in everything.body
    health = received["weekly-health@example.org"].body
    assert "Saturday: hospital waiting lists fall" in health
    assert "Tuesday: council votes on clinics" not in health
    assert (run.recipients_added, run.sent) == (2, 2)
    issue = DigestIssue.objects.get(kind=digest.Kind.WEEKLY)
    assert (issue.window_start, issue.window_end) == (at(MONDAY, 7) - timedelta(days=7), at(MONDAY, 7))


def test_daily_subscribers_get_the_daily_issue_and_weekly_ones_do_not(week):
    subscriber("weekly@example.org", Frequency.WEEKLY)
    subscriber("daily@example.org", Frequency.DAILY)

    run = digest.send_digest(MONDAY)

    [message] = mail.outbox
    assert message.to == ["daily@example.org"]
    assert message.subject == "The Civic Ledger daily: Overnight: bridge reopens"
    assert "Saturday: hospital waiting lists fall" not in message.body
    assert "signed up for The Civic Ledger's daily newsletter" in message.body
    assert run.recipients_added == 1


def test_the_worker_sends_the_weekly_issue_on_the_weekly_day_only(week, settings, time_machine):
    subscriber("weekly@example.org", Frequency.WEEKLY)
    subscriber("daily@example.org", Frequency.DAILY)

    # Friday after the send time: the daily issue only.
    time_machine.move_to(at(FRIDAY, 7, 5), tick=True)
    send_due_digest()
    assert [message.to for message in mail.outbox] == [["daily@example.org"]]

    # Monday before the send time: nothing yet.
    mail.outbox.clear()
    time_machine.move_to(at(MONDAY, 6, 55), tick=True)
    send_due_digest()
    assert mail.outbox == []

    # Monday after it: the day's daily issue and the weekly one, each to its own readers.
    time_machine.move_to(at(MONDAY, 7, 5), tick=True)
    send_due_digest()
    send_due_digest()  # the next look sends nothing more
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "daily@example.org": "The Civic Ledger daily: Overnight: bridge reopens",
        "weekly@example.org": "The Civic Ledger weekly: Overnight: bridge reopens and 3 more",
    }
    assert sorted(DigestIssue.objects.values_list("kind", "date")) == [
        ("daily", FRIDAY),
        ("daily", MONDAY),
        ("weekly", MONDAY),
    ]


def test_the_weekly_day_follows_the_setting(week, settings, time_machine):
    settings.NEWSLETTER_WEEKLY_DAY = "friday"
    subscriber("weekly@example.org", Frequency.WEEKLY)
    time_machine.move_to(at(MONDAY, 7, 5), tick=True)

    send_due_digest()
    assert mail.outbox == []

    time_machine.move_to(at(FRIDAY + timedelta(days=7), 7, 5), tick=True)
    send_due_digest()
    [message] = mail.outbox
    assert message.to == ["weekly@example.org"]
    assert "Overnight: bridge reopens" in message.body  # Monday's, in the week to Friday


def test_running_the_weekly_issue_again_sends_nothing_twice(week):
    for number in range(4):
        subscriber(f"weekly{number}@example.org", Frequency.WEEKLY)
    first, second = io.StringIO(), io.StringIO()

    call_command("send_daily_digest", "--weekly", "--date", "2026-11-23", stdout=first)
    call_command("send_daily_digest", "--weekly", "--date", "2026-11-23", stdout=second)

    assert len(mail.outbox) == 4
    assert "Weekly digest of 2026-11-23: 4 articles; 4 recipients added; so far 4 sent" in first.getvalue()
    assert "The weekly digest of 2026-11-23 has already gone to every subscriber; nothing sent." in (
        second.getvalue()
    )
    assert DigestRun.objects.count() == 1


def test_a_weekly_run_that_stops_part_way_resumes_without_duplicates(week, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.subscriptions.mailers.TroubledServer"}}
    readers = [subscriber(f"weekly{number}@example.org", Frequency.WEEKLY).email for number in range(6)]
    TroubledServer.fail_after = 2

    stopped = digest.send_digest(MONDAY, kind=digest.Kind.WEEKLY, batch_size=4)
    assert (stopped.sent, "SMTPServerDisconnected" in stopped.errors) == (2, True)
    TroubledServer.fail_after = None
    digest.send_digest(MONDAY, kind=digest.Kind.WEEKLY, batch_size=4)

    assert sorted(message.to[0] for message in mail.outbox) == readers
    assert digest.send_digest(MONDAY, kind=digest.Kind.WEEKLY) is None
    assert DigestDelivery.objects.filter(state="sent").count() == 6


def test_the_command_refuses_a_weekly_issue_on_another_day(week):
    subscriber("weekly@example.org", Frequency.WEEKLY)

    with pytest.raises(CommandError, match="The weekly issue goes out on Mondays; 2026-11-20 is a Friday"):
        call_command("send_daily_digest", "--weekly", "--date", "2026-11-20", stdout=io.StringIO())

    assert mail.outbox == []
    assert not DigestIssue.objects.exists()


def test_a_reader_who_switches_to_weekly_gets_the_weekly_issue_and_no_more_daily_ones(week, time_machine):
    reader = subscriber("switcher@example.org", Frequency.DAILY)
    time_machine.move_to(at(FRIDAY, 7, 30), tick=True)
    digest.send_digest(FRIDAY)
    assert [message.to for message in mail.outbox] == [["switcher@example.org"]]

    NewsletterSubscriber.objects.filter(pk=reader.pk).update(frequency=Frequency.WEEKLY)
    time_machine.move_to(at(MONDAY, 7, 30), tick=True)
    digest.send_digest(MONDAY)
    digest.send_digest(MONDAY, kind=digest.Kind.WEEKLY)

    assert [message.subject.split(":")[0] for message in mail.outbox] == [
        "The Civic Ledger daily",
        "The Civic Ledger weekly",
    ]


def test_the_weekly_issue_takes_the_most_read_of_each_section_up_to_the_setting(week, settings):
    settings.NEWSLETTER_WEEKLY_ARTICLES_PER_SECTION = 2
    DailyReadCount.objects.create(article=week["tuesday"], day=date(2026, 11, 17), count=30)
    DailyReadCount.objects.create(article=week["tuesday"], day=date(2026, 11, 18), count=20)
    DailyReadCount.objects.create(article=week["overnight"], day=MONDAY, count=5)
    # Reads from before the week do not count.
    DailyReadCount.objects.create(article=week["thursday"], day=date(2026, 11, 10), count=500)
    subscriber("weekly@example.org", Frequency.WEEKLY)

    digest.send_digest(MONDAY, kind=digest.Kind.WEEKLY)

    [message] = mail.outbox
    headlines = [
        headline
        for headline in (
            "Tuesday: council votes on clinics",
            "Overnight: bridge reopens",
            "Thursday: library hours extended",
            "Saturday: hospital waiting lists fall",
        )
        if headline in message.body
    ]
    assert headlines == [
        "Tuesday: council votes on clinics",
        "Overnight: bridge reopens",
        "Saturday: hospital waiting lists fall",
    ]
    body = message.body
    assert body.index("Tuesday: council") < body.index("Overnight: bridge") < body.index("Saturday: hospital")
    assert message.subject == "The Civic Ledger weekly: Tuesday: council votes on clinics and 2 more"
    assert "The most-read articles of the week from each section." in body
