"""A picture from the library in an article's text, in a real browser: the writer opens the
chooser from the body editor, picks a picture, saves, and the preview shows the figure with
the picture's description and caption."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article, Picture
from tests.browser.test_desk_journey import admin_sign_in
from tests.browser.test_editorial import csp_violations  # noqa: F401 (a fixture)
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALT = "Fishing boats moored in the harbour at dawn"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def library_picture(**fields):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(buffer, "JPEG")
    picture = Picture(**fields)
    picture.image.save("harbour.jpg", SimpleUploadedFile("harbour.jpg", buffer.getvalue()), save=False)
    picture.save()
    return picture


def test_a_writer_puts_a_library_picture_in_the_text_and_the_preview_shows_it(page, csp_violations):  # noqa: F811
    page.set_default_timeout(60_000)
    writer = UserFactory(email="writer@example.org", display_name="Wendy Writer", roles=["Writer"])
    article = ArticleFactory(
        headline="Harbour dredging starts", status=Article.Status.DRAFT, publish_at=None, created_by=writer,
        body="<p>Dredgers arrived on Monday.</p>", authors=[AuthorFactory(name="Wendy Writer", user=writer)],
    )  # fmt: skip
    library_picture(alt_text=ALT, caption="The harbour before the work", credit="Jo Bloggs")
    library_picture(alt_text="The mayor at the town hall")

    admin_sign_in(page, "writer@example.org")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator(".prose-editor [contenteditable='true']").click()
    page.keyboard.press("Control+End")
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Insert a picture from the library").click()
    chooser = opened.value
    chooser.get_by_label("Find a picture").fill("boats")
    chooser.get_by_role("button", name="Search").click()
    expect(chooser.get_by_role("button", name="The mayor at the town hall")).to_have_count(0)
    save_screenshot(chooser, "picture-chooser")
    chooser.get_by_role("button", name=ALT).click()

    inserted = page.locator(f".prose-editor figure img[alt='{ALT}']")
    expect(inserted).to_have_count(1)
    save_screenshot(page, "picture-in-body")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist")).to_be_visible()

    article.refresh_from_db()
    assert f'alt="{ALT}"' in article.body
    assert "<figcaption>The harbour before the work Picture: Jo Bloggs</figcaption>" in article.body
    page.goto(f"/admin/articles/article/{article.pk}/preview/")
    figure = page.locator("figure", has=page.locator(f"img[alt='{ALT}']"))
    expect(figure).to_contain_text("The harbour before the work Picture: Jo Bloggs")
    save_screenshot(page, "picture-in-preview")
    assert csp_violations == []
