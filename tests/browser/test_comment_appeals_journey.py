"""An appeal's whole course in a real browser: a moderator removes a reply naming the rule it
breaks; its author's statement of reasons names the rule, says a person decided and links to
the appeal; the author appeals from that link; a second moderator reinstates the reply, which
is back in its thread on the article page; the transparency report counts the removal, the
appeal and the reinstatement."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import MODERATOR
from comments.models import Appeal, Comment, CommentPolicy
from tests.browser.test_comments_journey import sign_in
from tests.comments.conftest import (  # noqa: F401 - fixtures shared with tests/comments
    comment_settings,
    reasons,
)
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, UserFactory, singleton_row

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reasons"),
]


def add(article, user, text, parent=None):
    comment = Comment(
        article=article, content_object=article, site_id=1, user=user, user_name=user.public_name,
        user_email=user.email, comment=text, is_public=True, published_at=timezone.now(),
        parent_id=parent.pk if parent else 0,
    )  # fmt: skip
    comment.save()
    return comment


def test_a_removed_reply_is_appealed_reinstated_in_its_thread_and_counted(page):
    page.set_default_timeout(60_000)
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 0
    policy.save()
    article = ArticleFactory(headline="Council agrees new housing plan")
    article_url = article.get_absolute_url()
    alice = UserFactory(email="alice@example.org", display_name="Alice Able", verified=True)
    rita = UserFactory(email="rita@example.org", display_name="Rita Reader", verified=True)
    UserFactory(email="moderator@example.org", display_name="Mo Moderator", roles=[MODERATOR], verified=True)
    UserFactory(email="mia@example.org", display_name="Mia Moderator", roles=[MODERATOR], verified=True)
    parent = add(article, alice, "Where is the money coming from?")
    reply = add(article, rita, "From the reserves, says page 12 of the report.", parent=parent)

    # The first moderator removes Rita's reply, naming the rule it breaks.
    sign_in(page, "moderator@example.org", "/comments/moderation/?tab=all")
    row = page.locator(f"#queue-{reply.pk}")
    row.get_by_label("Reason").select_option(label="Off topic")
    row.get_by_role("button", name="Remove the comment by Rita Reader").click()
    expect(page.get_by_text("Removed: 1 comment.")).to_be_visible()

    # Rita's statement of reasons: the rule, a person decided, and the appeal link.
    [statement] = [message for message in mail.outbox if message.to == ["rita@example.org"]]
    assert statement.subject == "[The Civic Ledger] Your comment was removed: Off topic"
    assert "Rule applied: Off topic" in statement.body
    assert "Who decided: Human — a moderator decided." in statement.body
    appeal_path = re.search(
        r"Appeal this decision: https?://\S+?(/comments/\d+/appeal/)", statement.body
    ).group(1)
    assert appeal_path == f"/comments/{reply.pk}/appeal/"

    # She opens the link, signs in and appeals.
    sign_in(page, "rita@example.org", appeal_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Appeal a decision")
    expect(page.get_by_text("From the reserves, says page 12 of the report.")).to_be_visible()
    page.get_by_label("Why do you think the decision was wrong?").fill(
        "It answers Alice's question about the money, so it is on topic."
    )
    save_screenshot(page, "comments-appeal-form")
    page.get_by_role("button", name="Send the appeal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your appeal is sent")
    appeal = Appeal.objects.get()

    # The moderator who removed it may not decide; a second one reinstates it.
    sign_in(page, "moderator@example.org", "/comments/moderation/?tab=appeals")
    item = page.locator(f"#appeal-{appeal.pk}")
    assert "You took the decision under appeal" in item.inner_text()
    assert item.get_by_role("button").count() == 0
    sign_in(page, "mia@example.org", "/comments/moderation/?tab=appeals")
    item = page.locator(f"#appeal-{appeal.pk}")
    assert "It answers Alice's question" in item.inner_text()
    item.get_by_label("Reply to the commenter").fill("Agreed: it answers the question above it.")
    item.get_by_role("button", name=f"Reinstate on appeal {appeal.pk}").click()
    expect(page.get_by_text("Reinstated on appeal.")).to_be_visible()
    outcome = [message for message in mail.outbox if message.to == ["rita@example.org"]][-1]
    assert outcome.subject == "[The Civic Ledger] Your appeal: your comment is back"

    # The reply is back in its thread, under Alice's comment.
    page.context.clear_cookies()
    page.goto(article_url)
    nested = page.locator(f"#comment-{parent.pk} .comment-list--replies #comment-{reply.pk}")
    assert "From the reserves, says page 12 of the report." in nested.inner_text()
    expect(page.locator(".discussion__count")).to_have_text("(2)")

    # The transparency report counts the removal, the appeal and the reinstatement.
    page.goto("/comments/transparency/")
    month = timezone.localdate().strftime("%B %Y")
    decisions = page.locator("#transparency-decisions tr", has_text=month).locator("td")
    expect(decisions.nth(4)).to_have_text("1")  # removals
    expect(decisions.nth(8)).to_have_text("1")  # human decisions
    appeals = page.locator("#transparency-appeals tr", has_text=month).locator("td")
    assert [appeals.nth(n).inner_text() for n in range(3)] == ["1", "0", "1"]  # appeals, upheld, reinstated
    clauses = page.locator("#transparency-clauses")
    assert "Off topic" in clauses.locator("thead").inner_text()
    save_screenshot(page, "comments-transparency-report")
