"""The advertising options page (/advertise/): the rate card staff keep in the admin, linked
from every page's footer as "View options" beside the advertising enquiry, the same bytes for
every anonymous reader."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from enquiries.models import AdvertisingOption, RateCard
from newsroom.lib.money import format_money
from newsroom.models import SiteSettings
from tests.access.forms import form_fields
from tests.factories import singleton_row

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("admin:enquiries_ratecard_change", args=[RateCard.SINGLETON_ID])
ROWS = re.compile(r'<tr>\s*<th scope="row">(.*?)</th>.*?<td class="rate-card__price"[^>]*>(.*?)</td>', re.S)


def option(name, price=None, position=0, **fields):
    return AdvertisingOption.objects.create(
        rate_card=singleton_row(RateCard), name=name, price=price, position=position, **fields
    )


@pytest.fixture
def rate_card():
    card = singleton_row(RateCard)
    card.intro = "<p>Our readers run <strong>councils, charities and companies</strong>.</p>"
    card.save()
    option(
        "Leaderboard banner", Decimal("1250"), 1, size_and_format="728 × 90 pixels", price_basis="per week"
    )
    option("Newsletter sponsorship", Decimal("8"), 2, price_basis="per issue")
    option("Sponsored report", None, 3, description="Written by you, edited and marked by us.")
    option("Pop-up window", Decimal("99"), 0, is_active=False)
    return card


def rows(html):
    return [(name.strip(), re.sub(r"<[^>]+>", "", price).strip()) for name, price in ROWS.findall(html)]


def test_the_page_lists_the_shown_options_in_order_with_their_prices(client, rate_card):
    response = client.get("/advertise/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Advertise with" in html
    assert "<strong>councils, charities and companies</strong>" in html
    assert rows(html) == [
        ("Leaderboard banner", "£1,250.00 per week"),
        ("Newsletter sponsorship", "£8.00 per issue"),
        ("Sponsored report", "Price on request"),
    ]
    assert "Pop-up window" not in html
    assert "728 × 90 pixels" in html
    assert '<th scope="col">Price</th>' in html
    assert '<a href="/enquiries/advertise/">write to our advertising team</a>' in html


def test_with_no_option_shown_the_page_sends_advertisers_to_the_team_instead_of_an_empty_table(client):
    option("Pop-up window", Decimal("99"), is_active=False)

    html = client.get("/advertise/").content.decode()

    assert "<table" not in html
    assert "Our advertising team will tell you what is available and what it costs" in html
    assert '<a href="/enquiries/advertise/">write to them</a>' in html
    assert '<a href="mailto:advertising@example.com">advertising@example.com</a>' in html


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("8"), "GBP", "£8.00"),
        (Decimal("1250.5"), "gbp", "£1,250.50"),
        (Decimal("0"), "GBP", "£0.00"),
        (Decimal("12000"), "EUR", "€12,000.00"),
        (Decimal("75"), "CHF", "75.00 CHF"),
        (None, "GBP", ""),
    ],
)
def test_prices_are_written_as_readers_in_britain_write_them(amount, currency, shown):
    assert format_money(amount, currency) == shown


def test_hostile_markup_in_the_introduction_is_removed_and_the_text_kept(client):
    card = singleton_row(RateCard)
    card.intro = (
        '<p onclick="steal()">Reach <em>policy makers</em>.<script>alert(1)</script></p>'
        '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">Rates</a>'
        '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>'
    )
    card.save()

    html = client.get("/advertise/").content.decode()
    intro = html[html.index('class="rate-card__intro') : html.index("</div>", html.index("rate-card__intro"))]
    assert "Reach <em>policy makers</em>." in intro
    for hostile in ["<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "alert("]:
        assert hostile not in intro, hostile
    assert "Rates" in intro


def test_every_footer_offers_view_options_beside_the_advertising_enquiry(client, rate_card):
    html = client.get("/").content.decode()

    footer = html[html.index('<footer class="site-footer">') :]
    enquiry = footer.index('<a href="/enquiries/advertise/">To advertise</a>')
    options = footer.index('<a href="/advertise/">View&nbsp;options</a>')
    assert 0 < options - enquiry < 200  # in the same line of the footer


def test_view_options_follows_the_address_staff_give_in_the_site_settings(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        furniture = singleton_row(SiteSettings)
        furniture.advertise_url = "https://media.example.org/ledger-rates/"
        furniture.save()

    html = client.get("/").content.decode()
    assert '<a href="https://media.example.org/ledger-rates/">View&nbsp;options</a>' in html


@pytest.fixture
def page_cache(settings):
    # Off in the rest of the suite (tests/environment.py).
    settings.PAGE_CACHE_ENABLED = True


@pytest.mark.usefixtures("page_cache")
def test_anonymous_readers_share_one_cached_copy_until_staff_change_a_price(
    client, rate_card, editor, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = client.get("/advertise/")
    with django_assert_num_queries(0):
        second = client.get("/advertise/")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "public" in second["Cache-Control"]
    assert not second.cookies
    assert "Cookie" not in second.get("Vary", "")
    assert "csrfmiddlewaretoken" not in second.content.decode()

    desk = Client()
    desk.force_login(editor)
    data = edit_form(desk)
    [row] = [
        name.removesuffix("-name") for name, value in data.items() if value == ["Newsletter sponsorship"]
    ]
    data[f"{row}-price"] = "9"
    with django_capture_on_commit_callbacks(execute=True):
        assert desk.post(CHANGE_URL, data).status_code == 302

    after = client.get("/advertise/")
    assert after["X-Page-Cache"] == "miss"
    assert ("Newsletter sponsorship", "£9.00 per issue") in rows(after.content.decode())


# Editing in the admin --------------------------------------------------------------------------


def edit_form(client):
    singleton_row(RateCard)  # made by the migration; a transactional test elsewhere may have flushed it
    page = client.get(CHANGE_URL)
    assert page.status_code == 200
    return form_fields(page.content.decode(), "ratecard_form")


def test_an_editor_writes_the_introduction_and_adds_an_option(client, editor):
    client.force_login(editor)
    data = edit_form(client)
    data.update(
        {
            "intro": "<p>Advertise beside <strong>award-winning</strong> reporting.</p><script>x()</script>",
            "options-0-name": "Half-page advert",
            "options-0-position": "1",
            "options-0-is_active": "on",
            "options-0-price": "450",
            "options-0-currency": "GBP",
            "options-0-price_basis": "per issue",
            "options-0-size_and_format": "Half a page, print and PDF",
        }
    )
    response = client.post(CHANGE_URL, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    card = singleton_row(RateCard)
    assert card.intro == "<p>Advertise beside <strong>award-winning</strong> reporting.</p>"
    client.logout()
    html = client.get("/advertise/").content.decode()
    assert ("Half-page advert", "£450.00 per issue") in rows(html)


def test_a_negative_price_is_refused_in_plain_words_and_nothing_typed_is_lost(client, editor):
    client.force_login(editor)
    data = edit_form(client)
    data.update(
        {
            "intro": "<p>A new introduction the editor spent time on.</p>",
            "options-0-name": "Classified advert",
            "options-0-position": "0",
            "options-0-price": "-20",
            "options-0-currency": "GB£",
        }
    )
    response = client.post(CHANGE_URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "A price cannot be negative; leave it blank for “price on request”." in html
    assert "Use the three-letter currency code, such as GBP or EUR." in html
    assert "A new introduction the editor spent time on." in html
    assert 'value="Classified advert"' in html
    assert not AdvertisingOption.objects.exists()
    assert "new introduction" not in singleton_row(RateCard).intro


@pytest.mark.parametrize("persona", ["writer", "moderator", "reader"])
def test_people_without_the_role_cannot_change_the_page(client, request, persona, rate_card):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(CHANGE_URL, {"intro": "<p>Defaced.</p>"})

    assert response.status_code in {302, 403}
    assert "Defaced" not in singleton_row(RateCard).intro


def test_the_admin_list_goes_straight_to_the_one_page_and_links_to_it(client, superuser):
    singleton_row(RateCard)  # made by the migration; a transactional test elsewhere may have flushed it
    client.force_login(superuser)

    listing = client.get(reverse("admin:enquiries_ratecard_changelist"))
    assert listing.status_code == 302
    assert listing["Location"] == CHANGE_URL
    assert 'href="/advertise/"' in client.get(CHANGE_URL).content.decode()


def test_the_advertising_enquiry_form_points_to_the_options_and_prices(client):
    html = client.get("/enquiries/advertise/").content.decode()

    assert '<a href="/advertise/">advertising options page</a>' in html
    assert "advertising options page" not in client.get("/enquiries/subscribe/").content.decode()
