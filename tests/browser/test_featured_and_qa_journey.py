"""Editors' picks and reader Q&A in a real browser: a moderator makes a comment an editors'
pick from its own card on the article page, and a reader then finds it first, labelled, and
under the Featured order. On an article with a Q&A a reader asks, the article's author answers
in place, and the reader sees the question marked answered and listed above the discussion."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import MODERATOR, WRITER
from comments.models import ArticleCommentPolicy, Comment, CommentPolicy
from tests.browser.test_comments_journey import sign_in
from tests.comments.conftest import comment_settings  # noqa: F401 - shared fixtures
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, AuthorFactory, UserFactory, singleton_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def open_policy(db):
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 0
    policy.save()


def published(article, user, text):
    comment = Comment(
        article=article, content_object=article, site_id=1, user=user, user_name=user.public_name,
        comment=text, published_at=timezone.now(),
    )  # fmt: skip
    comment.save()
    return comment


def test_a_moderator_picks_a_comment_and_a_reader_finds_it_first_and_under_featured(page):
    page.set_default_timeout(60_000)
    article = ArticleFactory(headline="Library hours to be cut")
    article_url = article.get_absolute_url()
    alice = UserFactory(display_name="Alice Able", verified=True)
    bob = UserFactory(display_name="Bob Baker", verified=True)
    pick = published(article, alice, "The library is the only warm place many pensioners have.")
    published(article, bob, "Fair enough, budgets are tight.")
    UserFactory(email="moderator@example.org", display_name="Mo Moderator", roles=[MODERATOR], verified=True)

    # Newest first: Bob leads until a moderator picks Alice's comment from its card.
    sign_in(page, "moderator@example.org", article_url)
    button = page.get_by_role("button", name="Make editors’ pick: the comment by Alice Able")
    button.click()  # the fragment brought it; the shared page has none
    page.wait_for_url(f"**{article_url}#comment-{pick.pk}")
    page.get_by_role("button", name="Remove from editors’ picks: the comment by Alice Able").wait_for()

    # A reader without an account sees it first, labelled.
    page.context.clear_cookies()
    page.goto(article_url)
    first = page.locator(".comment-list > li").first
    assert first.get_attribute("id") == f"comment-{pick.pk}"
    assert "Editors’ pick" in first.locator(".comment__labels").text_content()
    assert page.get_by_role("button", name="Make editors’ pick: the comment by Bob Baker").count() == 0

    # Under Featured, only the pick.
    page.get_by_role("link", name="featured (1)").click()
    page.wait_for_url("**comments_order=featured**")
    cards = page.locator(".comment__card")
    assert cards.count() == 1
    assert "warm place" in cards.first.inner_text()
    save_screenshot(page, "comments-featured")


def test_a_reader_asks_the_author_answers_and_the_question_is_listed_as_answered(page):
    page.set_default_timeout(60_000)
    author_account = UserFactory(
        email="rhea@example.org", display_name="Rhea Reporter", roles=[WRITER], verified=True
    )
    author = AuthorFactory(
        name="Rhea Reporter", slug="rhea", role="Housing correspondent", user=author_account
    )
    article = ArticleFactory(headline="Five hundred homes for the old depot", authors=[author])
    ArticleCommentPolicy.objects.create(
        article=article, qa_enabled=True, qa_intro="Rhea answers your questions until Friday."
    )
    article_url = article.get_absolute_url()
    UserFactory(email="rita@example.org", display_name="Rita Reader", verified=True)

    # A reader asks.
    sign_in(page, "rita@example.org", article_url)
    expect(page.get_by_text("Rhea answers your questions until Friday.")).to_be_visible()
    page.get_by_label("Your comment").fill("How many of the homes will be affordable?")
    page.get_by_role("button", name="Post comment").click()
    question = Comment.objects.get()
    page.wait_for_url(f"**#comment-{question.pk}")

    # The article's author answers in place.
    sign_in(page, "rhea@example.org", article_url)
    page.get_by_label("Your comment").wait_for()
    page.get_by_role("link", name="Reply to Rita Reader").click()
    page.get_by_label("Your comment").fill("Two hundred, the council says: forty per cent.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#comment-*")

    # The reader sees the question answered, highlighted and listed.
    sign_in(page, "rita@example.org", article_url)
    region = page.locator(".qa")
    assert "1 answered · 0 waiting for an answer" in region.inner_text()
    listed = region.get_by_role("link", name="How many of the homes will be affordable?")
    expect(listed).to_be_visible()
    card = page.locator(f"#comment-{question.pk}")
    assert "comment--answered" in card.get_attribute("class")
    assert "Answered" in card.locator(".comment__labels").first.text_content()
    answer = card.locator(".comment--answer")
    assert "Answer" in answer.locator(".comment__labels").text_content()
    assert "Article author · Housing correspondent" in answer.inner_text()
    assert "forty per cent" in answer.inner_text()
    save_screenshot(page, "comments-qa-region")

    listed.click()
    page.wait_for_url(f"**#comment-{question.pk}")
