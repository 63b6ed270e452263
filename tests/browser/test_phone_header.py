"""On a phone (375 x 740): every tap target in the header is at least 24 px tall, and wide or
spaced enough (WCAG 2.2, 2.5.8 Target Size (Minimum)); the section navigation that scrolls
sideways shows that it does. Also the article page's breadcrumb trail, as a reader sees it."""

import pytest
from django.core.cache import cache

from tests.accounts.conftest import PASSWORD, make_verified_reader
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.factories import ArticleFactory, SectionFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
MINIMUM = 24

SECTION_NAMES = ["Politics", "Economy", "Health", "Education", "Environment", "Culture", "Sport", "Science"]

# Each link, button and field in the header: its box, and whether the reader can reach it now
# (the section list scrolls, so a target past its edge still counts: a reader scrolls to it).
TARGETS = """() => [...document.querySelectorAll(
    '.masthead a, .masthead button, .masthead input, .masthead select')]
  .filter(el => el.getClientRects().length)
  .map(el => { const r = el.getBoundingClientRect();
    return {text: (el.innerText || el.value || el.name || '').trim(),
            x: r.x, y: r.y, width: r.width, height: r.height}; })"""


@pytest.fixture
def sections(db):
    cache.clear()
    return [SectionFactory(name=name, slug=name.lower()) for name in SECTION_NAMES]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def too_close(target, others):
    """WCAG 2.5.8's spacing exception: a target under 24 px across passes when a 24 px circle
    centred on it meets no other target (nor that target's own circle, when it is small)."""
    cx, cy = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    for other in others:
        nearest_x = min(max(cx, other["x"]), other["x"] + other["width"])
        nearest_y = min(max(cy, other["y"]), other["y"] + other["height"])
        if ((cx - nearest_x) ** 2 + (cy - nearest_y) ** 2) ** 0.5 < MINIMUM / 2:
            return True
    return False


def small_targets(tab):
    targets = tab.evaluate(TARGETS)
    assert targets, "no tap targets found in the header"
    problems = []
    for target in targets:
        others = [other for other in targets if other is not target]
        if target["height"] < MINIMUM:
            problems.append(f"{target['text']!r} is {target['height']:.1f} px tall")
        elif target["width"] < MINIMUM and too_close(target, others):
            problems.append(f"{target['text']!r} is {target['width']:.1f} px wide and crowded")
    return problems


def test_every_header_target_is_big_enough_to_tap_on_a_phone(phone, sections):
    phone.goto("/")

    assert small_targets(phone) == []
    assert_accessible(phone, "home on a phone")
    save_screenshot(phone, "phone-header")


def test_a_signed_in_readers_header_targets_are_big_enough_too(phone, sections):
    make_verified_reader(email="phone-reader@example.org", display_name="Pat Phone")
    phone.goto("/accounts/login/")
    phone.get_by_label("Email address").fill("phone-reader@example.org")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("heading", level=1, name="Your account").wait_for()
    phone.goto("/")
    phone.locator(".masthead__sign-out button").wait_for()

    assert small_targets(phone) == []
    save_screenshot(phone, "phone-header-signed-in")


def test_the_section_list_shows_it_scrolls_sideways_on_a_phone(phone, sections):
    phone.goto("/")
    nav = phone.locator(".sections-nav")
    listing = nav.locator("ul")

    # It does overflow on a phone, so the reader needs the hint.
    assert listing.evaluate("el => el.scrollWidth > el.clientWidth + 20")
    # The hint: a fade over the right edge, drawn by the nav itself so it does not scroll away.
    fade = nav.evaluate(
        "el => { const s = getComputedStyle(el, '::after');"
        " return {image: s.backgroundImage, width: parseFloat(s.width), content: s.content}; }"
    )
    assert "gradient" in fade["image"]
    assert fade["width"] >= 16
    # Items snap into place, so a swipe never stops with a name cut in half at the left edge.
    assert listing.evaluate("el => getComputedStyle(el).scrollSnapType").startswith("x")

    # The last section can be scrolled fully clear of the fade, and read.
    listing.evaluate("el => el.scrollTo({left: el.scrollWidth})")
    phone.wait_for_function(
        "() => { const ul = document.querySelector('.sections-nav ul');"
        " return ul.scrollLeft + ul.clientWidth >= ul.scrollWidth - 1; }"
    )
    last = listing.locator("li").last.bounding_box()
    nav_box = nav.bounding_box()
    assert last["x"] + last["width"] <= nav_box["x"] + nav_box["width"] - fade["width"] + 1
    save_screenshot(phone, "phone-sections-scrolled")


def test_the_article_page_shows_its_breadcrumb_trail(page, sections):
    partner = SourceFactory(
        name="Coast Institute", slug="coast-institute", feed_url="https://coast.example.org/rss"
    )
    article = ArticleFactory(headline="Harbour wall plan approved", section=sections[0], source=partner)

    page.goto(article.get_absolute_url())
    trail = page.get_by_role("navigation", name="Breadcrumb")

    assert trail.get_by_role("link").all_inner_texts() == ["Home", "Politics", "From Coast Institute"]
    assert page.get_by_role("link", name="Coast Institute’s news feed (RSS)").get_attribute("href") == (
        "https://coast.example.org/rss"
    )
    assert_accessible(page, "article with breadcrumb")
    save_screenshot(page, "article-breadcrumb")
    trail.get_by_role("link", name="Politics").click()
    page.wait_for_url("**/politics/")
