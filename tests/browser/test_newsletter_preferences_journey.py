"""Newsletter choices in Chromium, without an account: a subscriber opens the link from the
digest they were sent, changes sections and frequency and sees them saved; a reader with an
out-of-date link asks for a fresh one and uses it to unsubscribe."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from subscriptions import digest, newsletter
from subscriptions.models import NewsletterSubscriber
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30_000
State = NewsletterSubscriber.State


@pytest.fixture
def newsletter_site(settings, jobs_run_at_once):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    settings.NEWSLETTER_WEEKLY_DAY = "monday"
    cache.clear()
    politics = SectionFactory(name="Politics", slug="politics", position=1)
    SectionFactory(name="Health", slug="health", position=2)
    SectionFactory(name="Culture", slug="culture", position=3)
    yesterday = timezone.localdate() - timedelta(days=1)
    ArticleFactory(
        headline="Council votes to keep both clinics open",
        section=politics,
        publish_at=timezone.make_aware(datetime.combine(yesterday, digest.send_time())) - timedelta(hours=2),
    )
    subscriber = NewsletterSubscriber.objects.create(email="nora@example.org", state=State.CONFIRMED)
    subscriber.sections.set([politics])
    yield {"subscriber": subscriber, "day": yesterday}
    cache.clear()


def test_a_reader_opens_the_link_in_the_digest_and_changes_sections_and_frequency(page, newsletter_site):
    page.set_default_timeout(TIMEOUT)
    digest.send_digest(newsletter_site["day"])
    [issue] = mail.outbox
    link = re.search(r"Choose your sections or how often \(no account needed\): (\S+)", issue.body)[1]

    page.goto(urlsplit(link).path)
    page.get_by_role("heading", name="Your newsletter choices").wait_for()
    assert "The newsletter goes to nora@example.org" in page.locator("main").inner_text()
    assert page.get_by_label("Politics").is_checked()
    assert page.get_by_label("Every day").is_checked()
    assert_accessible(page, "newsletter preferences")
    save_screenshot(page, "newsletter-prefs-01-choices")

    page.get_by_label("Politics").uncheck()
    page.get_by_label("Health").check()
    page.get_by_label("Culture").check()
    page.get_by_label("Once a week").check()
    page.get_by_role("button", name="Save my choices").click()

    page.get_by_text("Your choices are saved. The next issue follows them.").wait_for()
    assert page.get_by_label("Health").is_checked()
    assert page.get_by_label("Culture").is_checked()
    assert not page.get_by_label("Politics").is_checked()
    assert page.get_by_label("Once a week").is_checked()
    save_screenshot(page, "newsletter-prefs-02-saved")
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.frequency == NewsletterSubscriber.Frequency.WEEKLY
    assert sorted(section.slug for section in subscriber.sections.all()) == ["culture", "health"]

    # Reloading shows what is stored, not what the form last held.
    page.reload()
    page.get_by_role("heading", name="Your newsletter choices").wait_for()
    assert page.get_by_label("Once a week").is_checked()
    assert page.get_by_label("Health").is_checked()


def test_a_reader_with_an_old_link_gets_a_fresh_one_and_unsubscribes_with_it(
    page, newsletter_site, settings, time_machine
):
    page.set_default_timeout(TIMEOUT)
    subscriber = newsletter_site["subscriber"]
    time_machine.move_to(timezone.now() - timedelta(days=settings.NEWSLETTER_PREFERENCES_LINK_DAYS + 1))
    old_link = newsletter.preferences_url(subscriber.pk)
    time_machine.move_to(timezone.now() + timedelta(days=settings.NEWSLETTER_PREFERENCES_LINK_DAYS + 1))

    page.goto(urlsplit(old_link).path)
    page.get_by_role("heading", name="This link does not work").wait_for()
    assert "more than 180 days old" in page.locator("main").inner_text()
    assert_accessible(page, "expired preferences link")
    save_screenshot(page, "newsletter-prefs-03-expired-link")

    page.get_by_label("Email address").fill("nora@example.org")
    page.get_by_role("button", name="Email me a fresh link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert "If that address is on our newsletter list, we have sent it a link" in page.content()
    save_screenshot(page, "newsletter-prefs-04-link-sent")
    [message] = mail.outbox
    fresh = re.search(r"https?://\S+/newsletter/preferences/\S+", message.body)[0]

    page.goto(urlsplit(fresh).path)
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED

    # The same link now says the address is off the list and offers to sign up again.
    page.goto(urlsplit(fresh).path)
    page.get_by_role("heading", name="This address is not on our newsletter list").wait_for()
    page.get_by_role("link", name="Sign up again").click()
    page.wait_for_url("**/newsletter/")
    save_screenshot(page, "newsletter-prefs-05-sign-up-again")
