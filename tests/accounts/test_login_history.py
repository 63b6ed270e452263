import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.tasks import forget_old_logins
from tests.accounts.conftest import sign_in
from tests.jobs import schedule_of


@pytest.mark.django_db
def test_sign_ins_older_than_the_retention_period_are_forgotten(client, verified_reader, settings):
    long_ago = timezone.now() - timedelta(days=settings.ACCOUNTS_LOGIN_HISTORY_DAYS + 1)
    with time_machine.travel(long_ago):
        sign_in(client, "ada@example.org", REMOTE_ADDR="198.51.100.1")
    client.logout()
    sign_in(client, "ada@example.org", REMOTE_ADDR="198.51.100.2")

    forget_old_logins(timestamp=int(timezone.now().timestamp()))

    data = json.loads(client.get("/accounts/my-data/").content)
    assert [login["ip_address"] for login in data["login_history"]] == ["198.51.100.2"]


def test_forgetting_old_sign_ins_runs_every_night():
    assert schedule_of("accounts.tasks.forget_old_logins") == "30 3 * * *"
