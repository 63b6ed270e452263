"""The story budget in a real browser: an editor plans a story for a writer, who finds it
under "My assignments" on their desk, files it with their article linked, and the week's
budget shows it filed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from planning.models import PlannedStory
from tests.browser.test_desk_journey import admin_sign_in
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG_LINE = "Tram depot expansion"
HEADLINE = "Tram depot to double in size by 2028"


def test_an_editor_plans_a_story_the_writer_files_it_and_the_week_shows_it(page):
    page.set_default_timeout(60_000)
    writer = UserFactory(email="writer@example.org", display_name="Wendy Writer", roles=["Writer"])
    UserFactory(email="editor@example.org", display_name="Eddie Editor", roles=["Editor"])
    SectionFactory(name="Transport", slug="transport")
    ArticleFactory(headline=HEADLINE, status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    due = timezone.localtime() + timedelta(days=1)

    admin_sign_in(page, "editor@example.org")
    page.goto("/admin/planning/plannedstory/add/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Choose the desk this story belongs to.")).to_be_visible()
    page.get_by_label("Slug-line").fill(SLUG_LINE)
    page.get_by_label("Desk").select_option(label="Transport")
    page.get_by_label("Writer").select_option(label="Wendy Writer (writer@example.org)")
    page.get_by_label("Date").fill(due.strftime("%Y-%m-%d"))
    page.get_by_label("Time").fill("15:00")
    page.get_by_label("Status").select_option(label="Assigned")
    page.get_by_label("Notes").fill("Depot plans go to the council on Thursday.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    admin_sign_in(page, "writer@example.org")
    assignments = page.locator("section", has=page.get_by_role("heading", name="My assignments (1)"))
    expect(assignments).to_contain_text("Transport")
    save_screenshot(page, "planning-writer-desk")
    assignments.get_by_role("link", name=SLUG_LINE).click()
    page.get_by_label("Status").select_option(label="Filed")
    page.get_by_label("Article").select_option(label=HEADLINE)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    story = PlannedStory.objects.get()
    assert (story.status, story.article.headline) == (PlannedStory.Status.FILED, HEADLINE)

    page.goto(f"/admin/planning/plannedstory/budget/?view=week&date={due:%Y-%m-%d}")
    week = page.locator(".budget__day", has=page.get_by_role("link", name=SLUG_LINE))
    expect(week).to_contain_text(due.strftime("%A %-d %B"))
    expect(week).to_contain_text("Filed · Wendy Writer")
    expect(week.get_by_role("link", name=HEADLINE)).to_be_visible()
    save_screenshot(page, "planning-week")
