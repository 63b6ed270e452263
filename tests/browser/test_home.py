import pytest
from playwright.sync_api import expect

from tests.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_opens_the_home_page_and_can_skip_to_the_content(page):
    page.goto("/")
    expect(page.locator(".masthead__title")).to_have_text("The Civic Ledger")
    # The stylesheet arrived: the paper colour is ours, not the browser's white.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 253, 248)"
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    expect(skip).to_be_visible()
    skip.press("Enter")
    assert page.url.endswith("#main")
    save_screenshot(page, "home")
