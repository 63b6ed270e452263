"""The desk in a real browser: a writer sends an article for review and the editor finds it in
their email and at the top of the admin's home page, returns it with a note that the writer's
desk shows; a moderator goes from the site's header to the moderation queue."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles import editing
from articles.models import Article, EditLock
from comments.models import Comment
from tests.conftest import save_screenshot
from tests.factories import DEFAULT_PASSWORD, ArticleFactory, AuthorFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Library opening hours to grow in the new year"


@pytest.fixture(autouse=True)
def _immediate_tasks(jobs_run_at_once):
    """The emails are background jobs: each runs as soon as it is deferred."""


def admin_sign_in(page, email):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def leave_the_article(page, article):
    """Leaving an edit page lets go of its edit lock (articles/editing.py): wait until it has,
    so the next person signing in on this browser does not find the article locked. The page
    lets go from its script (autosave.js, on pagehide), so it must have loaded before we leave:
    a message on screen is not yet a script run, on a busy machine."""
    page.wait_for_load_state("load")
    page.goto("/admin/")
    for _ in range(100):
        if not editing.is_live(EditLock.objects.get(article=article)):
            return
        time.sleep(0.1)
    raise AssertionError("leaving the edit page did not let go of the article's edit lock")


def test_a_writer_submits_and_the_editor_is_told_and_sends_it_back_with_a_note(page):
    page.set_default_timeout(60_000)
    writer = UserFactory(email="writer@example.org", display_name="Wendy Writer", roles=["Writer"])
    UserFactory(email="editor@example.org", display_name="Eddie Editor", roles=["Editor"])
    section = SectionFactory(name="Libraries", slug="libraries")
    article = ArticleFactory(
        headline=HEADLINE, section=section, status=Article.Status.DRAFT, publish_at=None, created_by=writer,
        authors=[AuthorFactory(name="Wendy Writer", user=writer)],
    )  # fmt: skip

    admin_sign_in(page, "writer@example.org")
    expect(page.get_by_role("heading", name="My drafts (1)")).to_be_visible()
    page.get_by_role("link", name=HEADLINE).click()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text(f"Sent “{HEADLINE}” for review.")).to_be_visible()

    [email] = [message for message in mail.outbox if message.to == ["editor@example.org"]]
    assert email.subject.endswith(f"For review: {HEADLINE}")
    edit_link = re.search(r"http://\S+/admin/articles/article/\d+/change/", email.body).group(0)
    assert edit_link.endswith(f"/admin/articles/article/{article.pk}/change/")

    leave_the_article(page, article)
    admin_sign_in(page, "editor@example.org")
    waiting = page.locator("section", has=page.get_by_role("heading", name="Waiting for review (1)"))
    expect(waiting.get_by_role("link", name=HEADLINE)).to_be_visible()
    expect(waiting).to_contain_text("by Wendy Writer")
    save_screenshot(page, "desk-editor")
    waiting.get_by_role("link", name=HEADLINE).click()
    page.get_by_label("Note for the writer").fill("Please add this year's visitor figures.")
    page.get_by_role("button", name="Back to draft").click()
    expect(page.get_by_text(f"“{HEADLINE}” is a draft again.")).to_be_visible()

    admin_sign_in(page, "writer@example.org")
    drafts = page.locator("section", has=page.get_by_role("heading", name="My drafts (1)"))
    expect(drafts).to_contain_text("Please add this year's visitor figures.")
    expect(drafts).to_contain_text("from Eddie Editor")
    save_screenshot(page, "desk-writer")


def test_a_moderator_goes_from_the_sites_header_to_the_queue(page):
    page.set_default_timeout(60_000)
    UserFactory(
        email="moderator@example.org", display_name="Mo Moderator", roles=["Moderator"], verified=True
    )
    article = ArticleFactory(headline="Market square to be repaved")
    Comment(
        article=article, content_object=article, site_id=1, user_name="Visitor", user_email="v@example.org",
        comment="When does the work start?", is_public=False, held_reason="new",
    ).save()  # fmt: skip

    page.goto(f"/accounts/login/?next={article.get_absolute_url()}")
    page.get_by_label("Email address").fill("moderator@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    page.locator(".masthead__links").get_by_role("link", name="Moderation queue").click()

    expect(page.get_by_role("heading", name="Moderation queue", level=1)).to_be_visible()
    expect(page.get_by_text("When does the work start?")).to_be_visible()
