from datetime import timedelta

from django.utils import timezone

from newsroom.lib.periodic import periodic_task
from subscriptions import digest, services

# How often the worker looks whether work is due. The digest goes out at the first look after
# NEWSLETTER_DIGEST_TIME; looking again once it has gone does nothing.
DIGEST_CHECK_EVERY = timedelta(minutes=5)
REMINDER_SWEEP_EVERY = timedelta(hours=1)


@periodic_task(every=DIGEST_CHECK_EVERY)
def send_due_digest():
    """Send today's digest once its time has come, and on the weekly day the weekly issue
    after it; resume either if a run stopped part-way."""
    day = digest.digest_due()
    if day is None:
        return {"due": False}
    run = digest.send_digest(day)
    result = {"due": True, "run": run.pk if run else None}
    if digest.is_weekly_day(day):
        weekly = digest.send_digest(day, kind=digest.Kind.WEEKLY)
        result["weekly_run"] = weekly.pk if weekly else None
    return result


@periodic_task(every=REMINDER_SWEEP_EVERY)
def send_subscription_reminders():
    """Remind subscribers whose subscription ends soon, once per term."""
    return {"reminded": services.send_due_reminders(at=timezone.now())}
