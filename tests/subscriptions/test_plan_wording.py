"""Plans read as readers expect: prices in the site's currency format ("£8.00", never
"8.00 GBP") and benefits named in proper case ("PDF reports", "Photo library")."""

import pytest

from subscriptions.models import Plan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans():
    return [
        Plan.objects.create(name="Reports", slug="reports", price="8.00", unlocks=Plan.Unlocks.PDF_REPORTS),
        Plan.objects.create(
            name="Pictures",
            slug="pictures",
            price="1250.00",
            period="year",
            unlocks=Plan.Unlocks.PHOTO_LIBRARY,
        ),
        Plan.objects.create(name="Euro plan", slug="euro", price="9.50", currency="eur"),
    ]


def test_the_plans_page_writes_prices_with_their_symbol_and_benefits_in_proper_case(client, plans):
    html = client.get("/subscriptions/").content.decode()

    assert "<strong>£8.00</strong> a month" in html
    assert "<strong>£1,250.00</strong> a year" in html
    assert "<strong>€9.50</strong> a month" in html
    assert "Includes: PDF reports." in html
    assert "Includes: Photo library." in html
    assert "Includes: Premium articles on the website." in html
    assert "GBP" not in html
    assert "pdf reports" not in html


def test_the_checkout_page_says_the_same(client, plans, settings, reader):
    settings.STORE_CHECKOUT_URL = "https://store.example.com/checkout?plan={plan}&ref={reference}"
    client.force_login(reader)

    html = client.get("/subscriptions/checkout/reports/").content.decode()

    assert "<strong>£8.00</strong> a month" in html
    assert "Includes: PDF reports." in html


def test_the_admin_list_shows_prices_as_readers_see_them(client, plans):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    html = client.get("/admin/subscriptions/plan/").content.decode()

    assert "£8.00" in html
    assert "£1,250.00" in html
    assert "€9.50" in html
    assert "GBP" not in html
