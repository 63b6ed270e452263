"""The daily digest: what it says, to whom, and that each subscriber gets each day's issue
exactly once, whatever happens to the run."""

import io
from datetime import datetime, timedelta
from functools import partial

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsroom.models import SuppressedAddress
from subscriptions import digest
from subscriptions.models import DigestDelivery, DigestIssue, DigestRun, NewsletterSubscriber
from tests.concurrency import at_the_same_moment
from tests.factories import ArticleFactory, SectionFactory
from tests.jobs import jobs, run_worker_until_idle
from tests.mailserver import assert_one_click_unsubscribe, smtp_server

from .mailers import TroubledServer

pytestmark = pytest.mark.django_db

State = NewsletterSubscriber.State
ISSUE_DAY = datetime(2026, 11, 20).date()
# Europe/London is on GMT in November; the digest goes at 07:00.
AFTER_SEND_TIME = timezone.make_aware(datetime(2026, 11, 20, 7, 30))
IN_THE_WINDOW = timezone.make_aware(datetime(2026, 11, 19, 15, 0))
PREMIUM_SECRET = "The treasurer signed the memo on the Friday before the audit."


@pytest.fixture(autouse=True)
def newsletter_time(settings, time_machine):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    settings.NEWSLETTER_BATCH_SIZE = 500
    time_machine.move_to(AFTER_SEND_TIME, tick=True)
    TroubledServer.reset()
    yield
    TroubledServer.reset()


@pytest.fixture
def troubled_server(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.subscriptions.mailers.TroubledServer"}}
    return TroubledServer


@pytest.fixture
def news(db):
    politics = SectionFactory(name="Politics", slug="politics", position=1)
    health = SectionFactory(name="Health", slug="health", position=2)
    culture = SectionFactory(name="Culture", slug="culture", position=3)
    return {
        "politics": politics,
        "health": health,
        "culture": culture,
        "vote": ArticleFactory(
            headline="Council votes to keep both clinics open",
            standfirst="A late amendment saved the clinics.",
            body="<p>The vote was close: 31 to 29.</p><p>The mayor abstained.</p>",
            section=politics,
            publish_at=IN_THE_WINDOW,
        ),
        "audit": ArticleFactory(
            headline="What the auditor found",
            standfirst="Our investigation into the pension fund.",
            body=f"<p>{PREMIUM_SECRET}</p><p>More for subscribers.</p><p>And more.</p>",
            section=health,
            is_premium=True,
            publish_at=IN_THE_WINDOW + timedelta(hours=1),
        ),
        "old": ArticleFactory(
            headline="Last week's budget story",
            section=politics,
            publish_at=IN_THE_WINDOW - timedelta(days=2),
        ),
        "draft": ArticleFactory(
            headline="Unfinished draft", section=politics, status="draft", publish_at=None
        ),
        "later": ArticleFactory(
            headline="Published after the send time",
            section=politics,
            publish_at=AFTER_SEND_TIME - timedelta(minutes=5),
        ),
    }


def confirmed(email, *sections):
    subscriber = NewsletterSubscriber.objects.create(email=email, state=State.CONFIRMED)
    subscriber.sections.set(sections)
    return subscriber


def html_of(message):
    return message.alternatives[0][0]


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def send():
    return digest.send_digest(ISSUE_DAY)


def assert_one_click_unsubscribes(url, subscriber, settings):
    """The mail program's one-click POST (RFC 8058): no cookie, no CSRF token."""
    response = Client(enforce_csrf_checks=True).post(
        url.removeprefix(settings.SITE_URL),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED


def test_each_subscriber_gets_the_days_articles_from_their_sections(news):
    confirmed("all@example.org")
    confirmed("politics@example.org", news["politics"])
    confirmed("culture@example.org", news["culture"])  # no culture news that day
    NewsletterSubscriber.objects.create(email="pending@example.org", state=State.PENDING)
    NewsletterSubscriber.objects.create(email="gone@example.org", state=State.UNSUBSCRIBED)

    run = send()

    received = by_recipient()
    assert sorted(received) == ["all@example.org", "politics@example.org"]
    everything = received["all@example.org"]
    assert everything.subject == "The Civic Ledger daily: Council votes to keep both clinics open and 1 more"
    assert "Council votes to keep both clinics open" in everything.body
    assert "What the auditor found" in html_of(everything)
    for excluded in ("Last week's budget story", "Unfinished draft", "Published after the send time"):
        assert excluded not in everything.body
    assert "What the auditor found" not in received["politics@example.org"].body
    assert (run.recipients_added, run.sent, run.skipped, run.failed) == (3, 2, 1, 0)
    assert DigestIssue.objects.get().completed_at is not None


def test_premium_articles_appear_as_headline_and_standfirst_only(news):
    confirmed("all@example.org")

    send()

    [message] = mail.outbox
    for text in (message.body, html_of(message)):
        assert "What the auditor found" in text
        assert "Our investigation into the pension fund." in text
        assert PREMIUM_SECRET not in text
        assert "More for subscribers" not in text
        # Free articles give their opening.
        assert "The vote was close: 31 to 29." in text
    assert "FOR SUBSCRIBERS" in message.body


def test_every_digest_carries_one_click_unsubscribe_headers_and_link(news, settings):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@example.org"
    subscriber = confirmed("all@example.org")

    send()

    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.split(">", 1)[0].lstrip("<")
    assert url.startswith(f"{settings.SITE_URL}/newsletter/unsubscribe/")
    assert header.endswith(", <mailto:unsubscribe@example.org?subject=unsubscribe>")
    assert f"Unsubscribe: {url}" in message.body
    assert f'href="{url}"' in html_of(message)
    # Both headers reach the wire.
    wire = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in wire

    assert_one_click_unsubscribes(url, subscriber, settings)


@pytest.mark.parametrize("host_length", [12, 90, 230])
def test_the_digest_on_the_wire_passes_the_one_click_checks_for_any_site_address(news, settings, host_length):
    # The unsubscribe link is the site's address plus a signed token: the longer the host,
    # the further past the 78 characters at which Python's email package used to encode it.
    host = "n" * (host_length - len(".example.org")) + ".example.org"
    settings.SITE_URL = f"https://{host}"
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@example.org"
    subscriber = confirmed("all@example.org")

    with smtp_server(settings) as received:
        send()

    [raw] = received
    url = assert_one_click_unsubscribe(raw)
    assert url.startswith(f"https://{host}/newsletter/unsubscribe/")
    assert_one_click_unsubscribes(url, subscriber, settings)


def test_an_address_suppressed_after_a_bounce_or_complaint_gets_no_more_digests(news):
    confirmed("gone@example.org")
    confirmed("here@example.org")
    SuppressedAddress.objects.create(email="GONE@example.org", reason=SuppressedAddress.Reason.BOUNCED)

    send()

    assert set(by_recipient()) == {"here@example.org"}
    skipped = DigestDelivery.objects.get(subscriber__email="gone@example.org")
    assert skipped.state == DigestDelivery.State.SKIPPED


def test_a_suppression_reported_between_two_runs_stops_the_rest_of_the_issue(news, troubled_server):
    for number in range(4):
        confirmed(f"reader{number}@example.org")
    troubled_server.fail_after = 2
    send()  # its batch job fails after two messages and waits for its retry
    unsent = sorted({f"reader{n}@example.org" for n in range(4)} - set(by_recipient()))
    SuppressedAddress.objects.create(email=unsent[0], reason=SuppressedAddress.Reason.COMPLAINED)
    troubled_server.fail_after = None

    send()

    assert sorted(by_recipient()) == sorted({f"reader{n}@example.org" for n in range(4)} - {unsent[0]})


def test_running_the_digest_twice_sends_nothing_twice(news):
    for number in range(5):
        confirmed(f"reader{number}@example.org")

    first = io.StringIO()
    call_command("send_daily_digest", "--date", "2026-11-20", stdout=first)
    second = io.StringIO()
    call_command("send_daily_digest", "--date", "2026-11-20", stdout=second)

    assert len(mail.outbox) == 5
    assert "5 sent" in first.getvalue()
    assert "has already gone to every subscriber; nothing sent" in second.getvalue()
    assert DigestRun.objects.count() == 1


def test_a_crash_part_way_resumes_where_it_stopped_without_duplicates(news, troubled_server):
    subscribers = [confirmed(f"reader{number:02d}@example.org") for number in range(12)]
    troubled_server.fail_after = 5

    failed_run = digest.send_digest(ISSUE_DAY, batch_size=4)

    assert len(mail.outbox) == 5
    assert failed_run == DigestRun.objects.get()
    assert failed_run.sent == 5
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in failed_run.errors
    assert failed_run.finished_at is not None
    assert DigestIssue.objects.get().completed_at is None
    assert DigestDelivery.objects.filter(state="sent").count() == 5
    assert DigestDelivery.objects.filter(state="pending").count() == 7
    assert DigestDelivery.objects.filter(state="sending").count() == 0

    troubled_server.fail_after = None
    resumed = digest.send_digest(ISSUE_DAY, batch_size=4)

    assert sorted(message.to[0] for message in mail.outbox) == [
        subscriber.email for subscriber in subscribers
    ]
    assert (resumed.sent, resumed.recipients_added, resumed.errors) == (7, 0, "")
    assert DigestIssue.objects.get().completed_at is not None
    assert digest.send_digest(ISSUE_DAY) is None
    assert len(mail.outbox) == 12


def test_the_command_reports_an_interrupted_run_and_the_next_run_finishes_it(news, troubled_server):
    for number in range(3):
        confirmed(f"reader{number}@example.org")
    troubled_server.fail_after = 1

    stopped = io.StringIO()
    call_command("send_daily_digest", "--date", "2026-11-20", stdout=stopped)
    troubled_server.fail_after = None
    out = io.StringIO()
    call_command("send_daily_digest", "--date", "2026-11-20", stdout=out)

    assert "A batch stopped part-way (SMTPServerDisconnected: Connection unexpectedly closed)" in (
        stopped.getvalue()
    )
    assert "2 still waiting, queued for the worker." in stopped.getvalue()
    assert len(mail.outbox) == 3
    assert "2 sent" in out.getvalue()


def test_a_message_left_in_flight_by_a_killed_run_is_never_sent_again(news):
    subscribers = [confirmed(f"reader{number}@example.org") for number in range(3)]
    issue = digest.issue_for(ISSUE_DAY)
    digest.add_recipients(issue)
    # A run was killed between handing this message to the server and recording it as sent.
    DigestDelivery.objects.filter(subscriber=subscribers[0]).update(
        state="sending", claimed_at=timezone.now()
    )
    out = io.StringIO()

    call_command("send_daily_digest", "--date", "2026-11-20", stdout=out)

    assert sorted(message.to[0] for message in mail.outbox) == ["reader1@example.org", "reader2@example.org"]
    assert "1 left unconfirmed by an earlier interrupted run" in out.getvalue()


def test_an_address_the_server_refuses_does_not_hold_up_the_others(news, troubled_server):
    for number in range(4):
        confirmed(f"reader{number}@example.org")
    troubled_server.refuse = frozenset({"reader1@example.org"})

    run = send()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "reader0@example.org", "reader2@example.org", "reader3@example.org"
    ]  # fmt: skip
    assert (run.sent, run.failed) == (3, 1)
    refused = DigestDelivery.objects.get(subscriber__email="reader1@example.org")
    assert refused.state == "failed"
    assert "No such mailbox" in refused.last_error
    assert send() is None  # the issue is complete: the refused address is not retried


def test_each_batch_goes_over_one_mail_connection(news, troubled_server):
    for number in range(10):
        confirmed(f"reader{number}@example.org")

    digest.send_digest(ISSUE_DAY, batch_size=4)

    assert len(mail.outbox) == 10
    # A batch is the deliveries whose ids share `id // 4`: ten rows make three or four of them.
    batches = {pk // 4 for pk in DigestDelivery.objects.values_list("pk", flat=True)}
    assert troubled_server.connections_opened == len(batches) <= 4


def test_someone_who_unsubscribes_during_a_run_gets_nothing_more(news):
    subscriber = confirmed("reader@example.org")
    issue = digest.issue_for(ISSUE_DAY)
    digest.add_recipients(issue)
    subscriber.state = State.UNSUBSCRIBED
    subscriber.save()

    run = send()

    assert mail.outbox == []
    assert run.skipped == 1


def test_a_day_without_articles_sends_nothing_and_says_so(db):
    confirmed("reader@example.org")

    run = send()

    assert mail.outbox == []
    assert run.recipients_added == 0
    assert DigestIssue.objects.get().article_ids == []


def test_the_issue_keeps_the_articles_it_was_built_with(news):
    confirmed("reader@example.org")
    issue = digest.issue_for(ISSUE_DAY)
    ArticleFactory(headline="Published late but dated inside the window", section=news["politics"],
                   publish_at=IN_THE_WINDOW + timedelta(hours=2))  # fmt: skip

    send()

    assert "Published late but dated inside the window" not in mail.outbox[0].body
    assert digest.issue_for(ISSUE_DAY).article_ids == issue.article_ids


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_queue_each_batch_once_and_send_each_subscriber_one_copy(
    news, troubled_server, real_job_queue
):
    for number in range(30):
        confirmed(f"reader{number:02d}@example.org")
    digest.issue_for(ISSUE_DAY)
    troubled_server.delay = 0.01
    at_the_same_moment(*[partial(digest.send_digest, ISSUE_DAY, batch_size=5)] * 2)
    batches = {pk // 5 for pk in DigestDelivery.objects.values_list("pk", flat=True)}
    assert jobs("subscriptions.tasks.send_digest_batch").count() == len(batches)
    run_worker_until_idle()

    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == 30
    assert len(set(recipients)) == 30
    runs = list(DigestRun.objects.all())
    assert len(runs) == 2
    assert sum(run.sent for run in runs) == 30
