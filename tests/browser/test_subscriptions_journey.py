"""Subscriptions in Chromium: an anonymous reader meets the paywall on a premium article, the
subscriber signs in and reads it whole; a visitor signs up for the newsletter, confirms from
the email, and unsubscribes from the digest's link.

The article page shows premium bodies through this app's `premium_body` tag; the journey also
uses the no-JavaScript path, /subscriptions/article/<id>/read/, which the subscribe box links to.
"""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from subscriptions import digest
from subscriptions.models import NewsletterSubscriber, Plan, Subscription
from tests.conftest import save_screenshot
from tests.factories import DEFAULT_PASSWORD, ArticleFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPENING = [
    "The council's auditor has found a gap of £40 million in the pension fund, according to a report "
    "seen by The Civic Ledger.",
    "Officials were told of the shortfall two years ago, the report says, but the figures were left out "
    "of the annual accounts.",
]
SUBSCRIBER_ONLY = [
    "A memo dated March 2024 shows the treasurer signed off the accounts knowing of the gap.",
    "The treasurer resigned on Friday night. The council says an independent review will report in June.",
]
TIMEOUT = 30_000


@pytest.fixture
def subscriptions_site(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    cache.clear()
    investigations = SectionFactory(name="Investigations", slug="investigations", position=1)
    SectionFactory(name="Culture", slug="culture", position=2)
    yesterday = timezone.localdate() - timedelta(days=1)
    Plan.objects.create(
        name="Website", slug="website", price="8.00", unlocks=Plan.Unlocks.WEBSITE, position=1
    )
    Plan.objects.create(
        name="Magazine", slug="magazine", price="60.00", period="year", unlocks="magazine", position=2
    )
    article = ArticleFactory(
        headline="Pension fund gap hidden for two years",
        slug="pension-fund-gap",
        standfirst="An auditor's report the council chose not to publish.",
        body="".join(f"<p>{text}</p>" for text in OPENING + SUBSCRIBER_ONLY),
        is_premium=True,
        section=investigations,
        # Inside yesterday's digest window, which ends at yesterday's send time.
        publish_at=timezone.make_aware(datetime.combine(yesterday, digest.send_time())) - timedelta(hours=2),
    )
    subscriber = UserFactory(email="sam@example.org", display_name="Sam Subscriber")
    EmailAddress.objects.create(user=subscriber, email=subscriber.email, verified=True, primary=True)
    Subscription.objects.create(
        user=subscriber,
        plan=Plan.objects.get(slug="website"),
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=27),
    )
    yield {"article": article, "day": yesterday}
    cache.clear()


def test_the_paywall_and_a_subscriber_reading_the_article_whole(page, subscriptions_site):
    article = subscriptions_site["article"]
    page.set_default_timeout(TIMEOUT)

    # An anonymous reader meets the subscribe box after the opening paragraphs.
    page.goto(article.get_absolute_url())
    box = page.locator(".paywall")
    box.wait_for()
    assert "The rest of this article is for subscribers" in box.inner_text()
    body = page.locator(".article-body").inner_text()
    assert OPENING[0] in body
    assert all(text not in page.content() for text in SUBSCRIBER_ONLY)
    page.wait_for_load_state("networkidle")
    save_screenshot(page, "subscriptions-01-paywall-anonymous")

    # Signing in from the box leads to the whole article.
    box.get_by_role("link", name="Sign in to read the full article").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/subscriptions/article/{article.pk}/read/")
    text = page.locator(".article-body").inner_text()
    assert all(paragraph in text for paragraph in OPENING + SUBSCRIBER_ONLY)
    assert page.locator(".paywall").count() == 0
    save_screenshot(page, "subscriptions-02-subscriber-reads-whole")

    # Back on the shared article page, the full text arrives privately for the subscriber.
    page.goto(article.get_absolute_url())
    page.locator(".premium-body--open").wait_for()
    text = page.locator(".article-body").inner_text()
    assert all(paragraph in text for paragraph in OPENING + SUBSCRIBER_ONLY)
    assert page.locator(".paywall").count() == 0
    save_screenshot(page, "subscriptions-03-article-page-subscriber")


def test_a_visitor_signs_up_for_the_newsletter_confirms_and_unsubscribes_from_the_digest(
    page, subscriptions_site
):
    page.set_default_timeout(TIMEOUT)

    page.goto("/subscriptions/")
    page.get_by_role("heading", name="Read everything on the website").wait_for()
    save_screenshot(page, "subscriptions-04-plans")
    page.locator("#main").get_by_role("link", name="Sign up for the newsletter").click()

    page.wait_for_url("**/newsletter/")
    page.get_by_label("Email address").fill("visitor@example.org")
    page.get_by_label("Investigations").check()
    save_screenshot(page, "subscriptions-05-newsletter-form")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert NewsletterSubscriber.objects.get().state == NewsletterSubscriber.State.PENDING

    [confirmation] = mail.outbox
    [confirm_url] = [
        url for url in re.findall(r"https?://\S+", confirmation.body) if "/newsletter/confirm/" in url
    ]
    page.goto(urlsplit(confirm_url).path)
    page.get_by_role("button", name="Yes, send me the newsletter").click()
    page.get_by_role("heading", name="You are signed up").wait_for()
    assert "You will get the news from Investigations." in page.content()
    save_screenshot(page, "subscriptions-06-newsletter-confirmed")

    run = digest.send_digest(subscriptions_site["day"])
    assert run.sent == 1
    issue = mail.outbox[-1]
    assert issue.to == ["visitor@example.org"]
    assert "Pension fund gap hidden for two years" in issue.body
    assert all(text not in issue.body for text in SUBSCRIBER_ONLY + OPENING)
    unsubscribe_url = re.search(r"Unsubscribe: (\S+)", issue.body)[1]
    assert issue.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"

    page.goto(urlsplit(unsubscribe_url).path)
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    save_screenshot(page, "subscriptions-07-unsubscribed")
    assert NewsletterSubscriber.objects.get().state == NewsletterSubscriber.State.UNSUBSCRIBED
