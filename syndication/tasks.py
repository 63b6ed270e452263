from datetime import timedelta

from django.conf import settings
from procrastinate.contrib.django import app

from newsroom.lib.jobs import falls_due
from syndication.models import ImportRun
from syndication.services import import_feeds


def import_interval():
    return timedelta(minutes=settings.SYNDICATION_INTERVAL_MINUTES)


@app.periodic(cron="* * * * *")
@app.task(queueing_lock="import_partner_feeds")
def import_partner_feeds(timestamp):
    """The scheduled import of every active partner feed, every SYNDICATION_INTERVAL_MINUTES
    (newsroom/lib/jobs.py: falls_due). A run that fails is not retried: the next one is."""
    if not falls_due(timestamp, import_interval()):
        return {"import_run": None}
    run = import_feeds(trigger=ImportRun.Trigger.SCHEDULE)
    return {"import_run": run.pk}
