"""Report an error, in a real browser: a reader reports an error in an article (first too long,
and nothing they typed is lost), the section's editor finds it on their desk and publishes a
correction from it in one step, and the article page and the corrections feed show it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_desk_journey import admin_sign_in
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Harbour wall repairs to start in March"
REPORT = "The article says the repairs cost £20m. The council's papers say £2m."
CORRECTION = "An earlier version of this article said the repairs cost £20m. They cost £2m."


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, jobs_run_at_once):
    # People take longer than the bot-trap's minimum; the browser fills the form at once.
    settings.ENQUIRIES_MIN_FILL_SECONDS = 0


def test_a_reader_reports_an_error_and_the_editor_publishes_a_correction_from_it(page, live_server):
    page.set_default_timeout(60_000)
    editor = UserFactory(email="harbour-desk@example.org", display_name="Hana Desk", roles=["Editor"])
    section = SectionFactory(name="Local", slug="local")
    section.desk_editors.add(editor)
    article = ArticleFactory(headline=HEADLINE, section=section)

    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Report an error").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report an error")

    # Too long first: a plain error, and every character still in the box.
    too_long = REPORT + " " + "More detail. " * 200
    page.get_by_label("What is wrong").fill(too_long)
    page.get_by_label("Where in the article").fill("The repairs will cost £20m")
    page.get_by_label("Your email address").fill("rita@example.org")
    page.get_by_role("button", name="Send your report").click()
    expect(page.get_by_role("alert")).to_contain_text("the limit is 2000")
    assert page.get_by_label("What is wrong").input_value() == too_long
    assert page.get_by_label("Where in the article").input_value() == "The repairs will cost £20m"
    assert_accessible(page, "report an error, too long")
    save_screenshot(page, "error-report-too-long")

    page.get_by_label("What is wrong").fill(REPORT)
    page.get_by_role("button", name="Send your report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your report")
    save_screenshot(page, "error-report-sent")
    assert [message.to for message in mail.outbox] == [["rita@example.org"], ["harbour-desk@example.org"]]

    admin_sign_in(page, "harbour-desk@example.org")
    expect(page.get_by_role("heading", name="Corrections pending (1)")).to_be_visible()
    save_screenshot(page, "error-report-desk")
    page.locator("a[href*='/admin/enquiries/errorreport/']", has_text=HEADLINE).click()
    page.get_by_role("link", name="Publish as a correction").click()
    correction_box = page.locator("#id_text")
    assert correction_box.input_value() == REPORT  # prefilled from the report
    correction_box.fill(CORRECTION)
    save_screenshot(page, "error-report-publish")
    page.get_by_role("button", name="Publish the correction").click()
    expect(page.get_by_text(f"Published a correction to “{HEADLINE}”.")).to_be_visible()

    [told] = [
        message for message in mail.outbox if message.subject.endswith(f"We have corrected “{HEADLINE}”")
    ]
    assert told.to == ["rita@example.org"]

    page.context.clear_cookies()
    page.goto(article.get_absolute_url())
    expect(page.locator(".corrections-box")).to_contain_text(CORRECTION)
    save_screenshot(page, "error-report-article-corrected")

    feed = page.request.get(live_server.url + "/corrections/feed/")
    assert feed.ok
    assert CORRECTION in feed.text()
    assert f"Correction: {HEADLINE}" in feed.text()
