"""Subscriptions in Chromium: an anonymous reader meets the paywall on a premium article, the
subscriber signs in and reads it whole; a visitor signs up for the newsletter, confirms from
the email, and unsubscribes from the digest's link; a subscriber gives an article by gift link
and a stranger reads it whole, while the article's cached page keeps only the opening.

The article page shows premium bodies through this app's `premium_body` tag; the journey also
uses the no-JavaScript path, /subscriptions/article/<id>/read/, which the subscribe box links to.
"""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from newsroom.lib import pagecache
from newsroom.lib.generations import site_generation
from subscriptions import digest
from subscriptions.models import GiftLink, MeteredRead, NewsletterSubscriber, Plan, Subscription
from tests.browser.accessibility import assert_accessible
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
def subscriptions_site(settings, jobs_run_at_once):
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
    subscriber = UserFactory(email="sam@example.org", display_name="Sam Subscriber", verified=True)
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


def test_a_metered_reader_gets_the_whole_article_from_the_pages_script_and_one_read_is_counted(
    page, subscriptions_site, settings
):
    settings.PAGE_CACHE_ENABLED = True
    settings.SUBSCRIPTIONS_METERING = True
    settings.SUBSCRIPTIONS_METERED_ARTICLES = 3
    article = subscriptions_site["article"]
    reader = UserFactory(email="mo@example.org", display_name="Mo Reader", verified=True)
    page.set_default_timeout(TIMEOUT)

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("mo@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/")
    assert not MeteredRead.objects.filter(user=reader).exists()

    page.goto(article.get_absolute_url())
    page.locator(".premium-body--open").wait_for()
    text = page.locator(".article-body").inner_text()
    assert all(paragraph in text for paragraph in OPENING + SUBSCRIBER_ONLY)
    assert "You have 2 more left" in page.locator(".metering-note").inner_text()
    assert page.locator(".paywall").count() == 0
    assert MeteredRead.objects.filter(user=reader, article=article).count() == 1
    save_screenshot(page, "subscriptions-04-metered-reader-reads-whole")

    # Coming back to it this month costs nothing more.
    page.reload()
    page.locator(".premium-body--open").wait_for()
    page.wait_for_load_state("networkidle")
    assert MeteredRead.objects.filter(user=reader).count() == 1


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


def test_a_subscriber_gifts_an_article_and_an_anonymous_reader_reads_it_whole(
    page, browser, live_server, subscriptions_site, settings
):
    settings.PAGE_CACHE_ENABLED = True
    settings.SUBSCRIPTIONS_GIFTS_PER_MONTH = 10
    article = subscriptions_site["article"]
    page.set_default_timeout(TIMEOUT)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    # The subscriber signs in and finds the offer under the article's full text.
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/")
    page.goto(article.get_absolute_url())
    offer = page.locator(".gift-offer")
    offer.wait_for()
    assert "You have 10 of 10 gift links left for" in offer.inner_text()
    offer.scroll_into_view_if_needed()
    save_screenshot(page, "gifts-00-subscriber-sees-the-offer")
    assert_accessible(page, "gifts-00-subscriber-sees-the-offer")
    offer.get_by_role("button", name="Create a gift link").click()

    # The link is shown with a button that copies it.
    page.get_by_role("heading", name="Your gift link").wait_for()
    gift = GiftLink.objects.get()
    gift_path = f"/gift/{gift.token}/"
    assert page.get_by_label("The link to send").input_value().endswith(gift_path)
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Link copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()").endswith(gift_path)
    save_screenshot(page, "gifts-01-sender-copies-the-link")
    assert_accessible(page, "gifts-01-sender-copies-the-link")

    # Or has us email it, with a note; the email carries the link and none of the text.
    page.get_by_label("Their email address").fill("friend@example.net")
    page.get_by_label("A note from you (optional)").fill("The story I told you about.")
    page.get_by_role("button", name="Email the link").click()
    page.get_by_text("We are emailing the link to friend@example.net").wait_for()
    [gift_email] = [message for message in mail.outbox if message.to == ["friend@example.net"]]
    assert gift_path in gift_email.body
    assert "The story I told you about." in gift_email.body
    assert all(text not in gift_email.body for text in SUBSCRIBER_ONLY)

    # Someone without an account opens the link and reads the whole article.
    stranger = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        reader = stranger.new_page()
        reader.set_default_timeout(TIMEOUT)
        reader.goto(urlsplit(re.search(r"Read it here: (\S+)", gift_email.body)[1]).path)
        text = reader.locator(".article-body").inner_text()
        assert all(paragraph in text for paragraph in OPENING + SUBSCRIBER_ONLY)
        assert "Sam Subscriber has given you this article" in reader.locator(".gift-note").inner_text()
        assert reader.locator(".paywall").count() == 0
        reader.wait_for_load_state("networkidle")
        save_screenshot(reader, "gifts-02-recipient-reads-whole")
        assert_accessible(reader, "gifts-02-recipient-reads-whole")
        for _ in range(50):  # the open is counted by a beacon after the page is shown
            gift.refresh_from_db()
            if gift.open_count:
                break
            reader.wait_for_timeout(100)
        assert gift.open_count == 1

        # The same article's own page, and the copy the page cache keeps, hold only the opening.
        shown = reader.goto(article.get_absolute_url())
        kept = pagecache.cache().get(
            pagecache.page_key(RequestFactory().get(article.get_absolute_url()), site_generation())
        )
        assert kept is not None
        for html in (shown.text(), kept["content"].decode(), reader.content()):
            assert OPENING[0] in html
            assert all(text not in html for text in SUBSCRIBER_ONLY)
        reader.locator(".paywall").wait_for()
        save_screenshot(reader, "gifts-03-article-page-still-teaser")
        assert_accessible(reader, "gifts-03-article-page-still-teaser")

        # Past its expiry the link says so, shows the opening and how to subscribe.
        GiftLink.objects.filter(pk=gift.pk).update(
            created_at=timezone.now() - timedelta(days=31), expires_at=timezone.now() - timedelta(days=1)
        )
        expired = reader.goto(gift_path)
        assert expired.status == 410
        reader.get_by_role("heading", name="This gift link has expired").wait_for()
        assert OPENING[0] in reader.locator(".article-body").inner_text()
        assert all(text not in reader.content() for text in SUBSCRIBER_ONLY)
        assert reader.get_by_role("link", name="See subscription plans").count() == 1
        save_screenshot(reader, "gifts-04-expired-link")
        assert_accessible(reader, "gifts-04-expired-link")
    finally:
        stranger.close()

    # The subscriber's account page lists the gift and how often it was opened.
    page.goto("/accounts/")
    row = page.locator(".gifts-table tbody tr")
    row.wait_for()
    assert article.headline in row.inner_text()
    assert "1 time" in row.inner_text()
    assert "Expired" in row.inner_text()
    save_screenshot(page, "gifts-05-account-page")
    assert_accessible(page, "gifts-05-account-page")
