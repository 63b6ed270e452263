"""Checkout in Chromium against the fake store of tests/store.py, over real HTTP: a reader picks a
plan, pays at the store (which sends our webhook its signed purchase), comes back to a page
saying they are subscribed and reads a premium article whole; another cancels at the store and
comes back to a page saying so, with nothing granted."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from subscriptions.models import CheckoutAttempt, Plan, Subscription
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.factories import DEFAULT_PASSWORD, ArticleFactory, SectionFactory, UserFactory
from tests.store import FakeStore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "whsec-checkout-journey"
OPENING = "The council's auditor has found a gap of £40 million in the pension fund."
SUBSCRIBER_ONLY = "A memo dated March 2024 shows the treasurer signed off the accounts knowing of the gap."


@pytest.fixture
def fake_store(live_server, settings, allowed_origins):
    settings.SUBSCRIPTIONS_WEBHOOK_SECRET = SECRET
    settings.SITE_URL = live_server.url
    with FakeStore(webhook_url=f"{live_server.url}/subscriptions/webhook/", secret=SECRET) as store:
        settings.STORE_CHECKOUT_URL = store.checkout_template
        settings.STORE_URL = f"{store.origin}/"
        allowed_origins.append(store.origin)
        yield store


@pytest.fixture
def checkout_site(db):
    Plan.objects.create(
        name="Website", slug="website", price="8.00", unlocks=Plan.Unlocks.WEBSITE, position=1
    )
    Plan.objects.create(
        name="Magazine", slug="magazine", price="60.00", period="year", unlocks="magazine", position=2
    )
    article = ArticleFactory(
        headline="Pension fund gap hidden for two years",
        slug="pension-fund-gap",
        body=f"<p>{OPENING}</p><p>Officials were told two years ago.</p><p>{SUBSCRIBER_ONLY}</p>",
        is_premium=True,
        section=SectionFactory(name="Investigations", slug="investigations"),
        publish_at=timezone.now() - timezone.timedelta(hours=1),
    )
    reader = UserFactory(email="rita@example.org", display_name="Rita Reader", verified=True)
    return {"article": article, "reader": reader}


def sign_in_from_the_plan(page):
    """Subscribe while signed out: sign in, and land back on the chosen plan."""
    page.goto("/subscriptions/")
    page.get_by_role("link", name="Subscribe to Website").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Email address").fill("rita@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/subscriptions/checkout/website/")


def test_a_reader_picks_a_plan_pays_at_the_store_comes_back_and_reads_the_premium_article(
    page, live_server, fake_store, checkout_site
):
    page.goto("/subscriptions/")
    plans = page.locator("#main")
    assert "£8.00 a month" in plans.inner_text()
    assert plans.get_by_role("link", name="View store").get_attribute("href") == f"{fake_store.origin}/"
    footer = page.locator("footer").get_by_role("link", name="View store")
    assert footer.get_attribute("href") == f"{fake_store.origin}/"
    save_screenshot(page, "checkout-01-plans")
    assert_accessible(page, "checkout-01-plans")

    sign_in_from_the_plan(page)
    page.get_by_role("heading", name="Subscribe to Website").wait_for()
    save_screenshot(page, "checkout-02-confirm-plan")
    assert_accessible(page, "checkout-02-confirm-plan")
    page.get_by_role("button", name="Continue to payment").click()

    # At the store, which was told the plan.
    page.wait_for_url(f"{fake_store.origin}/checkout?**")
    expect(page.locator(".plan")).to_have_text("website")
    save_screenshot(page, "checkout-03-fake-store")
    page.get_by_role("button", name="Pay").click()

    # Back with us: the store's webhook arrived first, so the page can say it is done.
    page.get_by_role("heading", name="You're subscribed - start reading").wait_for()
    assert page.url.startswith(f"{live_server.url}/subscriptions/return/?ref=")
    save_screenshot(page, "checkout-04-subscribed")
    assert_accessible(page, "checkout-04-subscribed")
    assert [status for status, _ in fake_store.deliveries] == [200]
    subscription = Subscription.objects.get()
    # The store had another address for the buyer; the checkout reference named the reader.
    assert subscription.user == checkout_site["reader"]
    assert CheckoutAttempt.objects.get().state == "paid"

    page.goto(checkout_site["article"].get_absolute_url())
    page.locator(".premium-body--open").wait_for()
    text = page.locator(".article-body").inner_text()
    assert OPENING in text
    assert SUBSCRIBER_ONLY in text
    assert page.locator(".paywall").count() == 0
    save_screenshot(page, "checkout-05-reads-premium-article")


def test_a_reader_who_cancels_at_the_store_is_told_so_and_gets_nothing(page, fake_store, checkout_site):
    sign_in_from_the_plan(page)
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{fake_store.origin}/checkout?**")
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("heading", name="Payment cancelled").wait_for()
    assert "nothing has been charged" in page.locator("#main").inner_text()
    save_screenshot(page, "checkout-06-cancelled")
    assert_accessible(page, "checkout-06-cancelled")
    assert fake_store.deliveries == []
    assert CheckoutAttempt.objects.get().state == "cancelled"
    assert not Subscription.objects.exists()

    page.goto(checkout_site["article"].get_absolute_url())
    page.locator(".paywall").wait_for()
    assert SUBSCRIBER_ONLY not in page.content()


def test_a_reader_back_before_the_stores_webhook_waits_on_a_page_that_checks_again_by_itself(
    page, fake_store, checkout_site
):
    fake_store.hold_webhooks = True
    sign_in_from_the_plan(page)
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{fake_store.origin}/checkout?**")
    page.get_by_role("button", name="Pay").click()

    # The address says status=paid, but nothing has told us so: the page waits.
    page.get_by_role("heading", name="We're confirming your payment").wait_for()
    assert "status=paid" in page.url
    assert page.get_by_role("link", name="Check again").count() == 1
    save_screenshot(page, "checkout-07-pending")
    assert_accessible(page, "checkout-07-pending")
    assert not Subscription.objects.exists()
    assert CheckoutAttempt.objects.get().state == "pending"

    # The store's event arrives; the page, refreshing itself, now says it is done.
    fake_store.deliver_held()
    assert [status for status, _ in fake_store.deliveries] == [200]
    page.get_by_role("heading", name="You're subscribed - start reading").wait_for(timeout=15_000)
    assert Subscription.objects.get().user == checkout_site["reader"]
