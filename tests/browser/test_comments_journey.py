"""A comment's whole life in a real browser: a reader signs in (through /accounts/login/) and
posts a comment that is held; a moderator approves it from the queue and it appears on the
article; two other readers report it and it is hidden after the second report (K=2 here); the
moderator removes it with a reason, and the author's email names that reason. A visitor
without an account publishes only by pressing the button on the page their emailed link opens."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import MODERATOR
from comments.models import Comment, CommentPolicy
from tests.comments.conftest import (  # noqa: F401 - fixtures shared with tests/comments
    comment_settings,
    form_data,
    post_url,
    reasons,
)
from tests.conftest import save_screenshot
from tests.factories import DEFAULT_PASSWORD, ArticleFactory, UserFactory, singleton_row

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reasons"),
]

TEXT = "The consultation closed before most tenants had heard of it.\nWhy the rush?"


def sign_in(page, email, next_url):
    # The article page fetches its comment form after load, and that answer sets a CSRF
    # cookie; let it land before the cookies are cleared, or it would replace the login
    # page's token mid-form.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


def report_as(page, email, article_url, reason):
    sign_in(page, email, article_url)
    page.get_by_role("link", name="Report the comment by Rita Reader").click()
    page.get_by_label(reason).check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your report")


def test_a_comment_is_held_approved_reported_hidden_and_removed_with_a_reason(page):
    # Generous: other suites share the machine.
    page.set_default_timeout(60_000)
    policy = singleton_row(CommentPolicy)  # the first comments of a new account wait for a moderator
    policy.reports_to_hide = 2
    policy.save()
    article = ArticleFactory(headline="Council agrees new housing plan")
    article_url = article.get_absolute_url()
    author = UserFactory(email="rita@example.org", display_name="Rita Reader", verified=True)
    UserFactory(email="moderator@example.org", display_name="Mo Moderator", roles=[MODERATOR], verified=True)
    for n in (1, 2):
        UserFactory(email=f"reporter{n}@example.org", display_name=f"Reporter {n}", verified=True)

    # The reader signs in and writes in the form the page fetched after loading.
    sign_in(page, "rita@example.org", article_url)
    page.get_by_label("Your comment").fill(TEXT)
    expect(page.get_by_text("characters left")).to_be_visible()
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your comment is waiting for a moderator")
    expect(page.get_by_text("A moderator reads a new commenter’s first comments")).to_be_visible()
    comment = Comment.objects.get()
    assert comment.is_held
    assert comment.user == author

    # The moderator approves it from the queue.
    sign_in(page, "moderator@example.org", "/comments/moderation/")
    row = page.locator(f"#queue-{comment.pk}")
    assert "Why the rush?" in row.inner_text()
    assert "0 approved · 0 removed · 0 reports" in row.inner_text()
    save_screenshot(page, "comments-moderation-queue")
    row.get_by_role("button", name="Approve the comment by Rita Reader").click()
    expect(page.get_by_text("Approved: 1 comment.")).to_be_visible()

    # It appears on the article, line breaks kept.
    page.goto(article_url)
    shown = page.locator(f"#comment-{comment.pk}")
    assert "Rita Reader" in shown.inner_text()
    assert shown.locator(".comment__text p").inner_html() == (
        "The consultation closed before most tenants had heard of it.<br>Why the rush?"
    )
    save_screenshot(page, "comments-article-discussion")

    # Two readers report it: after the second (K=2) it is hidden.
    report_as(page, "reporter1@example.org", article_url, "Off topic")
    page.goto(article_url)
    assert page.locator(f"#comment-{comment.pk}").count() == 1
    report_as(page, "reporter2@example.org", article_url, "Abuse")
    page.goto(article_url)
    assert page.locator(f"#comment-{comment.pk}").count() == 0
    expect(page.locator(".discussion__count")).to_have_text("(0)")

    # The moderator removes it, naming the rule it breaks.
    mail.outbox.clear()
    sign_in(page, "moderator@example.org", "/comments/moderation/")
    row = page.locator(f"#queue-{comment.pk}")
    assert "Hidden after reports" in row.inner_text()
    assert "Reported for Abuse" in row.inner_text()
    save_screenshot(page, "comments-moderation-queue-reported")
    row.get_by_label("Reason").select_option(label="Abuse")
    row.get_by_role("button", name="Remove the comment by Rita Reader").click()
    expect(page.get_by_text("Removed: 1 comment.")).to_be_visible()

    removal = [message for message in mail.outbox if message.to == ["rita@example.org"]]
    assert len(removal) == 1
    assert removal[0].subject == "[The Civic Ledger] Your comment was removed: Abuse"
    assert "/comments/guidelines/" in removal[0].body

    page.goto("/comments/moderation/log/")
    log = page.locator(".moderation__table").inner_text()
    assert "Removed" in log
    assert "Approved" in log
    assert "Hidden after reports" in log


def test_a_reader_replies_in_place_edits_and_posts_again_without_javascript(page, browser, live_server):
    page.set_default_timeout(60_000)
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 0
    policy.save()
    article = ArticleFactory(headline="Bridge to close for repairs")
    article_url = article.get_absolute_url()
    alice = UserFactory(email="alice@example.org", display_name="Alice Able", verified=True)
    parent = Comment(
        article=article, content_object=article, site_id=1, user=alice, user_name=alice.public_name,
        comment="How long will the closure last?", published_at=timezone.now(),
    )  # fmt: skip
    parent.save()
    UserFactory(email="rita@example.org", display_name="Rita Reader", verified=True)

    # With JavaScript: "Reply" moves the form under the comment.
    sign_in(page, "rita@example.org", article_url)
    page.get_by_label("Your comment").wait_for()  # the form arrives after the page has loaded
    page.get_by_role("link", name="Reply to Alice Able").click()
    card = page.locator(f"#comment-{parent.pk}")
    expect(card.locator("form.comment-form")).to_have_count(1)
    expect(card.get_by_text("Replying to Alice Able")).to_be_visible()
    card.get_by_label("Your comment").fill("Six weeks, says the notice on the bridge.")
    card.get_by_role("button", name="Post comment").click()
    reply = Comment.objects.get(parent_id=parent.pk, level=1)
    page.wait_for_url(f"**{article_url}#comment-{reply.pk}")
    nested = page.locator(f"#comment-{parent.pk} .comment-list--replies #comment-{reply.pk}")
    assert "Six weeks" in nested.inner_text()

    # Her own comment gets Edit and Delete beside it, and no Report; others' keep Report.
    nested.get_by_role("link", name="Edit your comment").wait_for()
    expect(nested.get_by_role("link", name="Delete your comment")).to_be_visible()
    assert nested.get_by_role("link", name="Report the comment by Rita Reader").count() == 0
    expect(card.get_by_role("link", name="Report the comment by Alice Able").first).to_be_visible()
    nested.get_by_role("link", name="Edit your comment").click()
    page.get_by_label("Your comment").fill("Six weeks, says the council's notice on the bridge.")
    page.get_by_role("button", name="Save the change").click()
    page.wait_for_url(f"**{article_url}#comment-{reply.pk}")
    assert "(edited" in page.locator(f"#comment-{reply.pk}").inner_text()
    save_screenshot(page, "comments-reply-edited")

    # Without JavaScript: the plain link leads to the standalone page, and posting works there.
    no_script = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        tab = no_script.new_page()
        tab.set_default_timeout(60_000)
        sign_in(tab, "alice@example.org", article_url)
        tab.get_by_role("link", name="Write a comment").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Comment on “Bridge to close for repairs”")
        tab.get_by_label("Your comment").fill("Thanks, that helps.")
        tab.get_by_role("button", name="Post comment").click()
        tab.wait_for_url(f"**{article_url}#comment-*")
        expect(tab.get_by_text("Thanks, that helps.")).to_be_visible()
        save_screenshot(tab, "comments-without-javascript")
    finally:
        no_script.close()


def test_a_visitor_without_an_account_publishes_from_the_emailed_link_only_with_the_button(page):
    page.set_default_timeout(60_000)
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 0
    policy.allow_anonymous = True
    policy.save()
    article = ArticleFactory(headline="Ferry timetable changes")
    text = "Will the early boat <b>stay</b>?"
    Client().post(post_url(article), form_data(article, text, name="Val Visitor", email="val@example.org"))
    [message] = mail.outbox
    link = re.search(r"https?://\S+(/comments/confirm/\S+/)", message.body).group(1)

    # Opening the link, as a mail scanner would, shows the comment and posts nothing.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish your comment")
    expect(page.get_by_text(text)).to_be_visible()  # as written, not as markup
    assert not Comment.objects.exists()
    save_screenshot(page, "comments-confirm-by-button")

    page.get_by_role("button", name="Publish my comment").click()
    comment = Comment.objects.get()
    page.wait_for_url(f"**{article.get_absolute_url()}#comment-{comment.pk}")
    expect(page.get_by_text(text)).to_be_visible()
