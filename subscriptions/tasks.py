from django.utils import timezone
from procrastinate.contrib.django import app

from newsroom.lib.jobs import RETRY_WITH_BACK_OFF
from subscriptions import digest, services


# Every five minutes the worker looks whether the digest is due: it goes out at the first look
# after NEWSLETTER_DIGEST_TIME; looking again once it has gone does nothing.
@app.periodic(cron="*/5 * * * *")
@app.task(queueing_lock="send_due_digest")
def send_due_digest(timestamp=None):
    """Queue today's digest once its time has come, and on the weekly day the weekly issue
    after it (one job per batch); queue again the batches of either that still wait."""
    day = digest.digest_due()
    if day is None:
        return {"due": False}
    run = digest.send_digest(day)
    result = {"due": True, "run": run.pk if run else None}
    if digest.is_weekly_day(day):
        weekly = digest.send_digest(day, kind=digest.Kind.WEEKLY)
        result["weekly_run"] = weekly.pk if weekly else None
    return result


@app.task(retry=RETRY_WITH_BACK_OFF)
def send_digest_batch(issue_id, run_id, first_id, last_id):
    """Send one batch of an issue (deliveries first_id to last_id that still wait). Deferred by
    digest.send_digest with a lock and queueing lock named after the batch; a retry, or a run
    again after its worker died, sends only what is still waiting."""
    return {
        "sent": digest.send_queued_batch(issue_id=issue_id, run_id=run_id, first_id=first_id, last_id=last_id)
    }


@app.periodic(cron="7 * * * *")
@app.task(queueing_lock="send_subscription_reminders")
def send_subscription_reminders(timestamp=None):
    """Every hour: remind subscribers whose subscription ends soon, once per term."""
    return {"reminded": services.send_due_reminders(at=timezone.now())}
