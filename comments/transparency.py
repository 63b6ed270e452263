"""The numbers of the public transparency report (Digital Services Act, Art. 15 and 24).

Four aggregate queries whatever the data: reports, notices, appeals, and the statements of
reasons (every removal, hold and suspension, with its rule and whether a person took it), each
grouped by local month in the database. Nothing is counted row by row in Python.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Aggregate, Count, DurationField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from comments.models import Appeal, Notice, Report, StatementOfReasons

Decision = StatementOfReasons.Decision
FIRST_YEAR = 2000


class Median(Aggregate):
    """PostgreSQL's continuous median; rows where the expression is NULL (not decided yet) are
    left out by the database, as every aggregate but COUNT(*) does."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class Period:
    first_month: date
    months: int
    label: str

    @property
    def month_starts(self):
        return [_add_months(self.first_month, n) for n in range(self.months)]

    @property
    def start(self):
        return timezone.make_aware(datetime.combine(self.first_month, time.min))

    @property
    def end(self):
        return timezone.make_aware(datetime.combine(_add_months(self.first_month, self.months), time.min))


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_twelve_months(today=None):
    today = today or timezone.localdate()
    first = _add_months(today.replace(day=1), -11)
    return Period(first, 12, "the last 12 months")


def period_for(year=None, half=None, today=None):
    """The period a report covers: a calendar year, or its first or second half; the last 12
    months when no year is asked for. None for a year we cannot report on."""
    today = today or timezone.localdate()
    if year is None:
        return last_twelve_months(today)
    if not FIRST_YEAR <= year <= today.year:
        return None
    if half in (1, 2):
        first = date(year, 1 if half == 1 else 7, 1)
        label = f"{'January to June' if half == 1 else 'July to December'} {year}"
        return Period(first, 6, label)
    return Period(date(year, 1, 1), 12, str(year))


@dataclass
class Month:
    start: date
    reports: int = 0
    reports_median: timedelta | None = None
    notices: int = 0
    notices_median: timedelta | None = None
    removals: int = 0
    holds: int = 0
    suspensions: int = 0
    automated: int = 0
    human: int = 0
    appeals: int = 0
    upheld: int = 0
    reinstated: int = 0
    appeals_median: timedelta | None = None
    removals_by_clause: dict = field(default_factory=dict)


@dataclass
class TransparencyReport:
    period: Period
    months: list
    clauses: list
    totals: Month


def build(period):
    """The report's rows, one per month of `period`, and a totals row."""
    start, end = period.start, period.end
    months = {month: Month(start=month) for month in period.month_starts}

    def grouped(queryset, date_field, **aggregates):
        rows = (
            queryset.filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
            .annotate(month=TruncMonth(date_field))
            .values("month")
            .annotate(**aggregates)
            .order_by()
        )
        return [(timezone.localtime(row["month"]).date(), row) for row in rows]

    for month, row in grouped(Report.objects, "created_at", count=Count("pk"),
                              median=Median(F("resolved_at") - F("created_at"))):  # fmt: skip
        months[month].reports, months[month].reports_median = row["count"], row["median"]
    for month, row in grouped(Notice.objects, "created_at", count=Count("pk"),
                              median=Median(F("decided_at") - F("created_at"))):  # fmt: skip
        months[month].notices, months[month].notices_median = row["count"], row["median"]
    for month, row in grouped(
        Appeal.objects,
        "created_at",
        count=Count("pk"),
        upheld=Count("pk", filter=Q(outcome=Appeal.Outcome.UPHELD)),
        reinstated=Count("pk", filter=Q(outcome=Appeal.Outcome.REINSTATED)),
        median=Median(F("decided_at") - F("created_at")),
    ):
        target = months[month]
        target.appeals, target.upheld, target.reinstated = row["count"], row["upheld"], row["reinstated"]
        target.appeals_median = row["median"]

    clauses = set()
    statements = (
        StatementOfReasons.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "decision", "automated", "clause__name")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in statements:
        target = months[timezone.localtime(row["month"]).date()]
        count = row["count"]
        if row["decision"] == Decision.REMOVED:
            target.removals += count
            name = row["clause__name"]
            target.removals_by_clause[name] = target.removals_by_clause.get(name, 0) + count
            clauses.add(name)
        elif row["decision"] == Decision.HELD:
            target.holds += count
        else:
            target.suspensions += count
        if row["automated"]:
            target.automated += count
        else:
            target.human += count

    ordered = [months[month] for month in period.month_starts]
    clauses = sorted(clauses)
    for month in ordered:
        month.clause_counts = [month.removals_by_clause.get(name, 0) for name in clauses]
    totals = Month(start=period.first_month)
    for name in ("reports", "notices", "removals", "holds", "suspensions", "automated", "human",
                 "appeals", "upheld", "reinstated"):  # fmt: skip
        setattr(totals, name, sum(getattr(month, name) for month in ordered))
    totals.clause_counts = [
        sum(month.removals_by_clause.get(name, 0) for month in ordered) for name in clauses
    ]
    return TransparencyReport(period=period, months=ordered, clauses=clauses, totals=totals)


def duration_words(value):
    """A median time to decision in words: "3 hours", "2 days", "under a minute"; "—" for none."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return "under a minute"
    if seconds < 3600:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 2 * 86400:
        hours = round(seconds / 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86400)
    return f"{days} days"
