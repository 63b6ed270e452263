"""A reader's journey through the site in Chromium, with axe-core checking each page."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FONT_SIZE = "el => parseFloat(getComputedStyle(el).fontSize)"
BODY = (
    "<p>The council met on Tuesday evening to debate the plan, which would close two clinics and "
    "merge three libraries over the next eighteen months.</p>"
    "<p>Residents packed the public gallery. “We were told the savings would protect front-line "
    "services,” said one. “This is the front line.”</p>"
    "<h2>What happens next</h2>"
    "<p>A final vote is expected next month, after a consultation that opens on Monday and runs for "
    "six weeks. The opposition has asked the auditor to review the figures.</p>"
    "<blockquote><p>The numbers do not add up, and residents deserve to see them.</p></blockquote>"
    "<p>The mayor said the council had no choice but to balance its books.</p>"
)


def picture(name, size, colour):
    buffer = BytesIO()
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 40):
        draw.line([(step, 0), (step + size[1] // 2, size[1])], fill=(255, 255, 255), width=6)
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def newsroom(settings, tmp_path):
    """A small but realistic site: sections, authors with roles, tagged articles, a partner."""
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    now = timezone.now()
    politics = SectionFactory(name="Politics", slug="politics", description="Parliament, parties and power.")
    economy = SectionFactory(name="Economy", slug="economy", description="Money, jobs and the budget.")
    health = SectionFactory(name="Health", slug="health", description="Clinics, hospitals and care.")
    reporter = AuthorFactory(
        name="Nomvula Dlamini",
        slug="nomvula-dlamini",
        role="Political Editor",
        bio="Nomvula has covered the council and parliament for twelve years.",
        photo=picture("nomvula.jpg", (400, 400), (120, 60, 40)),
    )
    analyst = AuthorFactory(name="Djiby Sow", slug="djiby-sow", role="Senior Researcher")
    partner = SourceFactory(name="Institute for Public Finance", slug="ipf")
    articles = {}
    headlines = [
        ("Council budget vote delayed as residents protest clinic closures", politics, ["Budget", "Health"]),
        ("Treasury trims growth forecast after a weak quarter", economy, ["Budget"]),
        ("Waiting times at city clinics reach a five-year high", health, ["Health"]),
        ("Coalition partners agree a timetable for the housing bill", politics, ["Housing"]),
        ("Small firms say late payments are costing jobs", economy, ["Jobs"]),
        ("Nurses' union warns of winter staffing gaps", health, ["Health"]),
    ]
    for number, (headline, section, tags) in enumerate(headlines):
        articles[number] = ArticleFactory(
            headline=headline,
            slug=f"story-{number}",
            standfirst="What the decision means for services, and who pays for it.",
            body=BODY,
            section=section,
            tags=tags,
            authors=[reporter, analyst] if number % 2 == 0 else [analyst],
            publish_at=now - timedelta(hours=number * 5 + 1),
            source=partner if number == 4 else None,
            featured_image=picture(f"lead{number}.jpg", (1600, 900), (30 + number * 30, 70, 110)),
            image_alt="Councillors in the chamber during the debate",
            image_caption="The council chamber on Tuesday evening.",
            image_credit="Photo: Lebo Mokoena",
        )
    CorrectionFactory(article=articles[0], text="An earlier version gave the wrong date for the vote.")
    articles[0].read_counts.create(day=timezone.localdate(), count=40)
    articles[2].read_counts.create(day=timezone.localdate(), count=25)
    return {"articles": articles, "reporter": reporter}


def test_a_reader_goes_from_the_front_page_to_an_article_and_on_through_the_site(page, newsroom):
    page.goto("/")
    assert page.locator("h1").count() == 1
    expect(page.get_by_role("navigation", name="Sections")).to_be_visible()
    assert_accessible(page, "home")
    save_screenshot(page, "reading-01-home")

    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Politics").click()
    page.wait_for_url("**/politics/")
    expect(page.locator("h1")).to_have_text("Politics")
    assert_accessible(page, "section")
    save_screenshot(page, "reading-02-section")

    page.get_by_role("link", name="Council budget vote delayed as residents protest clinic closures").click()
    assert page.locator("h1").inner_text().startswith("Council budget vote delayed")
    body = page.locator(".article-body")
    size_before = float(body.evaluate(FONT_SIZE))
    page.get_by_role("button", name="Larger").click()
    page.get_by_role("button", name="Larger").click()
    size_after = float(body.evaluate(FONT_SIZE))
    assert size_after > size_before
    assert_accessible(page, "article")
    save_screenshot(page, "reading-03-article")

    # The chosen size follows the reader to the next article.
    page.locator(".related").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "story-0" not in page.url
    next_size = float(page.locator(".article-body").evaluate(FONT_SIZE))
    assert next_size == pytest.approx(size_after)

    page.locator(".tags").get_by_role("link").first.click()
    page.wait_for_url("**/tags/**")
    assert page.locator(".article-list li").count() >= 1
    save_screenshot(page, "reading-04-tag")

    search = page.get_by_role("search").get_by_label("Search articles")
    search.fill('"clinic closures"')
    search.press("Enter")
    page.wait_for_url("**/search/**")
    results = page.locator(".search-results > li")
    assert results.count() == 1
    assert "clinic closures" in results.first.locator("h2").inner_text()
    assert results.first.locator("mark").count() >= 1
    assert_accessible(page, "search")
    save_screenshot(page, "reading-05-search")

    results.first.get_by_role("link", name="Nomvula Dlamini").click()
    page.wait_for_url("**/authors/nomvula-dlamini/")
    expect(page.locator("h1")).to_have_text("Nomvula Dlamini")
    expect(page.get_by_alt_text("Portrait of Nomvula Dlamini")).to_be_visible()
    assert_accessible(page, "author")
    save_screenshot(page, "reading-06-author")


def test_the_article_reads_well_on_a_small_phone(page, newsroom):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(newsroom["articles"][0].get_absolute_url())
    # Nothing wider than the screen: no sideways scrolling to read.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, "article at 375px")
    save_screenshot(page, "reading-07-article-375")
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    save_screenshot(page, "reading-08-home-320")


def test_video_loads_from_the_provider_only_when_the_reader_presses_play(browser, live_server, newsroom):
    article = newsroom["articles"][1]
    article.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    article.save()
    # Its own tab: pressing play is the one time a request may leave our site, and the
    # player is answered locally so the test needs no network.
    context = browser.new_context(base_url=live_server.url)
    try:
        tab = context.new_page()
        requested = []
        tab.on("request", lambda request: requested.append(request.url))
        tab.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(body="<p>player</p>"))
        tab.goto(article.get_absolute_url())
        tab.wait_for_load_state("networkidle")
        assert not [url for url in requested if not url.startswith(live_server.url)]
        tab.get_by_role("button", name="Play the video").click()
        frame = tab.locator("iframe.video__iframe")
        assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
        assert frame.get_attribute("title").startswith("Video:")
    finally:
        context.close()


def test_reading_works_with_javascript_off(browser, live_server, newsroom):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(newsroom["articles"][0].get_absolute_url())
        expect(tab.locator(".article-body")).to_be_visible()
        # The size control needs the script, so without it there is nothing to press.
        assert not tab.locator("[data-font-size]").is_visible()
        tab.goto("/search/?q=clinic")
        assert tab.locator(".search-results > li").count() >= 1
    finally:
        context.close()
