from django.utils import timezone
from procrastinate.contrib.django import app

from subscriptions import digest, services


# Every five minutes the worker looks whether the digest is due: it goes out at the first look
# after NEWSLETTER_DIGEST_TIME; looking again once it has gone does nothing.
@app.periodic(cron="*/5 * * * *")
@app.task(queueing_lock="send_due_digest")
def send_due_digest(timestamp=None):
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


@app.periodic(cron="7 * * * *")
@app.task(queueing_lock="send_subscription_reminders")
def send_subscription_reminders(timestamp=None):
    """Every hour: remind subscribers whose subscription ends soon, once per term."""
    return {"reminded": services.send_due_reminders(at=timezone.now())}
