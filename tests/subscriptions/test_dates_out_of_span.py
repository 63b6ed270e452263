"""Subscription dates the app cannot show: the database refuses them now, and rows stored before
it did are brought back into the span by a migration, after which every page that reads them
answers again: the reader's account, their data export, the premium text, the admin."""

import importlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from subscriptions.models import EARLIEST_SUBSCRIPTION_DATE, LATEST_SUBSCRIPTION_DATE, Subscription
from subscriptions.services import renew_subscription, start_subscription
from tests.factories import UserFactory

from .conftest import subscribe

pytestmark = pytest.mark.django_db

clamp_dates = importlib.import_module("subscriptions.migrations.0002_clamp_subscription_dates").clamp_dates

DATE_FIELDS = ("starts_at", "ends_at", "cancelled_at", "reminded_for_end")
LAST_SECOND = LATEST_SUBSCRIPTION_DATE - timedelta(seconds=1)


def store_unchecked(subscription, **dates):
    """Write dates as the database held them before it checked them, into the subscription and
    every version of it in the history. The constraint comes back when the test's transaction
    is rolled back."""
    assignments = ", ".join(f"{field} = %s::timestamptz" for field in dates)
    with connection.cursor() as cursor:
        # The rows just made leave deferred foreign key checks, which ALTER TABLE waits for.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for field in DATE_FIELDS:
            cursor.execute(  # the names are the test's own, never input
                f"ALTER TABLE subscriptions_subscription DROP CONSTRAINT subscription_{field}_in_span"
            )
        for table in ("subscriptions_subscription", "subscriptions_historicalsubscription"):
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                [*dates.values(), subscription.pk],
            )


def admin_pages(subscription):
    """(url, whether the page shows this subscription) for each admin page that reads it."""
    return [
        ("/admin/subscriptions/subscription/", True),
        (f"/admin/subscriptions/subscription/{subscription.pk}/change/", True),
        (f"/admin/subscriptions/subscription/{subscription.pk}/history/", True),
        ("/admin/subscriptions/subscription/?current=active", None),
        ("/admin/subscriptions/subscription/?current=expired", None),
        ("/admin/subscriptions/subscription/?ends_at__year=2100", None),
        ("/admin/subscriptions/subscription/?ends_at__year=2000", None),
    ]


# Each as the store sent it, with the offset PostgreSQL applies on the way in.
OUT_OF_SPAN = [
    pytest.param({"ends_at": "9999-12-31T23:59:59-14:00"}, True, id="ends-year-9999-at-minus-14:00"),
    pytest.param({"ends_at": "275000-01-01T00:00:00Z", "reminded_for_end": "275000-01-01T00:00:00Z"}, True,
                 id="ends-and-reminded-year-275000"),
    pytest.param({"starts_at": "0001-01-01T00:00:00+14:00"}, True, id="starts-year-1-at-plus-14:00"),
    pytest.param({"starts_at": "0001-01-01T00:00:00+14:00", "ends_at": "0001-06-01T00:00:00Z"}, False,
                 id="starts-and-ends-before-year-1"),
    pytest.param({"starts_at": "10000-01-01T00:00:00Z", "ends_at": "10000-06-01T00:00:00Z"}, False,
                 id="starts-and-ends-in-year-10000"),
    pytest.param({"cancelled_at": "9999-12-31T23:00:00-14:00"}, True, id="cancelled-in-year-9999"),
]  # fmt: skip


@pytest.mark.parametrize(("dates", "still_current"), OUT_OF_SPAN)
def test_a_stored_date_out_of_span_is_brought_back_and_every_page_answers(
    client, superuser, website_plan, premium_article, dates, still_current
):
    reader = UserFactory(email="rita@example.org", verified=True)
    subscription = subscribe(reader, website_plan, store_reference="sub_far")
    store_unchecked(subscription, **dates)

    clamp_dates(apps, None)

    row = Subscription.objects.get(pk=subscription.pk)
    for field in DATE_FIELDS:
        moment = getattr(row, field)
        assert moment is None or EARLIEST_SUBSCRIPTION_DATE <= moment < LATEST_SUBSCRIPTION_DATE, field
    assert row.starts_at < row.ends_at
    assert row.is_current == still_current
    for version in row.history.all():
        assert EARLIEST_SUBSCRIPTION_DATE <= version.starts_at < version.ends_at < LATEST_SUBSCRIPTION_DATE

    client.force_login(reader)
    account = client.get("/accounts/")
    assert account.status_code == 200
    assert "Website" in account.content.decode()
    export = client.get("/accounts/my-data/")
    assert export.status_code == 200
    [exported] = json.loads(export.content)["subscriptions"]["subscriptions"]
    assert exported["store_reference"] == "sub_far"
    full_text = client.get(f"/subscriptions/article/{premium_article.pk}/full-text/")
    assert full_text.status_code == 200
    assert full_text["X-Paywall"] == ("open" if still_current else "closed")
    assert client.get(f"/subscriptions/article/{premium_article.pk}/read/").status_code == 200

    client.force_login(superuser)
    for url, shows_it in admin_pages(subscription):
        response = client.get(url)
        assert response.status_code == 200, url
        if shows_it:
            assert "rita@example.org" in response.content.decode(), url


def test_a_far_end_moves_to_the_last_second_of_2100_and_keeps_the_reminder_in_step(website_plan):
    subscription = subscribe(UserFactory(), website_plan)
    store_unchecked(
        subscription, ends_at="9999-12-31T23:59:59-14:00", reminded_for_end="9999-12-31T23:59:59-14:00"
    )

    clamp_dates(apps, None)

    subscription.refresh_from_db()
    assert subscription.ends_at == subscription.reminded_for_end == LAST_SECOND
    # Reminded for this term already: the sweep must not take the clamped end for a new term.
    assert not Subscription.objects.due_for_reminder(at=LAST_SECOND - timedelta(days=1)).exists()


@pytest.mark.parametrize(
    "dates",
    [
        {"ends_at": datetime(2101, 1, 1, tzinfo=UTC)},
        {"ends_at": datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)},
        {"starts_at": datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC)},
        {"starts_at": datetime(1, 1, 1, tzinfo=UTC)},
        {"cancelled_at": datetime(2101, 1, 1, tzinfo=UTC), "state": "cancelled"},
        {"reminded_for_end": datetime(1970, 1, 1, tzinfo=UTC)},
    ],
    ids=["2101", "9999", "1999", "year-1", "cancelled-2101", "reminded-1970"],
)
def test_the_database_refuses_a_date_out_of_span_whoever_writes_it(reader, website_plan, dates):
    now = datetime.now(UTC)
    fields = {"starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=30), **dates}

    with pytest.raises(ValidationError, match="must lie between the years 2000 and 2100"):
        Subscription(user=reader, plan=website_plan, **fields).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(user=reader, plan=website_plan, **fields)


def test_the_services_refuse_an_end_out_of_span_with_a_plain_reason(reader, website_plan):
    with pytest.raises(ValidationError, match="between the years 2000 and 2100"):
        start_subscription(user=reader, plan=website_plan, ends_at=datetime(2101, 6, 1, tzinfo=UTC))
    subscription = subscribe(reader, website_plan)

    with pytest.raises(ValidationError, match="between the years 2000 and 2100"):
        renew_subscription(subscription=subscription, ends_at=datetime(2200, 1, 1, tzinfo=UTC))

    subscription.refresh_from_db()
    assert subscription.ends_at < LATEST_SUBSCRIPTION_DATE


def test_the_admin_form_refuses_an_end_in_year_9999_with_a_message(client, superuser, reader, website_plan):
    client.force_login(superuser)

    response = client.post(
        "/admin/subscriptions/subscription/add/",
        {
            "user": reader.pk,
            "plan": website_plan.pk,
            "starts_at_0": "2026-11-01",
            "starts_at_1": "00:00:00",
            "ends_at_0": "9999-12-31",
            "ends_at_1": "23:59:59",
            "state": "active",
            "store_reference": "",
        },
    )

    assert response.status_code == 200
    assert "must lie between the years 2000 and 2100" in response.content.decode()
    assert not Subscription.objects.exists()
