"""Demo plans and a paying demo subscriber, for `manage.py seed_demo`."""

from datetime import timedelta

from django.utils import timezone

from subscriptions import services
from subscriptions.models import Plan, Subscription

DEMO_PLANS = [
    # slug, name, price, period, unlocks, description
    ("website-monthly", "Website", "8.00", Plan.Period.MONTH, Plan.Unlocks.WEBSITE,
     "Every premium article on the site, on any device."),
    ("magazine-yearly", "Magazine", "60.00", Plan.Period.YEAR, Plan.Unlocks.MAGAZINE,
     "Ten printed issues a year, delivered to your door."),
    ("pdf-reports-yearly", "PDF reports", "45.00", Plan.Period.YEAR, Plan.Unlocks.PDF_REPORTS,
     "Our long-form policy reports as PDF files the day they appear."),
    ("photo-library-yearly", "Photo library", "120.00", Plan.Period.YEAR, Plan.Unlocks.PHOTO_LIBRARY,
     "Licensed use of the newsroom's photo archive."),
]  # fmt: skip


def seed_demo_subscriptions(*, users, tally, out):
    out("Subscription plans and the demo subscriber...")
    plans = {}
    for position, (slug, name, price, period, unlocks, description) in enumerate(DEMO_PLANS):
        plan, created = Plan.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name, "price": price, "period": period, "unlocks": unlocks,
                "description": description, "position": position,
            },
        )  # fmt: skip
        tally.record("plans", created)
        plans[slug] = plan
    subscriber = users["subscriber@example.com"]
    has_one = Subscription.objects.filter(user=subscriber, plan=plans["website-monthly"]).exists()
    if not has_one:
        services.start_subscription(
            user=subscriber,
            plan=plans["website-monthly"],
            ends_at=timezone.now() + timedelta(days=365),
            reason="Demo subscription",
        )
    tally.record("subscriptions", not has_one)
