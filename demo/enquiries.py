"""The demo rate card for `manage.py seed_demo`: an introduction and a few
options, one of them priced on request, so /advertise/ looks as it will once staff fill it."""

from decimal import Decimal

from enquiries.models import AdvertisingOption, RateCard

DEMO_INTRO = (
    "<p>Our readers run councils, charities and businesses, and they come to us for the detail "
    "of public life. Advertising here puts your organisation beside reporting they trust.</p>"
    "<p>Charities and community groups pay half the listed price.</p>"
)
DEMO_OPTIONS = [
    # name, size and format, price, priced, description
    ("Leaderboard banner", "728 × 90 pixels; 320 × 50 on phones", Decimal("1250.00"), "per week",
     "At the top of every page, seen by every reader."),
    ("Newsletter sponsorship", "One 600 × 200 image and up to 40 words", Decimal("480.00"), "per issue",
     "At the top of the free daily newsletter, marked as sponsored."),
    ("Sponsored section", "A section of your choice for a month", None, "",
     "Your name beside one section's articles; the newsroom keeps control of the reporting."),
]  # fmt: skip


def seed_demo_advertising(*, users, tally, out):
    out("The advertising options page...")
    rate_card, _ = RateCard.objects.get_or_create(pk=RateCard.SINGLETON_ID)
    if not rate_card.intro:
        rate_card.intro = DEMO_INTRO
        rate_card.save()
    for position, (name, size, price, basis, description) in enumerate(DEMO_OPTIONS):
        _, created = AdvertisingOption.objects.get_or_create(
            rate_card=rate_card,
            name=name,
            defaults={
                "size_and_format": size, "price": price, "price_basis": basis,
                "description": description, "position": position,
            },
        )  # fmt: skip
        tally.record("advertising options", created)
