"""The background jobs' admin pages (Procrastinate's own, read-only)."""

import pytest

from newsroom.tasks import send_templated_email

pytestmark = pytest.mark.django_db

JOBS = "/admin/procrastinate/procrastinatejob/"


@pytest.mark.parametrize(
    "query", ["status=bogus", "status__exact=bogus", "status__gte=1e9", "status__in=todo,bogus"]
)
def test_a_job_status_that_does_not_exist_is_refused_like_any_bad_filter(admin_client, query):
    response = admin_client.get(f"{JOBS}?{query}")

    assert response.status_code == 302
    assert response["Location"] == f"{JOBS}?e=1"
    # The request's transaction is still usable afterwards.
    assert admin_client.get(JOBS).status_code == 200


def test_staff_filter_the_jobs_by_a_real_status(admin_client):
    send_templated_email.defer(template="email/test", context={}, to=["reader@example.org"])

    waiting = admin_client.get(f"{JOBS}?status__exact=todo")
    failed = admin_client.get(f"{JOBS}?status__exact=failed")

    assert [job.task_name for job in waiting.context["cl"].result_list] == [
        "newsroom.tasks.send_templated_email"
    ]
    assert list(failed.context["cl"].result_list) == []
