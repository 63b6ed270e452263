"""The front page as editors choose it: the home page's lead and top stories and each section's
lead, in order, each until an optional time; what is chosen is never repeated lower down; a
place whose story is gone, hidden or out of time shows the newest story again."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, FrontPage, FrontPageSlot
from newsroom import changes
from tests.admin_forms import submit_change_form
from tests.factories import ArticleFactory, SectionFactory
from tests.performance.query_counting import Newsroom, queries_for
from tests.performance.test_query_budgets import BUDGETS

pytestmark = pytest.mark.django_db


def home_regions(client):
    """The home page cut into what a reader sees: the lead, the top stories beside it, the
    latest list and the section blocks (all as HTML)."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    lead_at = html.index('aria-label="Top story"')
    latest_at = html.index('id="latest-heading"')
    top_at = html.find('aria-label="More top stories"', lead_at, latest_at)
    blocks_at = html.index('class="front__columns"')
    return {
        "lead": html[lead_at : top_at if top_at != -1 else latest_at],
        "top": html[top_at:latest_at] if top_at != -1 else "",
        "latest": html[latest_at:blocks_at],
        "blocks": html[blocks_at:],
    }


def home_page():
    return FrontPage.objects.get_or_create(section=None)[0]


def choose(page, place, article, expires_at=None):
    return FrontPageSlot.objects.create(page=page, position=place, article=article, expires_at=expires_at)


@pytest.fixture
def politics():
    return SectionFactory(name="Politics", slug="politics")


@pytest.fixture
def stories(politics):
    """Six published stories in one section, newest first: "Story 0" is the newest."""
    now = timezone.now()
    return [
        ArticleFactory(
            headline=f"Story {number}", section=politics, publish_at=now - timedelta(hours=number + 1)
        )
        for number in range(6)
    ]


def test_with_nothing_chosen_the_newest_story_leads_as_before(client, stories):
    regions = home_regions(client)

    assert "Story 0" in regions["lead"]
    assert "Story 1" in regions["top"]
    assert "Story 2" in regions["top"]


def test_the_chosen_lead_and_top_stories_show_in_their_places_and_nowhere_else(client, stories):
    page = home_page()
    choose(page, 1, stories[4])
    choose(page, 2, stories[5])
    choose(page, 3, stories[3])

    regions = home_regions(client)

    assert "Story 4" in regions["lead"]
    assert regions["top"].index("Story 5") < regions["top"].index("Story 3")
    for chosen in ("Story 3", "Story 4", "Story 5"):
        assert chosen not in regions["latest"], chosen
        assert chosen not in regions["blocks"], chosen
    # The newest stories fill the latest list; the block, with nothing older left, repeats them.
    assert "Story 0" in regions["latest"]
    assert "Story 0" in regions["blocks"]


def test_with_enough_stories_no_story_is_shown_twice_on_the_home_page(client, politics):
    now = timezone.now()
    for number in range(16):
        ArticleFactory(
            headline=f"Item {number:02d}", section=politics, publish_at=now - timedelta(hours=number + 1)
        )
    choose(home_page(), 2, Article.objects.get(headline="Item 15"))

    html = client.get("/").content.decode()

    headlines = re.findall(r"Item \d\d", html)
    assert len(headlines) == len(set(headlines)), sorted(headlines)
    regions = home_regions(client)
    assert "Item 15" in regions["top"]
    # The block goes on where the latest list stops.
    assert "Item 11" in regions["blocks"]


def test_an_empty_place_between_chosen_ones_takes_the_newest_story(client, stories):
    choose(home_page(), 3, stories[5])

    regions = home_regions(client)

    assert "Story 0" in regions["lead"]
    assert regions["top"].index("Story 1") < regions["top"].index("Story 5")
    assert "Story 5" not in regions["latest"]


def test_a_section_lead_opens_its_block_on_the_home_page(client, stories, politics):
    choose(FrontPage.objects.get_or_create(section=politics)[0], 1, stories[5])

    blocks = home_regions(client)["blocks"]

    assert blocks.index("Story 5") < min(
        blocks.index(f"Story {n}") for n in (1, 2, 3) if f"Story {n}" in blocks
    )
    assert blocks.count("Story 5<") == 1


def test_a_section_lead_is_not_repeated_in_the_latest_list(client, stories, politics):
    choose(FrontPage.objects.get_or_create(section=politics)[0], 1, stories[4])

    regions = home_regions(client)

    assert "Story 4" not in regions["latest"]
    assert regions["blocks"].count("Story 4<") == 1


def test_a_story_chosen_for_the_home_page_is_not_repeated_as_its_section_lead(client, stories, politics):
    choose(home_page(), 1, stories[5])
    choose(FrontPage.objects.get_or_create(section=politics)[0], 1, stories[5])

    regions = home_regions(client)

    assert "Story 5" in regions["lead"]
    assert "Story 5" not in regions["blocks"]


def test_an_expired_slot_is_ignored(client, stories):
    choose(home_page(), 1, stories[5], expires_at=timezone.now() - timedelta(minutes=1))

    regions = home_regions(client)

    assert "Story 0" in regions["lead"]
    assert "Story 5" not in regions["lead"] + regions["top"]


def test_a_deleted_article_leaves_its_place_to_the_newest(client, stories):
    choose(home_page(), 1, stories[5])
    stories[5].delete()

    regions = home_regions(client)

    assert "Story 0" in regions["lead"]
    assert not FrontPageSlot.objects.exists()


@pytest.mark.parametrize(
    "hide",
    [
        {"status": Article.Status.WITHDRAWN},
        {"status": Article.Status.DRAFT, "publish_at": None},
        {"withdraw_at": "past"},
        {"publish_at": "future"},
    ],
    ids=["withdrawn", "back to draft", "withdrawal time passed", "scheduled for later"],
)
def test_a_story_readers_cannot_see_is_never_shown_in_its_place(client, stories, hide):
    hidden = stories[5]
    choose(home_page(), 1, hidden)
    now = timezone.now()
    for field, value in hide.items():
        value = {"past": now - timedelta(minutes=1), "future": now + timedelta(hours=1)}.get(value, value)
        setattr(hidden, field, value)
    Article.objects.filter(pk=hidden.pk).update(**{field: getattr(hidden, field) for field in hide})

    html = client.get("/").content.decode()

    assert "Story 5" not in html
    assert "Story 0" in home_regions(client)["lead"]


def test_a_cached_home_page_does_not_outlive_a_slot(
    client, stories, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    ends = timezone.now() + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        choose(home_page(), 1, stories[5], expires_at=ends)
        changes.front_page_changed()
    client.get("/")
    cached = client.get("/")
    assert cached["X-Page-Cache"] == "hit"
    assert "Story 5" in home_regions(client)["lead"]

    with time_machine.travel(ends + timedelta(seconds=1)):
        regions = home_regions(client)

    assert "Story 0" in regions["lead"]
    assert "Story 5" not in regions["lead"]


def test_a_slot_expiry_counts_as_the_next_scheduled_change(stories):
    now = timezone.now()
    ends = now + timedelta(minutes=7)
    ArticleFactory(publish_at=now + timedelta(minutes=30))
    choose(home_page(), 1, stories[5], expires_at=ends)

    assert Article.objects.next_scheduled_change(now) == ends


def test_choosing_stories_keeps_the_home_page_query_budget(client):
    site = Newsroom()
    site.add(12)
    plain, _ = queries_for(client, "/")
    page = home_page()
    choose(page, 1, site.articles[10])
    choose(page, 2, site.articles[11], expires_at=timezone.now() + timedelta(hours=1))
    choose(FrontPage.objects.get_or_create(section=site.sections[1])[0], 1, site.articles[7])

    curated, sql = queries_for(client, "/")

    assert curated == plain, "\n".join(sql)
    assert curated <= BUDGETS["home"]


# The admin ------------------------------------------------------------------------------------


def slot_form(**rows):
    """The inline's fields for rows {index: (place, article, until)} of a new page's form."""
    data = {}
    for index, (place, article, until) in rows.items():
        data[f"slots-{index}-position"] = str(place)
        data[f"slots-{index}-article"] = str(article.pk) if article else ""
        data[f"slots-{index}-expires_at_0"] = until[0] if until else ""
        data[f"slots-{index}-expires_at_1"] = until[1] if until else ""
    return data


def change_url(page):
    return reverse("admin:articles_frontpage_change", args=[page.pk])


def test_an_editor_orders_the_home_page_in_the_admin_and_readers_see_it(
    client, editor, stories, django_capture_on_commit_callbacks
):
    page = home_page()
    home_regions(client)  # the home page and its choices are now kept in the cache

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            editor, change_url(page), **slot_form(**{"0": (1, stories[3], None), "1": (2, stories[4], None)})
        )

    assert response.status_code == 302, response.context and response.context["errors"]
    regions = home_regions(client)
    assert "Story 3" in regions["lead"]
    assert regions["top"].index("Story 4") < regions["top"].index("Story 0")


def test_swapping_two_chosen_stories_in_one_save_works(
    client, editor, stories, django_capture_on_commit_callbacks
):
    page = home_page()
    first, second = choose(page, 1, stories[3]), choose(page, 2, stories[4])

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            editor,
            change_url(page),
            **{"slots-0-article": str(stories[4].pk), "slots-1-article": str(stories[3].pk)},
        )

    assert response.status_code == 302, response.context["errors"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.article, second.article) == (stories[4], stories[3])
    assert "Story 4" in home_regions(client)["lead"]


def form_errors(response):
    assert response.status_code == 200, "the form was accepted"
    return response.content.decode()


def test_the_same_story_twice_is_refused_with_a_clear_message_and_nothing_lost(editor, stories):
    page = home_page()

    response = submit_change_form(
        editor, change_url(page), **slot_form(**{"0": (1, stories[3], None), "1": (2, stories[3], None)})
    )

    html = form_errors(response)
    assert "“Story 3” is already in another place on this page" in html
    assert not FrontPageSlot.objects.exists()
    # What the editor entered is still in the form.
    assert html.count(f'value="{stories[3].pk}" selected') + html.count("Story 3</option>") >= 1


def test_two_stories_in_one_place_are_refused(editor, stories):
    response = submit_change_form(
        editor,
        change_url(home_page()),
        **slot_form(**{"0": (2, stories[3], None), "1": (2, stories[4], None)}),
    )

    assert "Another story already has this place" in form_errors(response)
    assert not FrontPageSlot.objects.exists()


def test_a_story_readers_cannot_see_is_refused(editor, politics):
    draft = ArticleFactory(
        headline="Unfinished piece", status=Article.Status.DRAFT, publish_at=None, section=politics
    )

    response = submit_change_form(editor, change_url(home_page()), **slot_form(**{"0": (1, draft, None)}))

    assert "“Unfinished piece” is not published (draft)" in form_errors(response)


def test_an_end_time_in_the_past_is_refused(editor, stories):
    past = timezone.localtime(timezone.now() - timedelta(days=1))

    response = submit_change_form(
        editor,
        change_url(home_page()),
        **slot_form(**{"0": (1, stories[3], (past.strftime("%Y-%m-%d"), past.strftime("%H:%M:%S")))}),
    )

    assert "That time has already passed" in form_errors(response)


def test_a_section_lead_must_come_from_its_section(editor, politics):
    elsewhere = ArticleFactory(headline="Rates held", section=SectionFactory(name="Economy", slug="economy"))
    page = FrontPage.objects.get_or_create(section=politics)[0]

    response = submit_change_form(editor, change_url(page), **slot_form(**{"0": (1, elsewhere, None)}))

    assert "“Rates held” is not in Politics" in form_errors(response)


def test_the_changelist_shows_each_place_and_its_stories(client, editor, stories, politics):
    choose(home_page(), 1, stories[2])
    FrontPage.objects.get_or_create(section=politics)
    client.force_login(editor)

    html = client.get(reverse("admin:articles_frontpage_changelist")).content.decode()

    assert "Home page" in html
    assert "1. Story 2" in html
    assert "Politics lead" in html
    assert "None: the newest stories show." in html


def test_a_writer_cannot_open_or_change_the_front_page(client, writer, stories):
    page = home_page()
    client.force_login(writer)

    assert client.get(change_url(page)).status_code == 403
    response = client.post(change_url(page), {**slot_form(**{"0": (1, stories[3], None)}), "_save": "Save"})

    assert response.status_code == 403
    assert not FrontPageSlot.objects.exists()
