"""The XSS corpus in Chromium, with the page's Content Security Policy bypassed so that what
is proved is our escaping and sanitising, not the CSP: no dialog opens, window.__xss stays
undefined, and no element or attribute beyond what the same page has without payloads."""

from urllib.parse import urlencode

import pytest

from tests.conftest import save_screenshot
from tests.factories import ArticleFactory
from tests.security.payloads import XSS_PAYLOADS
from tests.security.test_xss_http import feed_server, import_hostile_feed  # noqa: F401 - fixture
from tests.security.xss_site import articles_with_payloads, discussion_with_payloads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a payload could add to a page, counted in the live DOM after scripts have run.
INSPECT = """() => {
  const problems = [];
  const urlAttributes = [
    "href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background"];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith("on")) problems.push(`<${element.localName} ${attribute.name}>`);
      const value = attribute.value.replace(/\\s/g, "").toLowerCase();
      const runs = /^(javascript|vbscript|data:text|data:image\\/svg)/.test(value);
      if (urlAttributes.includes(attribute.name) && runs)
        problems.push(`<${element.localName} ${attribute.name}=${value.slice(0, 30)}>`);
    }
  }
  const counts = {};
  const tags = ["script", "iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "form",
                "meta[http-equiv]"];
  for (const tag of tags)
    counts[tag] = document.querySelectorAll(tag).length;
  return {problems, counts, sentinel: typeof window.__xss};
}"""


@pytest.fixture
def tab(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    # Bodies may hold editors' images from other sites; they never load, and are not scripts.
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def inspect(tab, address):
    tab.goto(address)
    tab.wait_for_load_state("networkidle")
    # Give timers, animations and autofocus a moment to fire what they would.
    tab.wait_for_timeout(150)
    return tab.evaluate(INSPECT)


def assert_inert(tab, address, baseline):
    found = inspect(tab, address)
    assert tab.dialogs == [], f"{address}: a dialog opened: {tab.dialogs}"
    assert found["sentinel"] == "undefined", f"{address}: a payload set window.__xss"
    assert found["problems"] == [], f"{address}: {found['problems'][:5]}"
    for tag, count in found["counts"].items():
        assert count <= baseline[tag], f"{address}: {count} <{tag}> where a clean page has {baseline[tag]}"


def test_every_payload_as_a_comment_and_a_name_runs_nothing(tab, settings):
    settings.COMMENTS_THREADS_PER_PAGE = len(XSS_PAYLOADS) + 1
    clean = ArticleFactory(headline="A quiet discussion", slug="quiet-discussion")
    baseline = inspect(tab, clean.get_absolute_url())["counts"]
    article = discussion_with_payloads()
    assert_inert(tab, article.get_absolute_url(), baseline)
    assert tab.locator("[id^=comment-]").count() >= len(XSS_PAYLOADS)
    save_screenshot(tab, "security-xss-comments")


def test_every_payload_as_headline_standfirst_body_and_author_runs_nothing(tab):
    articles = articles_with_payloads()
    clean = ArticleFactory(headline="A clean article", slug="clean-article")
    baseline = inspect(tab, clean.get_absolute_url())["counts"]
    # Every payload in listings: the section pages (headline and standfirst of each), in order.
    address = "/hostile/"
    pages = 0
    while address:
        assert_inert(tab, address, baseline)
        pages += 1
        older = tab.locator("a[href*='before=']")
        # The link is relative ("?before=…"): its resolved address, not the attribute.
        address = older.first.evaluate("link => link.href") if older.count() else None
    assert pages >= len(articles) // 20
    # Article pages (body, byline, JSON-LD) for a spread of payloads.
    for article in articles[::9]:
        assert_inert(tab, article.get_absolute_url(), baseline)
    for number in range(0, len(articles), 31):
        assert_inert(tab, f"/authors/hostile-author-{number}/", baseline)
    tab.goto(articles[0].get_absolute_url())
    save_screenshot(tab, "security-xss-article")


def test_payload_searches_run_nothing(tab):
    articles_with_payloads(XSS_PAYLOADS[:20])
    baseline = inspect(tab, "/search/?q=council")["counts"]
    for payload in XSS_PAYLOADS[::12]:
        assert_inert(tab, "/search/?" + urlencode({"q": payload}), baseline)
    save_screenshot(tab, "security-xss-search")


def test_imported_feed_items_run_nothing(tab, feed_server, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    clean = ArticleFactory(headline="A clean article", slug="clean-article")
    baseline = inspect(tab, clean.get_absolute_url())["counts"]
    imported = list(import_hostile_feed(feed_server, settings).order_by("pk"))
    for article in imported[::15]:
        assert_inert(tab, article.get_absolute_url(), baseline)
    assert_inert(tab, "/partners/", baseline)
