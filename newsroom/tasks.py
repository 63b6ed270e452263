from newsroom.lib.mail import build_email
from newsroom.lib.tasks import retrying_task


@retrying_task()
def send_templated_email(template, context, to, reply_to=None):
    """Send one templated email. The context must be JSON (ids, strings, numbers), since the
    queue stores it; a retry after a mail-server failure sends it again, once."""
    build_email(template, context, to=to, reply_to=reply_to).send()
