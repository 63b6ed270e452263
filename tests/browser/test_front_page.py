"""An editor chooses and reorders the home page's stories in the admin, and the home page
follows; the body editor keeps the browser's spell checker on."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import FrontPage
from tests.browser.test_editorial import choose_in_autocomplete, csp_violations  # noqa: F401 (fixture)
from tests.conftest import save_screenshot
from tests.factories import DEFAULT_PASSWORD, ArticleFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINES = [
    "Tide gauges replaced along the quay",
    "Night buses return to the harbour route",
    "Council opens the new library early",
    "Harbour board approves the ferry terminal",
]


@pytest.fixture
def desk():
    UserFactory(email="editor@example.org", display_name="Eddie Editor", roles=["Editor"])
    section = SectionFactory(name="Harbour", slug="harbour")
    now = timezone.now()
    # The first headline is the newest; the last, a day old, is the one editors want on top.
    for age, headline in enumerate(HEADLINES):
        ArticleFactory(headline=headline, section=section, publish_at=now - timedelta(hours=6 * age + 1))
    # A transactional test starts from an empty database: the home page's place is made here.
    return FrontPage.objects.get_or_create(section=None)[0]


def sign_in(page):
    page.goto("/admin/")
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Front pages")).to_be_visible()


def top_story(page):
    return page.get_by_role("region", name="Top story")


def test_an_editor_reorders_the_front_page_and_the_home_page_follows(page, desk, csp_violations):  # noqa: F811
    reader = page.context.new_page()
    reader.goto("/")
    expect(top_story(reader)).to_contain_text(HEADLINES[0])

    sign_in(page)
    page.get_by_role("link", name="Front pages").click()
    page.get_by_role("link", name="Home page").click()
    page.locator("#id_slots-0-position").select_option(label="Lead story")
    choose_in_autocomplete(page, "id_slots-0-article", HEADLINES[3])
    page.locator("#id_slots-1-position").select_option(label="Top story 1")
    choose_in_autocomplete(page, "id_slots-1-article", HEADLINES[2])
    save_screenshot(page, "front-page-admin")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    reader.reload()
    expect(top_story(reader)).to_contain_text(HEADLINES[3])
    top_stories = reader.get_by_role("region", name="More top stories")
    expect(top_stories.get_by_role("listitem").first).to_contain_text(HEADLINES[2])
    # The chosen lead is not repeated in the latest list.
    expect(reader.locator(".front__latest")).not_to_contain_text(HEADLINES[3])
    save_screenshot(reader, "front-page-home")

    # Swapping the two places puts the other story on top.
    page.locator("#id_slots-0-position").select_option(label="Top story 1")
    page.locator("#id_slots-1-position").select_option(label="Lead story")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    reader.reload()
    expect(top_story(reader)).to_contain_text(HEADLINES[2])
    expect(top_stories.get_by_role("listitem").first).to_contain_text(HEADLINES[3])
    assert csp_violations == []


def test_choosing_the_same_story_twice_is_explained_and_nothing_is_lost(page, desk):
    sign_in(page)
    page.goto(f"/admin/articles/frontpage/{desk.pk}/change/")
    choose_in_autocomplete(page, "id_slots-0-article", HEADLINES[3])
    page.locator("#id_slots-1-position").select_option(label="Top story 1")
    choose_in_autocomplete(page, "id_slots-1-article", HEADLINES[3])
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errorlist").first).to_contain_text("is already in another place on this page")
    expect(page.locator("#id_slots-1-position")).to_have_value("2")
    expect(page.locator("#select2-id_slots-1-article-container")).to_contain_text(HEADLINES[3])


def test_the_body_editor_lets_the_browser_check_spelling(page, desk):
    sign_in(page)
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name=HEADLINES[0]).click()

    writing_area = page.locator(".prose-editor [contenteditable='true']")
    expect(writing_area).to_be_visible()
    assert writing_area.get_attribute("spellcheck") != "false"
    assert writing_area.evaluate("element => element.spellcheck") is True
