"""The demo's story budget for `manage.py seed_demo`: a week of planned stories around today,
some ideas, some assigned to the demo writer (one of them late), one filed and linked to its
article, so the desk's "My assignments" and the budget page have something to show."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from articles.models import Article
from planning.models import PlannedStory

Status = PlannedStory.Status

# days from today, hour due, desk slug, slug-line, status, for the writer?, notes
PLANS = [
    (-1, 16, "news", "ferry timetable cuts", Status.ASSIGNED, True,
     "Which crossings lose their evening sailings, and what the islands' councils say."),
    (0, 12, "politics", "levy amendment vote", Status.ASSIGNED, True,
     "Who voted which way on the farm exemption; a short explainer box on the threshold."),
    (0, 17, "news", "harbour wall inquiry", Status.IDEA, False,
     "Is the inquiry's report due this week? Ask the clerk's office."),
    (1, 10, "politics", "coalition whip interview", Status.IDEA, False,
     "Request sent on Monday; no reply yet."),
    (2, 15, "news", "school posts advertised", Status.ASSIGNED, True,
     "Follow up the budget: how many of the 900 posts are advertised, and where."),
    (4, 9, "politics", "assembly week ahead", Status.IDEA, False, "The usual Friday preview."),
]  # fmt: skip
FILED_SLUG_LINE = "budget vote live"


def seed_demo_planning(*, users, sections, tally, out):
    out("The story budget...")
    if PlannedStory.objects.exists():
        tally.record("planned stories", False)
        return
    writer, editor = users["writer@example.com"], users["editor@example.com"]
    today = timezone.localdate()
    for days, hour, desk, slug_line, status, for_writer, notes in PLANS:
        due = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour)))
        PlannedStory.objects.create(
            slug_line=slug_line,
            desk=sections[desk],
            assignee=writer if for_writer else None,
            due_at=due,
            status=status,
            notes=notes,
            created_by=editor,
        )
        tally.record("planned stories", True)
    # The live page, planned this morning and now running: the budget links to it.
    live_page = Article.objects.filter(slug="assembly-budget-vote-live").first()
    PlannedStory.objects.create(
        slug_line=FILED_SLUG_LINE,
        desk=sections["politics"],
        assignee=editor,
        due_at=timezone.now().replace(minute=0, second=0, microsecond=0),
        status=Status.PUBLISHED if live_page else Status.ASSIGNED,
        article=live_page,
        created_by=editor,
    )
    tally.record("planned stories", True)
