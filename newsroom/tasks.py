from procrastinate.contrib.django import app

from newsroom.lib.jobs import RETRY_WITH_BACK_OFF
from newsroom.lib.mail import build_email

# A worker that stops sending heartbeats for this long is taken for dead (killed, out of
# memory, its machine gone); Procrastinate's workers beat every 10 s.
STALLED_AFTER_SECONDS = 30


@app.task(retry=RETRY_WITH_BACK_OFF)
def send_templated_email(template, context, to, reply_to=None):
    """Send one templated email. The context must be JSON (ids, strings, numbers), since the
    queue stores it; a retry after a mail-server failure sends it again, once."""
    build_email(template, context, to=to, reply_to=reply_to).send()


@app.periodic(cron="* * * * *")
@app.task(queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp):
    """Give back to the queue the jobs of workers that died mid-job (Procrastinate's documented
    recipe: a job stays "doing" for ever otherwise). Our jobs are idempotent, so running one
    again is safe; a live worker's jobs are never touched."""
    job_manager = context.app.job_manager
    stalled = await job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS)
    for job in stalled:
        await job_manager.retry_job(job)
    return {"retried": [job.id for job in stalled]}
