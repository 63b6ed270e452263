"""The clock's part in what readers see: a scheduled publish or withdrawal changes pages with no
save to announce it. Our own cached pages never outlive such a moment (newsroom/lib/pagecache.py:
lifetime), but a CDN's copies do until they are told, so this task looks for the moments that
have passed and announces them (newsroom/changes.py: scheduled_time_reached); so must the
WebSub hub, whose subscribers would otherwise not hear of a scheduled article until it next
changed."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from procrastinate.contrib.django import app

from articles.purging import scheduled_articles_between
from newsroom import changes
from newsroom.lib import purge, websub
from newsroom.lib.jobs import falls_due

# Where the periodic check remembers how far it has looked (shared by every worker).
SCHEDULE_CHECKED_KEY = "purge:schedule-checked-until"


def _anyone_to_tell():
    return purge.enabled() or websub.enabled()


def _schedule_interval():
    # Only caches outside the app and the WebSub hub need telling: without a purger or a hub
    # the task has nothing to do but forget where it had looked, once an hour.
    minutes = settings.CDN_PURGE_SCHEDULE_MINUTES if _anyone_to_tell() else 60
    return timedelta(minutes=max(minutes, 1))


def announce_due_scheduled_changes(now=None):
    """Announce the articles whose scheduled publish or withdrawal time has passed since the
    last look. Looking twice at the same moment only announces twice."""
    now = now or timezone.now()
    if not _anyone_to_tell():
        cache.delete(SCHEDULE_CHECKED_KEY)
        return
    since = cache.get(SCHEDULE_CHECKED_KEY) or now - 2 * _schedule_interval()
    changes.scheduled_time_reached(scheduled_articles_between(since, now))
    cache.set(SCHEDULE_CHECKED_KEY, now, timeout=None)


@app.periodic(cron="* * * * *")
@app.task(queueing_lock="announce_scheduled_changes")
def announce_scheduled_changes(timestamp):
    """Every CDN_PURGE_SCHEDULE_MINUTES (newsroom/lib/jobs.py: falls_due)."""
    if falls_due(timestamp, _schedule_interval()):
        announce_due_scheduled_changes()
