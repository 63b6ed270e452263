"""Autosave and edit locks in a real browser: a writer's unsaved draft survives a closed tab and
is restored; a second editor meets the lock, takes over, and the first editor is told, in
their open tab and by email."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles.models import Article, Autosave
from tests.conftest import save_screenshot
from tests.factories import DEFAULT_PASSWORD, ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Ferry timetable to change in spring"


@pytest.fixture(autouse=True)
def _immediate_tasks(jobs_run_at_once):
    """The emails are background jobs: each runs as soon as it is deferred."""


def sign_in_to_admin(tab, email):
    tab.goto("/admin/login/")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(DEFAULT_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/admin/")


def change_path(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_a_writers_unsaved_draft_survives_a_closed_tab_and_is_restored(page):
    writer = UserFactory(email="writer@example.org", display_name="Wendy Writer", roles=["Writer"])
    article = ArticleFactory(
        headline=HEADLINE, body="<p>The first boat leaves at six.</p>", status=Article.Status.DRAFT,
        publish_at=None, created_by=writer,
    )  # fmt: skip

    sign_in_to_admin(page, writer.email)
    page.goto(change_path(article))
    page.locator(".prose-editor [contenteditable='true']").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Boats will run every hour in summer.")
    expect(page.locator("#autosave-status")).to_contain_text(
        re.compile(r"Saved as a draft copy at \d\d:\d\d")
    )
    save_screenshot(page, "autosave-kept")

    # The tab closes (or the browser crashes) before the writer saves.
    context = page.context
    page.close()
    article.refresh_from_db()
    assert "every hour" not in article.body

    tab = context.new_page()
    tab.goto(change_path(article))
    expect(tab.get_by_text(re.compile(r"You have unsaved changes from \d\d:\d\d"))).to_be_visible()
    save_screenshot(tab, "autosave-offered")
    tab.get_by_role("link", name=re.compile("Restore unsaved changes from")).click()
    expect(tab.locator(".prose-editor [contenteditable='true']")).to_contain_text(
        "Boats will run every hour in summer."
    )
    tab.get_by_role("button", name="Save draft").click()

    expect(tab.get_by_text(f"Saved “{HEADLINE}”.")).to_be_visible()
    expect(tab.get_by_text("You have unsaved changes")).to_have_count(0)
    article.refresh_from_db()
    assert "Boats will run every hour in summer." in article.body
    assert not Autosave.objects.filter(article=article).exists()


def test_a_second_editor_meets_the_lock_and_takes_over_and_the_first_is_told(
    page, browser, live_server, settings
):
    # A short lock, so the first editor's open page renews it (and hears of the take-over)
    # every couple of seconds.
    settings.EDIT_LOCK_SECONDS = 8
    eddie = UserFactory(email="eddie@example.org", display_name="Eddie Editor", roles=["Editor"])
    bea = UserFactory(email="bea@example.org", display_name="Bea Editor", roles=["Editor"])
    article = ArticleFactory(headline=HEADLINE, body="<p>The first boat leaves at six.</p>")

    sign_in_to_admin(page, eddie.email)
    page.goto(change_path(article))
    page.get_by_label("Headline").fill("Ferries to run every hour")

    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        second = other.new_page()
        second.set_default_timeout(20_000)
        sign_in_to_admin(second, bea.email)
        second.goto(change_path(article))
        expect(
            second.get_by_text(re.compile(r"Eddie Editor has been editing this since \d\d:\d\d\."))
        ).to_be_visible()
        expect(second.get_by_role("button", name="Save changes")).to_have_count(0)
        save_screenshot(second, "edit-lock-read-only")

        second.get_by_role("button", name="Take over editing").click()
        expect(
            second.get_by_text(f"You are now editing “{HEADLINE}”. Eddie Editor has been told by email.")
        ).to_be_visible()
        expect(second.get_by_role("button", name="Save changes")).to_be_visible()
    finally:
        other.close()

    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"Bea Editor took over editing this article at \d\d:\d\d")
    )
    expect(page.get_by_role("button", name="Save changes")).to_be_disabled()
    save_screenshot(page, "edit-lock-taken-over")
    [email] = [message for message in mail.outbox if message.to == [eddie.email]]
    assert email.subject.endswith(f"Taken over: {HEADLINE}")
    # What Eddie typed is kept for him.
    assert Autosave.objects.get(user=eddie, article=article).fields["headline"] == "Ferries to run every hour"
