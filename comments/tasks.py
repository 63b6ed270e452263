from newsroom.lib.mail import build_email
from newsroom.lib.tasks import retrying_task


@retrying_task()
def send_comment_email(template, context, to, headers=None):
    """Send one comment email (reply notice, removal notice, moderation alert, confirmation).

    Like newsroom.tasks.send_templated_email, plus headers, so a reply notice can carry
    List-Unsubscribe for one-click unfollow in mail clients. The context is JSON."""
    build_email(template, context, to=to, headers=headers).send()
