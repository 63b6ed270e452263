from datetime import timedelta

from django.conf import settings

from newsroom.lib.periodic import periodic_task
from syndication.models import ImportRun
from syndication.services import import_feeds


def import_interval():
    return timedelta(minutes=settings.SYNDICATION_INTERVAL_MINUTES)


@periodic_task(every=import_interval)
def import_partner_feeds():
    """The scheduled import of every active partner feed; the next run is queued when it ends."""
    run = import_feeds(trigger=ImportRun.Trigger.SCHEDULE)
    return {"import_run": run.pk}
