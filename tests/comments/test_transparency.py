"""The public transparency report: per month, reports, notices, removals by rule, automated and
human decisions, appeals and their outcomes, and median times to decide, in a fixed number of
queries however much there is to count."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import dsa, services
from comments.models import Appeal, Notice, Report
from comments.statements import record_statement
from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

REPORT = "/comments/transparency/"
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def may_2026():
    with time_machine.travel(NOW, tick=False):
        yield


def row(html, table, month):
    """The cells of one month's row of one table, as text."""
    start = html.index(f'id="transparency-{table}"')
    body = html[start : html.index("</table>", start)]
    at = body.index(f'<th scope="row">{month}</th>')
    cells = body[at : body.index("</tr>", at)].split("<td>")[1:]
    return [cell.split("</td>")[0] for cell in cells]


def activity(reasons, moderator, second_moderator, n=1):
    """n of each kind of decision this month: a report decided in two hours, a notice, a
    removal appealed and reinstated, a removal appealed and upheld, and an automatic hold."""
    for _ in range(n):
        comment = CommentFactory()
        report = Report.objects.create(comment=comment, reporter=UserFactory(), reason=reasons["spam"])
        Report.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - timedelta(hours=2), resolved_at=timezone.now()
        )
        Notice.objects.create(
            comment=comment, location="http://127.0.0.1:8000/", name="N", email="n@example.org",
            legal_ground="Law", explanation="Why", good_faith=True,
        )  # fmt: skip
        for outcome, reason in (("reinstate", reasons["abuse"]), ("uphold", reasons["spam"])):
            removed = CommentFactory()
            services.remove_comment(comment=removed, by=moderator, reason=reason)
            statement = dsa.removal_statement(comment=removed, user=removed.user)
            appeal = dsa.file_appeal(statement=statement, by=removed.user, text="Please.")
            dsa.decide_appeal(
                appeal=appeal, by=second_moderator, reinstate=outcome == "reinstate", note="Why."
            )
        held = CommentFactory()
        record_statement(decision="held", user=held.user, address="", held_by_check="links", comment=held)


@pytest.fixture
def second_moderator(db):
    from accounts.roles import MODERATOR

    return UserFactory(email="mia@example.org", roles=[MODERATOR])


def test_the_report_counts_this_months_decisions(client, reasons, moderator, second_moderator):
    activity(reasons, moderator, second_moderator)

    html = client.get(REPORT).content.decode()

    # Reports, median to decide one, notices, median, removals, holds, suspensions, automated, human.
    assert row(html, "decisions", "May 2026") == ["1", "2 hours", "1", "—", "2", "1", "0", "1", "2"]
    assert row(html, "decisions", "April 2026") == ["0", "—", "0", "—", "0", "0", "0", "0", "0"]
    assert row(html, "appeals", "May 2026") == ["2", "1", "1", "under a minute"]
    assert row(html, "clauses", "May 2026") == ["1", "1"]  # Abuse, Spam
    # The last twelve months.
    assert "June 2025" in html
    assert "June 2026" not in html
    assert 'href="/comments/guidelines/"' in html


def test_a_half_year_can_be_chosen_and_a_year_we_cannot_report_on_is_explained(client):
    html = client.get(REPORT + "?year=2025&half=2").content.decode()
    assert "July to December 2025" in html
    assert "December 2025" in html
    assert "June 2025" not in html

    html = client.get(REPORT + "?year=1999").content.decode()
    assert "We have no report for that year" in html


def test_the_report_costs_the_same_few_queries_with_much_more_to_count(
    client, reasons, moderator, second_moderator
):
    activity(reasons, moderator, second_moderator, n=1)
    client.get(REPORT)  # the kept site rows (settings, sections) are read once
    with CaptureQueriesContext(connection) as few:
        client.get(REPORT)

    activity(reasons, moderator, second_moderator, n=6)
    with CaptureQueriesContext(connection) as many:
        client.get(REPORT)

    assert len(many) == len(few)
    # Reports, notices, appeals and statements: one aggregate query each.
    assert len(few) == 4, [query["sql"] for query in few.captured_queries]
    assert Appeal.objects.count() == 14
