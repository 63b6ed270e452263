from procrastinate.contrib.django import app

from newsroom.lib.jobs import RETRY_WITH_BACK_OFF
from newsroom.lib.mail import build_email


@app.task(retry=RETRY_WITH_BACK_OFF)
def send_comment_email(template, context, to, headers=None):
    """Send one comment email (reply notice, removal notice, moderation alert, confirmation).

    Like newsroom.tasks.send_templated_email, plus headers, so a reply notice can carry
    List-Unsubscribe for one-click unfollow in mail clients. The context is JSON."""
    build_email(template, context, to=to, headers=headers).send()
