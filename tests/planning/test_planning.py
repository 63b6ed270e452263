"""The story budget: planning a story (and what the form says when something is missing),
overdue stories, the day and week pages, a writer's assignments on the desk, who may change
what, and that no public page ever shows a planned story."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from planning.models import PlannedStory
from tests.factories import ArticleFactory, PlannedStoryFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:planning_plannedstory_add")
LIST_URL = reverse("admin:planning_plannedstory_changelist")
BUDGET_URL = reverse("admin:planning_plannedstory_budget")
Status = PlannedStory.Status


def change_url(story):
    return reverse("admin:planning_plannedstory_change", args=[story.pk])


def local(day, hour=12):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def today():
    return timezone.localdate()


def story_form(**overrides):
    due = timezone.localtime() + timedelta(days=1)
    data = {
        "slug_line": "Ferry strike talks",
        "desk": "",
        "assignee": "",
        "due_at_0": due.strftime("%Y-%m-%d"),
        "due_at_1": "16:00",
        "status": Status.IDEA,
        "notes": "Ring the union before noon; the ferry company after.",
        "article": "",
    }
    return data | overrides


# Planning a story -----------------------------------------------------------------------------


def test_a_story_with_no_desk_is_refused_with_a_plain_message_and_keeps_what_was_typed(client, editor):
    client.force_login(editor)

    response = client.post(ADD_URL, story_form())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose the desk this story belongs to." in html
    assert 'value="Ferry strike talks"' in html
    assert "Ring the union before noon; the ferry company after." in html
    assert not PlannedStory.objects.exists()


def test_an_assigned_story_without_a_writer_is_refused_with_a_plain_message(client, editor):
    desk = SectionFactory(name="Transport", slug="transport")
    client.force_login(editor)

    response = client.post(ADD_URL, story_form(desk=desk.pk, status=Status.ASSIGNED))

    assert "An assigned story needs a writer: choose who writes it." in response.content.decode()
    assert not PlannedStory.objects.exists()


def test_an_editor_plans_a_story_and_assigns_it_to_a_writer(client, editor, writer):
    desk = SectionFactory(name="Transport", slug="transport")
    client.force_login(editor)

    response = client.post(ADD_URL, story_form(desk=desk.pk, assignee=writer.pk, status=Status.ASSIGNED))

    assert response.status_code == 302
    story = PlannedStory.objects.get()
    assert (story.slug_line, story.desk, story.assignee, story.created_by) == (
        "Ferry strike talks", desk, writer, editor
    )  # fmt: skip
    assert timezone.localtime(story.due_at).hour == 16


def test_only_staff_with_a_writing_role_are_offered_as_writers(client, editor, writer, moderator, reader):
    client.force_login(editor)

    html = client.get(ADD_URL).content.decode()

    assert "Wendy Writer (writer@example.org)" in html
    assert "moderator@example.org" not in html
    assert "reader@example.org" not in html


# Overdue ---------------------------------------------------------------------------------------


def test_a_story_is_overdue_once_its_time_passes_until_it_is_edited():
    now = timezone.now()
    late_idea = PlannedStoryFactory(due_at=now - timedelta(hours=1), status=Status.IDEA)
    late_filed = PlannedStoryFactory(due_at=now - timedelta(hours=1), status=Status.FILED)
    PlannedStoryFactory(due_at=now - timedelta(hours=1), status=Status.EDITED)
    PlannedStoryFactory(due_at=now - timedelta(hours=1), status=Status.PUBLISHED)
    PlannedStoryFactory(due_at=now + timedelta(hours=1), status=Status.IDEA)

    assert set(PlannedStory.objects.overdue()) == {late_idea, late_filed}
    assert late_idea.is_overdue


def test_the_list_marks_overdue_stories_with_a_word_and_filters_them(client, editor):
    PlannedStoryFactory(slug_line="Late story", due_at=timezone.now() - timedelta(hours=2))
    PlannedStoryFactory(slug_line="Early story", due_at=timezone.now() + timedelta(hours=2))
    client.force_login(editor)

    everything = client.get(LIST_URL).content.decode()
    overdue_only = client.get(LIST_URL, {"deadline": "overdue"}).content.decode()

    assert '<strong class="planning-overdue">Overdue</strong>' in everything
    assert "On time" in everything
    assert "Late story" in overdue_only
    assert "Early story" not in overdue_only


# The budget page ------------------------------------------------------------------------------


def test_the_day_view_shows_that_day_by_desk_with_links_to_the_days_around_it(client, editor, writer):
    day = today() + timedelta(days=3)
    sport = SectionFactory(name="Sport", slug="sport", position=2)
    news = SectionFactory(name="News", slug="news", position=1)
    PlannedStoryFactory(slug_line="Cup final preview", desk=sport, due_at=local(day, 9))
    PlannedStoryFactory(
        slug_line="Bridge closure", desk=news, due_at=local(day, 15), assignee=writer, status=Status.ASSIGNED
    )
    PlannedStoryFactory(slug_line="Next day story", desk=news, due_at=local(day + timedelta(days=1)))
    client.force_login(editor)

    html = client.get(BUDGET_URL, {"date": day.isoformat()}).content.decode()

    assert "Cup final preview" in html
    assert "Bridge closure" in html
    assert "Wendy Writer" in html
    assert "Next day story" not in html
    # Desks in their navigation order, each with its stories.
    assert html.index("<h4>News</h4>") < html.index("Bridge closure") < html.index("<h4>Sport</h4>")
    assert html.index("<h4>Sport</h4>") < html.index("Cup final preview")
    assert f"?view=day&amp;date={(day - timedelta(days=1)).isoformat()}" in html
    assert f"?view=day&amp;date={(day + timedelta(days=1)).isoformat()}" in html


def test_the_week_view_shows_monday_to_sunday_grouped_by_day(client, editor):
    monday = today() - timedelta(days=today().weekday()) + timedelta(days=7)
    desk = SectionFactory(name="Business", slug="business")
    PlannedStoryFactory(slug_line="Monday markets", desk=desk, due_at=local(monday, 10))
    PlannedStoryFactory(slug_line="Sunday profile", desk=desk, due_at=local(monday + timedelta(days=6), 20))
    PlannedStoryFactory(slug_line="Following Monday", desk=desk, due_at=local(monday + timedelta(days=7), 10))
    client.force_login(editor)

    # Any day of the week shows the whole week.
    html = client.get(
        BUDGET_URL, {"view": "week", "date": (monday + timedelta(days=3)).isoformat()}
    ).content.decode()

    assert "Monday markets" in html
    assert "Sunday profile" in html
    assert "Following Monday" not in html
    assert html.index(monday.strftime("%A %-d %B</h3>")) < html.index("Monday markets")
    assert html.index("Monday markets") < html.index((monday + timedelta(days=6)).strftime("%A %-d %B</h3>"))
    assert html.count("Nothing planned.") == 5
    assert f"?view=week&amp;date={(monday + timedelta(days=7)).isoformat()}" in html
    assert f"?view=week&amp;date={(monday - timedelta(days=7)).isoformat()}" in html


@pytest.mark.parametrize(
    "query",
    [
        {"date": "next tuesday"},
        {"date": "2026-02-30"},
        {"date": "99999-01-01"},
        {"date": "0001-01-01", "view": "week"},
        {"date": "9999-12-31", "view": "week"},
        {"view": "fortnight"},
    ],
)
def test_an_address_the_budget_cannot_read_shows_today_with_a_note(client, editor, query):
    PlannedStoryFactory(slug_line="Today's story", due_at=local(today(), 12))
    client.force_login(editor)

    response = client.get(BUDGET_URL, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "here is today" in html or "here is a day" in html
    assert "Today's story" in html or "Today&#x27;s story" in html


def test_the_budget_is_linked_from_the_list_of_planned_stories(client, editor):
    client.force_login(editor)

    assert f'href="{BUDGET_URL}"' in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("reader", "login"),
        ("writer", "ok"),
        ("editor", "ok"),
        ("chief_editor", "ok"),
        ("moderator", "denied"),
        ("superuser", "ok"),
    ],
)
def test_the_budget_page_is_for_the_newsroom_only(client, request, persona, expected):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(BUDGET_URL)

    outcome = {200: "ok", 403: "denied"}.get(response.status_code)
    if response.status_code == 302 and response["Location"].startswith(reverse("admin:login")):
        outcome = "login"
    assert outcome == expected


# A writer's assignments ---------------------------------------------------------------------


def test_a_writer_finds_their_open_assignments_on_the_desk_with_the_late_ones_marked(
    client, writer, other_writer
):
    PlannedStoryFactory(
        slug_line="Late one",
        assignee=writer,
        status=Status.ASSIGNED,
        due_at=timezone.now() - timedelta(hours=1),
    )
    PlannedStoryFactory(slug_line="Coming up", assignee=writer, status=Status.ASSIGNED)
    PlannedStoryFactory(slug_line="Already edited", assignee=writer, status=Status.EDITED)
    PlannedStoryFactory(slug_line="Someone else's", assignee=other_writer, status=Status.ASSIGNED)
    client.force_login(writer)

    html = client.get(reverse("admin:index")).content.decode()

    assert "My assignments</a> (2)" in html
    assert "Late one" in html
    assert "Coming up" in html
    assert html.count('class="planning-overdue">Overdue</strong>') == 1
    assert "Already edited" not in html
    assert "Someone else" not in html
    assert f'href="{LIST_URL}?mine=yes"' in html
    mine = client.get(LIST_URL, {"mine": "yes"}).content.decode()
    assert "Coming up" in mine
    assert "Someone else" not in mine


def test_the_desk_costs_the_same_queries_however_many_assignments(client, writer):
    PlannedStoryFactory(assignee=writer, status=Status.ASSIGNED)
    client.force_login(writer)
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("admin:index"))
    for _ in range(10):
        PlannedStoryFactory(assignee=writer, status=Status.ASSIGNED, desk=SectionFactory())
    with CaptureQueriesContext(connection) as eleven:
        html = client.get(reverse("admin:index")).content.decode()

    assert "My assignments</a> (11)" in html
    assert len(eleven) == len(one)


def test_a_writer_files_their_assignment_and_links_their_article(client, writer):
    story = PlannedStoryFactory(slug_line="Ferry strike talks", assignee=writer, status=Status.ASSIGNED)
    article = ArticleFactory(created_by=writer, status=Article.Status.DRAFT, publish_at=None)
    client.force_login(writer)

    response = client.post(
        change_url(story),
        {
            "status": Status.FILED,
            "notes": "Filed with two quotes.",
            "article": article.pk,
            "slug_line": "Renamed",
        },
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.status, story.notes, story.article) == (Status.FILED, "Filed with two quotes.", article)
    assert story.slug_line == "Ferry strike talks"  # the desk's words, not the writer's to change


def test_a_writer_may_not_mark_a_story_published_nor_link_someone_elses_article(client, writer, other_writer):
    story = PlannedStoryFactory(assignee=writer, status=Status.ASSIGNED)
    their_article = ArticleFactory(created_by=other_writer)
    client.force_login(writer)

    response = client.post(
        change_url(story), {"status": Status.PUBLISHED, "notes": "", "article": their_article.pk}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    story.refresh_from_db()
    assert (story.status, story.article) == (Status.ASSIGNED, None)


def test_a_writer_reads_but_cannot_change_someone_elses_assignment(client, writer, other_writer):
    story = PlannedStoryFactory(assignee=other_writer, status=Status.ASSIGNED, notes="Their notes.")
    client.force_login(writer)

    page = client.get(change_url(story))
    refused = client.post(change_url(story), {"status": Status.FILED, "notes": "Mine now."})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    story.refresh_from_db()
    assert (story.status, story.notes) == (Status.ASSIGNED, "Their notes.")


# Never on the public site -----------------------------------------------------------------------


def test_no_public_page_shows_a_planned_story(client):
    desk = SectionFactory(name="Politics", slug="politics")
    ArticleFactory(section=desk, headline="Council approves harbour budget")
    PlannedStoryFactory(slug_line="Zanzibar quango exclusive", desk=desk, notes="Embargoed tip-off.")
    PlannedStoryFactory(
        slug_line="Zanzibar second angle",
        desk=desk,
        status=Status.PUBLISHED,
        article=ArticleFactory(section=desk, headline="Harbour chief resigns"),
    )

    # The search page repeats what was asked, so it is asked for the slug-line's other word.
    for url in ["/", "/politics/", "/search/?q=quango", "/feed/", "/politics/feed/", "/sitemap.xml",
                "/news-sitemap.xml"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert b"Zanzibar" not in body, url
        assert b"tip-off" not in body, url


def test_an_editor_deletes_a_story_but_a_writer_cannot_delete_their_own(client, editor, writer):
    story = PlannedStoryFactory(assignee=writer, status=Status.ASSIGNED)
    delete_url = reverse("admin:planning_plannedstory_delete", args=[story.pk])

    client.force_login(writer)
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.force_login(editor)
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not PlannedStory.objects.exists()


def test_a_writers_account_can_be_deleted_with_an_assigned_story():
    leaver = UserFactory(roles=["Writer"])
    story = PlannedStoryFactory(assignee=leaver, status=Status.ASSIGNED)

    leaver.delete()

    story.refresh_from_db()
    assert story.assignee is None
