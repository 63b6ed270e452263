"""The editor's journey in the admin: log in, write an article with an ordered byline and
tags, publish it, and find it where readers will, all under the site's strict CSP."""

import re

import pytest
from playwright.sync_api import expect
from taggit.models import Tag

from articles.models import Article
from tests.conftest import save_screenshot
from tests.factories import DEFAULT_PASSWORD, AuthorFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Harbour board approves the new ferry terminal"


@pytest.fixture
def csp_violations(page):
    """Console reports of anything the Content Security Policy blocked, and script errors."""
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def choose_in_autocomplete(page, select_id, text):
    """Pick `text` in the admin's select2 autocomplete that stands for <select id=select_id>."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    search = page.locator(f"#{select_id} + .select2 .select2-search__field")
    if not search.count():
        search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text[:4])
    page.locator(".select2-results__option", has_text=text).first.click()


def test_an_editor_writes_and_publishes_an_article_with_an_ordered_byline(page, live_server, csp_violations):
    UserFactory(email="editor@example.org", display_name="Eddie Editor", roles=["Editor"])
    section = SectionFactory(name="Harbour", slug="harbour")
    AuthorFactory(name="Ada Lovelace", role="Data Reporter")
    AuthorFactory(name="Grace Hopper", role="Transport Correspondent")
    Tag.objects.create(name="Ferries")

    page.goto("/admin/")
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Articles").first).to_be_visible()

    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").press_sequentially(HEADLINE)
    expect(page.locator("#id_slug")).to_have_value("harbour-board-approves-the-new-ferry-terminal")
    page.get_by_label("Standfirst").fill("The terminal opens next spring after a two-year wait.")
    page.locator(".prose-editor [contenteditable='true']").click()
    page.keyboard.type("The harbour board voted on Thursday to approve the terminal.")
    page.keyboard.press("Enter")
    page.keyboard.type("Work starts in March.")
    page.locator("#id_section").select_option(label="Harbour")
    choose_in_autocomplete(page, "id_tags", "Ferries")
    page.get_by_label("New tags").fill("Transport, Local government")
    # Grace is entered first but comes second in the byline: the order numbers decide.
    choose_in_autocomplete(page, "id_bylines-0-author", "Grace Hopper")
    page.locator("#id_bylines-0-position").fill("2")
    choose_in_autocomplete(page, "id_bylines-1-author", "Ada Lovelace")
    page.locator("#id_bylines-1-position").fill("1")
    save_screenshot(page, "editorial-add-article")

    page.get_by_role("button", name="Publish").click()

    expect(page.locator(".messagelist")).to_contain_text(f"Published “{HEADLINE}”.")
    expect(page.locator(".workflow-state")).to_contain_text("Published")
    save_screenshot(page, "editorial-published")
    article = Article.objects.get(headline=HEADLINE)
    assert sorted(article.tags.names()) == ["Ferries", "Local government", "Transport"]
    assert "<p>Work starts in March.</p>" in article.body

    for listing in ("/", section.get_absolute_url()):
        page.goto(listing)
        link = page.get_by_role("link", name=HEADLINE).first
        expect(link).to_be_visible()
        card = page.locator("article", has=page.get_by_role("link", name=HEADLINE)).first
        expect(card.locator(".byline")).to_have_text(re.compile(r"Ada Lovelace.*Grace Hopper"))
    save_screenshot(page, "editorial-section-page")

    page.get_by_role("link", name=HEADLINE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(page.locator(".byline").first).to_have_text(re.compile(r"Ada Lovelace.*Grace Hopper"))
    assert csp_violations == []


def test_the_admin_editing_pages_raise_no_csp_violation(page, live_server, csp_violations):
    UserFactory(email="editor@example.org", display_name="Eddie Editor", roles=["Editor"])
    article = Article.objects.create(
        headline="A draft to look at", slug="a-draft-to-look-at", body="<p>Text.</p>"
    )
    article.body = "<p>Text, revised.</p>"
    article.save()

    page.goto("/admin/login/")
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    for path, name in [
        ("/admin/articles/article/", "editorial-changelist"),
        (f"/admin/articles/article/{article.pk}/change/", "editorial-change-form"),
        (f"/admin/articles/article/{article.pk}/history/", "editorial-history"),
        (f"/admin/articles/article/{article.pk}/history/compare/", "editorial-compare"),
        ("/admin/articles/article/planning/", "editorial-planning"),
        (f"/admin/articles/article/{article.pk}/preview/share/", "editorial-share-preview"),
        (f"/admin/articles/article/{article.pk}/preview/", "editorial-preview"),
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        save_screenshot(page, name)

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".prose-editor [contenteditable='true']")).to_be_visible()
    assert csp_violations == []
