"""A reader's whole life with an account, in a real browser: sign up, confirm the address from
the email, sign in, choose a display name, comment under it, download their data, delete the
account (the comment stays, shown as a deleted account's).
"""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from comments.models import CommentPolicy
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, UserFactory, singleton_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase-42"


def link_in_latest_email():
    [url] = [
        u for u in re.findall(r"https?://\S+", mail.outbox[-1].body) if urlsplit(u).path not in ("", "/")
    ]
    return urlsplit(url).path


def test_a_reader_signs_up_confirms_sets_a_name_downloads_their_data_and_leaves(page):
    UserFactory(email="someone@example.org", display_name="Ada Lovelace")
    article = ArticleFactory(headline="Estate consultation opens next week")
    policy = singleton_row(CommentPolicy)
    policy.moderation = "post"
    policy.hold_first_comments = 0
    policy.save()

    page.goto("/accounts/signup/")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    assert_accessible(page, "sign-up")
    save_screenshot(page, "account-signup")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(link_in_latest_email())
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Thank you: ada@example.org is confirmed.")).to_be_visible()
    assert_accessible(page, "sign-in")

    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    # A name someone else already has is refused, and the focus lands on the field to fix.
    page.get_by_label("Display name").fill("ada lovelace")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("“ada lovelace” is already used by another reader.")).to_be_visible()
    # The browser applies autofocus at its next rendering update: wait for it.
    expect(page.get_by_label("Display name")).to_be_focused()
    assert_accessible(page, "account page with an error")
    save_screenshot(page, "account-display-name-taken")

    page.get_by_label("Display name").fill("Ada of Marylebone")
    page.get_by_label("Short bio").fill("Reads the council pages every week.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    expect(page.locator("#profile-heading + p strong")).to_have_text("Ada of Marylebone")
    save_screenshot(page, "account-overview")

    # The comment goes up at once (post-moderation, no hold on new accounts) under the new name.
    page.goto(article.get_absolute_url())
    page.get_by_label("Your comment").fill("The consultation needs to reach the estates too.")
    page.get_by_role("button", name="Post comment").click()
    page.goto(article.get_absolute_url())
    discussion = page.locator("#comments")
    assert "The consultation needs to reach the estates too." in discussion.inner_text()
    assert "Ada of Marylebone" in discussion.inner_text()
    page.goto("/accounts/")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("the-civic-ledger-my-data-")
    with open(download.path(), encoding="utf-8") as exported:
        data = json.load(exported)
    assert data["profile"]["display_name"] == "Ada of Marylebone"
    assert data["email_addresses"] == [{"email": "ada@example.org", "verified": True, "primary": True}]
    assert len(data["login_history"]) == 1
    [comment] = data["comments"]["comments"]
    assert comment["text"] == "The consultation needs to reach the estates too."
    assert comment["article"] == "Estate consultation opens next week"

    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_text("shown as written by a “deleted account”")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    assert_accessible(page, "delete account")
    save_screenshot(page, "account-delete")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account has been deleted")
    save_screenshot(page, "account-deleted")
    assert not User.objects.filter(email="ada@example.org").exists()

    page.goto("/accounts/")
    assert urlsplit(page.url).path == "/accounts/login/"

    page.goto(article.get_absolute_url())
    discussion = page.locator("#comments").inner_text()
    assert "The consultation needs to reach the estates too." in discussion
    assert "Ada of Marylebone" not in discussion
    assert "deleted account" in discussion
