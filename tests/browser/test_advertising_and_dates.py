"""In Chromium: a would-be advertiser finds the rate card from the footer, and a reader sees when
an article was updated after it was published."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from articles.services import add_correction
from enquiries.models import AdvertisingOption, RateCard
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.factories import (
    DEFAULT_PASSWORD,
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    UserFactory,
    singleton_row,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTRO = (
    "<p>Our readers run councils, charities and companies across the region, and they read us "
    "for the detail. Advertising here puts your name beside reporting they trust.</p>"
    "<p>Every option below can be booked for a week or longer. <strong>Charities pay half "
    "price.</strong></p>"
)
OPTIONS = [
    ("Leaderboard banner", "728 × 90 pixels at the top of every page", Decimal("1250"), "per week",
     "Seen by every reader on every page, on phones as a 320 × 50 strip."),
    ("Newsletter sponsorship", "One 600 × 200 image and 40 words", Decimal("480"), "per issue",
     "Your message at the top of the free daily newsletter."),
    ("Sponsored section", "A section of your choice, marked as sponsored", None, "",
     "Your name beside one section's articles for a month; the newsroom keeps control of the "
     "reporting."),
]  # fmt: skip


def fill_rate_card():
    card = singleton_row(RateCard)
    card.intro = INTRO
    card.save()
    for position, (name, size, price, basis, description) in enumerate(OPTIONS):
        AdvertisingOption.objects.create(
            rate_card=card,
            name=name,
            size_and_format=size,
            price=price,
            price_basis=basis,
            description=description,
            position=position,
        )


def test_an_advertiser_finds_the_options_from_the_footer_and_then_the_enquiry_form(page):
    ArticleFactory(headline="Council approves the harbour wall", section=SectionFactory(slug="politics"))
    fill_rate_card()

    page.goto("/")
    page.locator("footer").get_by_role("link", name="View options").click()
    page.wait_for_url("**/advertise/")

    expect(page.locator("h1")).to_have_text(re.compile(r"^Advertise with "))
    table = page.get_by_role("table", name="Advertising options and prices")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(1 + len(OPTIONS))
    expect(table.get_by_role("rowheader", name="Leaderboard banner")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("Leaderboard banner"))).to_contain_text(
        "£1,250.00 per week"
    )
    expect(table.get_by_role("row", name=re.compile("Sponsored section"))).to_contain_text("Price on request")
    assert_accessible(page, "advertising options")
    save_screenshot(page, "advertising-01-options")

    page.set_viewport_size({"width": 390, "height": 844})
    save_screenshot(page, "advertising-02-options-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="write to our advertising team").click()
    page.wait_for_url("**/enquiries/advertise/")
    expect(page.locator("h1")).to_have_text("To advertise")


def test_an_editor_writes_the_introduction_and_an_option_in_the_admin(page):
    UserFactory(email="editor@example.org", display_name="Eddie Editor", roles=["Editor"])
    singleton_row(RateCard)
    problems = []
    # Anything the Content Security Policy blocked, and script errors: the editor must work.
    page.on("console", lambda msg: problems.append(msg.text) if "Refused to" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    page.goto("/admin/")
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Advertising options page").first.click()

    page.locator(".prose-editor [contenteditable='true']").click()
    page.keyboard.type("Reach the people who run the region.")
    page.locator("#id_options-0-name").fill("Half-page advert")
    page.locator("#id_options-0-size_and_format").fill("Half a page in print and PDF")
    page.locator("#id_options-0-price").fill("450")
    page.locator("#id_options-0-price_basis").fill("per issue")
    save_screenshot(page, "advertising-04-admin")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert problems == []

    page.goto("/advertise/")
    expect(page.locator(".rate-card__intro")).to_contain_text("Reach the people who run the region.")
    row = page.get_by_role("row", name=re.compile("Half-page advert"))
    expect(row).to_contain_text("£450.00 per issue")


def test_with_nothing_on_offer_the_page_sends_advertisers_to_the_team(page):
    singleton_row(RateCard)

    page.goto("/advertise/")

    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.locator(".rate-card__empty")).to_contain_text("Our advertising team will tell you")
    assert_accessible(page, "advertising options, empty")
    save_screenshot(page, "advertising-03-empty")


def test_a_reader_sees_when_a_corrected_article_was_updated(page):
    reporter = AuthorFactory(name="Nomvula Dlamini", role="Political Editor")
    article = ArticleFactory(
        headline="Harbour wall vote moved to Thursday",
        standfirst="Councillors want more time to read the engineers' report.",
        body="<p>The council has moved its vote on the harbour wall to Thursday.</p>"
        "<p>The engineers' report runs to 300 pages and was published on Monday.</p>",
        section=SectionFactory(name="Politics", slug="politics"),
        authors=[reporter],
        publish_at=timezone.now() - timedelta(hours=3),
    )
    fresh = ArticleFactory(headline="Ferry timetable unchanged for winter", section=article.section)
    add_correction(article=article, text="An earlier version said the vote was on Wednesday.", by=None)
    updated_at = Article.objects.get(pk=article.pk).revised_at

    page.goto(article.get_absolute_url())
    updated = page.locator(".article__updated")
    expect(updated).to_be_visible()
    expect(updated).to_contain_text(f"Updated {timezone.localtime(updated_at):%-d %B %Y, %H:%M}")
    # Beside it, the way to what changed (the correction among it).
    expect(updated.get_by_role("link", name="What changed")).to_be_visible()
    machine_time = updated.locator("time").get_attribute("datetime")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?[+-]\d\d:\d\d", machine_time)
    # The NewsArticle comes first; the breadcrumb trail's BreadcrumbList follows it.
    structured = page.locator('script[type="application/ld+json"]').first.text_content()
    assert f'"dateModified":"{machine_time}"' in structured
    expect(page.locator(".corrections-box")).to_contain_text("the vote was on Wednesday")
    assert_accessible(page, "article with Updated")
    save_screenshot(page, "dates-01-article-updated")

    page.goto(fresh.get_absolute_url())
    expect(page.locator(".article__dates")).to_contain_text("Published")
    expect(page.locator(".article__updated")).to_have_count(0)
