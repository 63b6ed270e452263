"""Bring every stored subscription date into the span the next migration enforces.

Before the webhook checked dates, the store could send one the app cannot show: year 9999 at
-14:00 was stored as year 10,000 in UTC, and from then on the reader's account page, their data
export, the premium text and the admin's list of subscriptions all failed on that row. Such a
date is moved to the nearest end of the span (1 January 2000 to the last second of 2100), which
keeps what it meant: a subscription "ending" in year 10,000 still runs for as long as anyone
will care, and one that "ended" before 2000 stays ended. The past versions kept by the history
are brought into the span too, so the admin's history page can show them.
"""

from datetime import UTC, datetime, timedelta

from django.db import migrations
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2101, 1, 1, tzinfo=UTC)  # exclusive
ONE_SECOND = timedelta(seconds=1)
LAST_SECOND = LATEST - ONE_SECOND


def outside(field):
    return Q(**{f"{field}__lt": EARLIEST}) | Q(**{f"{field}__gte": LATEST})


def clamp_dates(apps, schema_editor):
    # Filters and updates only: a date outside the span cannot even be read into Python.
    for model_name in ("Subscription", "HistoricalSubscription"):
        rows = apps.get_model("subscriptions", model_name).objects
        # The start and the end in one statement, so the end stays after the start (the
        # database checks that on every row it writes).
        rows.filter(outside("starts_at") | outside("ends_at")).update(
            ends_at=Least(Greatest(F("ends_at"), EARLIEST + ONE_SECOND), LAST_SECOND),
            starts_at=Least(
                Greatest(F("starts_at"), EARLIEST),
                Greatest(F("ends_at") - ONE_SECOND, EARLIEST),
                LAST_SECOND - ONE_SECOND,
            ),
        )
        # The end the last reminder was about moves as the end itself did, so a term
        # reminded of stays reminded of.
        rows.filter(reminded_for_end__lt=EARLIEST).update(reminded_for_end=EARLIEST + ONE_SECOND)
        rows.filter(reminded_for_end__gte=LATEST).update(reminded_for_end=LAST_SECOND)
        rows.filter(cancelled_at__lt=EARLIEST).update(cancelled_at=EARLIEST)
        rows.filter(cancelled_at__gte=LATEST).update(cancelled_at=LAST_SECOND)


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]

    operations = [migrations.RunPython(clamp_dates, migrations.RunPython.noop)]
