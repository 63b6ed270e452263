"""A live page in Chromium: a reader keeps it open, an editor posts an entry from the admin, and
the reader's tab shows it without a reload, announced to screen readers; a hidden tab asks for
nothing."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from articles import live
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.factories import (
    DEFAULT_PASSWORD,
    ArticleFactory,
    AuthorFactory,
    LiveCoverageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIDE_TAB = """() => {
  Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW_TAB = """() => {
  Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


@pytest.fixture
def live_page(settings):
    # The reader's tab asks every second instead of every twenty, so the test waits little.
    settings.LIVE_POLL_SECONDS = 1
    cache.clear()
    editor = UserFactory(email="editor@example.org", display_name="Eddie Editor", roles=["Editor"])
    reporter = AuthorFactory(name="Nomvula Dlamini", slug="nomvula-dlamini", role="Political Editor")
    article = ArticleFactory(
        headline="Budget vote in the Assembly: live",
        slug="budget-vote-live",
        section=SectionFactory(name="Politics", slug="politics"),
        authors=[reporter],
    )
    LiveCoverageFactory(article=article)
    live.post_entry(
        article=article,
        by=editor,
        author=reporter,
        headline="Key points",
        body="<ul><li>The vote is expected at six.</li><li>Working farms are exempt from the levy.</li></ul>",
        pinned=True,
    )
    live.post_entry(article=article, by=editor, body="<p>The finance minister opens the debate.</p>")
    return article


def test_a_readers_open_tab_shows_an_entry_the_editor_posts(page, browser, live_server, live_page):
    polls = []
    page.on("request", lambda request: polls.append(request.url) if "/api/live/" in request.url else None)
    page.goto(live_page.get_absolute_url())
    expect(page.get_by_role("heading", name="Latest updates")).to_be_visible()
    expect(page.locator(".live-entry--pinned")).to_contain_text("Working farms are exempt")
    assert_accessible(page, "live page")

    # While the tab is hidden, nothing is fetched.
    page.evaluate(HIDE_TAB)
    page.wait_for_timeout(500)
    asked_before_hiding = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == asked_before_hiding
    page.evaluate(SHOW_TAB)

    desk = browser.new_context(base_url=live_server.url)
    admin = desk.new_page()
    admin.goto("/admin/login/")
    admin.get_by_label("Email").fill("editor@example.org")
    admin.get_by_label("Password").fill(DEFAULT_PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.goto(f"/admin/articles/liveentry/add/?article={live_page.pk}")
    admin.get_by_label("Headline").fill("Opposition responds")
    admin.locator(".prose-editor [contenteditable='true']").click()
    admin.keyboard.type("The opposition leader asks for an exemption for working farms.")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    desk.close()

    new_entry = page.locator(".live__entries .live-entry").first
    expect(new_entry).to_contain_text("asks for an exemption for working farms", timeout=10_000)
    expect(new_entry).to_contain_text("Opposition responds")
    expect(page.locator("[data-live-status]")).to_have_text("1 new update")
    # Newest first, and nothing shown twice however many polls follow.
    page.wait_for_timeout(2500)
    assert page.locator(".live__entries .live-entry").count() == 2
    assert page.get_by_text("asks for an exemption for working farms").count() == 1
    save_screenshot(page, "live-page-desktop")

    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    expect(page.locator(".live__entries .live-entry").first).to_contain_text("Opposition responds")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(page, "live-page-phone")


def test_a_link_to_an_entry_lands_on_it(page, live_page):
    entry = live_page.live_entries.get(pinned=False)

    page.goto(f"{live_page.get_absolute_url()}#entry-{entry.pk}")

    target = page.locator(f"#entry-{entry.pk}")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("The finance minister opens the debate.")


def test_an_ended_page_shows_its_summary_and_asks_for_nothing(page, live_page):
    coverage = live_page.live
    coverage.ended = True
    coverage.summary = "The budget passed by three votes; working farms are exempt from the levy."
    coverage.save()
    polls = []
    page.on("request", lambda request: polls.append(request.url) if "/api/live/" in request.url else None)

    page.goto(live_page.get_absolute_url())

    expect(page.get_by_role("heading", name="Live coverage has ended")).to_be_visible()
    expect(page.locator(".live__summary")).to_contain_text("The budget passed by three votes")
    page.wait_for_timeout(2500)
    assert polls == []
