from datetime import timedelta

from django.conf import settings
from procrastinate.contrib.django import app

from accounts.services import forget_old_login_history


@app.periodic(cron="30 3 * * *")
@app.task(queueing_lock="forget_old_logins")
def forget_old_logins(timestamp):
    """Every night: login records older than ACCOUNTS_LOGIN_HISTORY_DAYS are deleted."""
    forget_old_login_history(older_than=timedelta(days=settings.ACCOUNTS_LOGIN_HISTORY_DAYS))
