"""Signing in to an address someone is flooding with guesses, in a real browser: on the "one
moment" page the reader types the password again (the page never holds it) and the page sends
the attempt on by itself once the wait is over; without JavaScript the reader presses its
button. Either way the owner ends up signed in."""

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.conftest import PASSWORD, make_verified_reader, sign_in
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT_HEADING = "One moment, then we will sign you in"


@pytest.fixture
def flooded_address(settings):
    """Ada's address, just now the target of guesses from four other IPs."""
    settings.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE = 3
    settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS = 2
    make_verified_reader(email="ada@example.org")
    # Early in a minute, so the flood and the sign-in fall in one counting window.
    start = timezone.now().replace(second=1, microsecond=0)
    with time_machine.travel(start, tick=True):
        for ip in range(4):
            sign_in(Client(), "ada@example.org", password="guess", REMOTE_ADDR=f"203.0.113.{ip + 1}")
        yield "ada@example.org"


def fill_in_sign_in(tab, email):
    tab.goto("/accounts/login/")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()


def test_the_wait_page_signs_the_owner_in_by_itself(page, flooded_address):
    fill_in_sign_in(page, flooded_address)

    expect(page.get_by_role("heading", level=1)).to_have_text(WAIT_HEADING)
    assert PASSWORD not in page.content()
    assert_accessible(page, "wait-to-sign-in")
    save_screenshot(page, "wait-to-sign-in")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("heading", level=1, name="Your account").wait_for(timeout=15_000)
    assert page.url.endswith("/accounts/")


def test_without_javascript_the_reader_presses_the_button_after_the_wait(
    browser, live_server, flooded_address
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    try:
        fill_in_sign_in(tab, flooded_address)
        expect(tab.get_by_role("heading", level=1)).to_have_text(WAIT_HEADING)

        # Too soon: the wait is not over, so the page comes back.
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Continue signing in").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text(WAIT_HEADING)
        tab.wait_for_timeout(3_000)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Continue signing in").click()

        expect(tab.get_by_role("heading", level=1)).to_have_text("Your account")
    finally:
        context.close()
