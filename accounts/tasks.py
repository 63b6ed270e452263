from datetime import timedelta

from django.conf import settings

from accounts.services import forget_old_login_history
from newsroom.lib.periodic import periodic_task


@periodic_task(every=timedelta(days=1))
def forget_old_logins():
    forget_old_login_history(older_than=timedelta(days=settings.ACCOUNTS_LOGIN_HISTORY_DAYS))
