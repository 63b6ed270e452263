"""Fixtures for the subscriptions tests: plans, readers holding each kind of subscription, a
premium article whose every paragraph can be looked for, and the store's signing secret."""

import json
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.utils import timezone

from subscriptions.models import Plan, Subscription
from subscriptions.webhook import sign
from tests.factories import ArticleFactory, SectionFactory, UserFactory

WEBHOOK_SECRET = "whsec-test-0123456789abcdef"

# Each paragraph says which it is, so a test can tell exactly how much of the text a page shows.
PREMIUM_PARAGRAPHS = [
    "Opening paragraph: the council's auditor found a gap in the pension fund.",
    "Second paragraph: officials knew of the gap for two years.",
    "Third paragraph, for subscribers: the memo shows who signed off the accounts.",
    "Fourth paragraph, for subscribers: the treasurer resigned on Friday night.",
]
PREMIUM_BODY = "".join(f"<p>{text}</p>" for text in PREMIUM_PARAGRAPHS)
SUBSCRIBER_ONLY = PREMIUM_PARAGRAPHS[2:]


@pytest.fixture(autouse=True)
def subscription_settings(settings, jobs_run_at_once):
    """Queued mail is sent at once, rate limits start from zero, the webhook has a secret and
    metering is off unless a test turns it on."""
    settings.SUBSCRIPTIONS_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SUBSCRIPTIONS_WEBHOOK_TOLERANCE_SECONDS = 300
    settings.SUBSCRIPTIONS_METERING = False
    settings.SUBSCRIPTIONS_METERED_ARTICLES = 2
    settings.SUBSCRIPTIONS_REMINDER_DAYS = 7
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = ""
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def website_plan(db):
    return Plan.objects.create(
        name="Website", slug="website-monthly", price="8.00", currency="gbp", unlocks=Plan.Unlocks.WEBSITE
    )


@pytest.fixture
def magazine_plan(db):
    return Plan.objects.create(
        name="Magazine",
        slug="magazine-yearly",
        price="60.00",
        period=Plan.Period.YEAR,
        unlocks=Plan.Unlocks.MAGAZINE,
    )


def subscribe(user, plan, *, days_left=30, started_days_ago=10, **fields):
    now = timezone.now()
    return Subscription.objects.create(
        user=user,
        plan=plan,
        starts_at=now - timedelta(days=started_days_ago),
        ends_at=now + timedelta(days=days_left),
        **fields,
    )


def verified(user):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@pytest.fixture
def paying_subscriber(subscriber, website_plan):
    subscribe(subscriber, website_plan)
    return subscriber


@pytest.fixture
def magazine_reader(db, magazine_plan):
    user = UserFactory(email="magazine@example.org", display_name="Maggie Magazine")
    subscribe(user, magazine_plan)
    return user


@pytest.fixture
def lapsed_subscriber(db, website_plan):
    user = UserFactory(email="lapsed@example.org", display_name="Lee Lapsed")
    subscribe(user, website_plan, days_left=-3, started_days_ago=33)
    return user


@pytest.fixture
def premium_article(db):
    return ArticleFactory(
        headline="Pension fund gap hidden for two years",
        slug="pension-fund-gap",
        standfirst="An auditor's report the council did not publish.",
        body=PREMIUM_BODY,
        is_premium=True,
        section=SectionFactory(name="Investigations", slug="investigations"),
    )


@pytest.fixture
def free_article(db):
    return ArticleFactory(headline="Library opening hours extended", slug="library-hours", is_premium=False)


def signed_post(client, body, *, secret=WEBHOOK_SECRET, timestamp=None, header=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = header if header is not None else sign(raw, secret, int(timestamp or time.time()))
    return client.post(
        "/subscriptions/webhook/", data=raw, content_type="application/json", HTTP_STORE_SIGNATURE=signature
    )
