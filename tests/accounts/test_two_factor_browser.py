"""A staff member turns on two-step sign-in from the account pages in a real browser, then
signs in to the admin with a password and a code from the app (computed here from the secret
the setup page shows, as the phone would)."""

import time

import pytest

from tests.accounts.conftest import PASSWORD, make_verified_reader
from tests.accounts.two_factor import STEP, totp
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(secret):
    """The app's code, waiting out the last seconds of a step so it is still current when
    the form arrives."""
    if STEP - time.time() % STEP < 3:
        time.sleep(STEP - time.time() % STEP + 0.5)
    return totp(secret)


def test_a_staff_member_turns_on_an_authenticator_and_signs_in_to_the_admin_with_a_code(page, settings):
    make_verified_reader(email="desk@example.org", display_name="Dana Desk", is_staff=True, is_superuser=True)
    settings.ADMIN_REQUIRE_2FA = True

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("desk@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Two-step sign-in with an authenticator app").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Two-step sign-in"
    page.get_by_role("link", name="Set up an authenticator app").click()

    # Changing how one signs in asks for the password again first.
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm it is you"
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Set up an authenticator app"
    qr = page.get_by_role("img", name="QR code for adding your The Civic Ledger account")
    assert qr.is_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0
    secret = page.locator("#totp-secret").inner_text()
    assert_accessible(page, "two-step setup")
    save_screenshot(page, "two-factor-setup")
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert page.get_by_role("list", name="Unused recovery codes").get_by_role("listitem").count() == 10
    save_screenshot(page, "two-factor-recovery-codes")

    page.goto("/accounts/")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()

    page.goto("/admin/")
    page.get_by_label("Email").fill("desk@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Enter the code from your authenticator app"
    assert_accessible(page, "code prompt")
    save_screenshot(page, "two-factor-code-prompt")
    page.get_by_label("Code").fill("000000" if current_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("Incorrect code.").is_visible()

    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign in").click()

    assert page.url.endswith("/admin/")
    assert page.get_by_role("heading", name="Editorial desk").is_visible()
