"""The story budget page: which day or week to show, read from the address, and what is due
in it, grouped by day and then by desk.

The address is typed and bookmarked by people, so anything it holds that cannot be read
falls back to today's page with a note saying so, never an error page.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.utils import timezone

from planning.models import PlannedStory, week_start

DAY, WEEK = "day", "week"
# Far enough either way for any real plan; outside it the page falls back to today, so the
# previous and next links can never step past what a date can hold.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


@dataclass
class BudgetPage:
    view: str
    first_day: date
    days: list = field(default_factory=list)  # [(day, [(desk, [stories])])]
    problem: str = ""
    count: int = 0

    @property
    def last_day(self):
        return self.first_day + timedelta(days=len(self.days) - 1)

    @property
    def step(self):
        return timedelta(days=7 if self.view == WEEK else 1)

    @property
    def previous_day(self):
        return self.first_day - self.step

    @property
    def next_day(self):
        return self.first_day + self.step

    @property
    def other_view(self):
        return DAY if self.view == WEEK else WEEK


def _chosen_day(raw, today):
    """(day, problem): the day asked for, or today with a note saying why."""
    if not raw:
        return today, ""
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return (
            today,
            f"“{raw[:40]}” is not a date this page can read (try {today:%Y-%m-%d}), so here is today.",
        )
    if not EARLIEST <= day <= LATEST:
        return (
            today,
            f"The budget covers {EARLIEST.year} to {LATEST.year}, so here is today, not {day:%Y-%m-%d}.",
        )
    return day, ""


def budget_page(query):
    today = timezone.localdate()
    view = query.get("view", DAY)
    problem = ""
    if view not in (DAY, WEEK):
        view, problem = DAY, "The budget shows a day or a week; here is a day."
    day, date_problem = _chosen_day(query.get("date", ""), today)
    problem = " ".join(filter(None, [problem, date_problem]))

    if view == WEEK:
        first_day, length = week_start(day), 7
    else:
        first_day, length = day, 1
    stories = list(PlannedStory.objects.between(first_day, length).for_budget())

    by_day = {
        when: list(items)
        for when, items in groupby(stories, key=lambda story: timezone.localdate(story.due_at))
    }
    days = []
    for offset in range(length):
        when = first_day + timedelta(days=offset)
        todays = sorted(by_day.get(when, []), key=lambda s: (s.desk.position, s.desk.name, s.due_at, s.pk))
        desks = [(desk, list(items)) for desk, items in groupby(todays, key=lambda s: s.desk)]
        days.append((when, desks))
    return BudgetPage(view=view, first_day=first_day, days=days, problem=problem, count=len(stories))
