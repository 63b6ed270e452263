"""A signed-in reader with a confirmed address emails an article to three friends with a note,
in a real browser; the task worker then delivers the three emails."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.enquiries.conftest import html_body, make_verified_reader
from tests.factories import ArticleFactory, SectionFactory
from tests.jobs import run_worker_until_idle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRIENDS = ["one@example.net", "two@example.net", "three@example.net"]


def sign_in(page, live_server, user):
    """Give the browser what signing in leaves it (signing in itself is the account journey's
    subject): the session, and the CSRF cookie that logging in sets. Without the latter, the
    article page's parallel fragment requests would each mint a cookie of their own."""
    client = Client()
    client.force_login(user)
    client.get("/accounts/email/")  # a page with a form: it sets the CSRF cookie
    page.context.add_cookies(
        [
            {"name": name, "value": client.cookies[name].value, "url": live_server.url}
            for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME)
        ]
    )


def test_a_reader_emails_an_article_to_three_friends_with_a_note(page, live_server, settings):
    # People take longer than the bot-trap's minimum; the browser fills the form at once.
    settings.ENQUIRIES_MIN_FILL_SECONDS = 0
    article = ArticleFactory(
        headline="Council approves the new housing plan",
        standfirst="Five hundred homes will be built on the old depot site.",
        section=SectionFactory(name="Politics", slug="politics"),
    )
    sign_in(page, live_server, make_verified_reader())

    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Email this article").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email this article")
    expect(page.get_by_role("link", name="Council approves the new housing plan")).to_be_visible()
    assert page.get_by_label("Your name").input_value() == "Ada Reader"

    # A mistake first: the summary takes the focus and links to the field to fix.
    page.get_by_label("Send it to").fill("one@example.net, two@example")
    page.get_by_role("button", name="Send the article").click()
    summary = page.get_by_role("alert")
    assert "“two@example” is not an email address." in summary.inner_text()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith("Error: Email this article")
    assert_accessible(page, "email this article, with a mistake")
    save_screenshot(page, "email-article-error")
    summary.get_by_role("link").click()
    expect(page.locator("#id_recipients")).to_be_focused()

    page.get_by_label("Send it to").fill(", ".join(FRIENDS))
    page.get_by_label("Add a note").fill("Thought of you <3\nThe depot is near your house.")
    save_screenshot(page, "email-article-form")
    page.get_by_role("button", name="Send the article").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: the article is on its way")
    expect(page.get_by_role("status")).to_have_text(
        "We are emailing “Council approves the new housing plan” to "
        "one@example.net, two@example.net and three@example.net."
    )
    assert_accessible(page, "email this article, sent")
    save_screenshot(page, "email-article-sent")

    run_worker_until_idle()

    shared = [message for message in mail.outbox if message.to[0] in FRIENDS]
    assert sorted(message.to[0] for message in shared) == sorted(FRIENDS)
    for message in shared:
        assert message.to == [message.to[0]]
        assert message.reply_to == ["ada@example.org"]
        assert (
            message.subject == "[The Civic Ledger] An article for you: Council approves the new housing plan"
        )
        assert "Thought of you <3\nThe depot is near your house." in message.body
        assert "Thought of you &lt;3<br>The depot is near your house." in html_body(message)
        assert "Five hundred homes will be built on the old depot site." in message.body
        assert f"{django_settings.SITE_URL}{article.get_absolute_url()}" in message.body


def test_a_visitor_without_javascript_writes_to_the_subscriptions_team(browser, live_server, settings):
    settings.ENQUIRIES_MIN_FILL_SECONDS = 0
    settings.ENQUIRIES_SUBSCRIPTIONS_EMAIL = "subs-team@example.org"
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        # From the footer of any page, as a reader finds it.
        page.goto("/")
        page.get_by_role("link", name="To subscribe").click()
        page.get_by_label("Your name").fill("Pat Prospect")
        page.get_by_label("Your email address").fill("pat@example.org")
        page.get_by_label("Phone number").fill("not a number")
        page.get_by_label("Your message").fill("Do you offer a rate for libraries?")
        page.get_by_role("button", name="Send your message").click()
        assert "“not a number” does not look like a phone number." in page.get_by_role("alert").inner_text()
        save_screenshot(page, "enquiry-subscribe-error-no-js")

        page.get_by_label("Phone number").fill("")
        page.get_by_role("button", name="Send your message").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your message is on its way")
        save_screenshot(page, "enquiry-subscribe-sent-no-js")
    finally:
        context.close()

    run_worker_until_idle()

    [message] = [m for m in mail.outbox if m.to == ["subs-team@example.org"]]
    assert message.reply_to == ["pat@example.org"]
    assert "Do you offer a rate for libraries?" in message.body
