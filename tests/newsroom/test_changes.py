"""Each event of newsroom/changes.py runs exactly its listeners, after commit: the generation it
names moves and no other, and the CDN purger (when one is configured) is handed the pages
concerned. The pages themselves are checked in tests/performance/ and tests/scale_out/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom import changes
from newsroom.lib.generations import article_generation, site_generation
from tests.factories import ArticleFactory
from tests.scale_out.recording import RecordingPurger
from tests.scale_out.test_purge_events import article_on_every_listing

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def purging(settings, jobs_run_at_once):
    settings.CDN_PURGER = "tests.scale_out.recording.RecordingPurger"
    settings.SITE_URL = SITE
    RecordingPurger.calls.clear()


@pytest.fixture
def story():
    return article_on_every_listing()


@pytest.fixture
def announce(story, django_capture_on_commit_callbacks):
    """Run an announcement and report what followed it: (site generation moved, the story's
    generation moved, paths handed to the purger). Nothing may happen before the commit."""

    def run(action):
        site, article = site_generation(), article_generation(story.pk)
        with django_capture_on_commit_callbacks(execute=True):
            action()
            assert (site_generation(), article_generation(story.pk)) == (site, article), "before commit"
            assert RecordingPurger.calls == [], "purged before commit"
        paths = {url.removeprefix(SITE) for call in RecordingPurger.calls for url in call}
        return site_generation() > site, article_generation(story.pk) > article, paths

    return run


def test_article_published_moves_the_site_and_purges_its_pages(story, announce, purging):
    site, article, paths = announce(lambda: changes.article_published(story))

    assert (site, article) == (True, False)
    assert {story.get_absolute_url(), "/", "/transport/", "/tags/buses/", "/authors/tess-reporter/"} <= paths


def test_article_edited_purges_where_it_was_as_well_as_where_it_is(story, announce, purging):
    shown_before = changes.visible_urls(story)
    old_address = story.get_absolute_url()
    story.slug = "night-buses-are-back"
    story.save()

    site, article, paths = announce(lambda: changes.article_edited(story, shown_before=shown_before))

    assert (site, article) == (True, False)
    assert {old_address, story.get_absolute_url(), "/", "/transport/"} <= paths


def test_article_withdrawn_purges_the_pages_that_showed_it(story, announce, purging):
    shown_before = changes.visible_urls(story)
    story.status = story.Status.WITHDRAWN
    story.save()

    site, article, paths = announce(lambda: changes.article_withdrawn(story, shown_before=shown_before))

    assert (site, article) == (True, False)
    assert paths == shown_before - {SITE}
    assert story.get_absolute_url() in paths


def test_scheduled_time_reached_only_tells_the_caches_outside(story, announce, purging):
    site, article, paths = announce(lambda: changes.scheduled_time_reached([story]))

    assert (site, article) == (False, False)  # our pages never outlive the moment anyway
    assert {story.get_absolute_url(), "/", "/transport/"} <= paths


def test_comments_changed_moves_only_the_articles_generation_and_purges_its_page(story, announce, purging):
    site, article, paths = announce(lambda: changes.comments_changed(story.pk))

    assert (site, article) == (False, True)
    assert paths == {story.get_absolute_url()}


def test_live_entry_changed_moves_only_the_articles_generation_and_purges_its_page(story, announce, purging):
    site, article, paths = announce(lambda: changes.live_entry_changed(story.pk))

    assert (site, article) == (False, True)
    assert paths == {story.get_absolute_url()}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("section", {"/", "/transport/", "/transport/feed/", "/transport/feed/atom/",
                     "/sitemap-sections.xml"}),
        ("source", {"/sources/metro-wire/", "/sources/metro-wire/feed/", "/sources/metro-wire/feed/atom/"}),
        ("author", {"/authors/tess-reporter/", "/authors/tess-reporter/feed/",
                    "/authors/tess-reporter/feed/atom/", "/sitemap-authors.xml", "article"}),
    ],
)  # fmt: skip
def test_section_source_and_author_changes_move_the_site_and_purge_their_pages(
    story, announce, purging, event, expected
):
    action = {
        "section": lambda: changes.section_changed(story.section),
        "source": lambda: changes.source_changed(story.source),
        "author": lambda: changes.author_changed(story.authors.get()),
    }[event]

    site, article, paths = announce(action)

    assert (site, article) == (True, False)
    assert paths == {story.get_absolute_url() if path == "article" else path for path in expected}


@pytest.mark.parametrize("event", [changes.furniture_changed, changes.everything_changed])
def test_furniture_and_bulk_changes_move_the_site_and_purge_nothing(announce, purging, event):
    site, article, paths = announce(event)

    assert (site, article) == (True, False)
    assert paths == set()


@pytest.mark.parametrize("section", [False, True], ids=["home page", "a section's lead"])
def test_front_page_changed_moves_the_site_and_purges_the_home_page_alone(
    story, announce, purging, django_assert_num_queries, section
):
    # The home page and its section blocks are kept under the site generation; the section's
    # own page lists newest first and does not change, nor does any article's generation.
    with django_assert_num_queries(0):
        site, article, paths = announce(
            lambda: changes.front_page_changed(story.section if section else None)
        )

    assert (site, article) == (True, False)
    assert paths == {"/"}


def test_a_draft_or_a_scheduled_article_moves_the_site_but_purges_nothing(announce, purging):
    draft = ArticleFactory(status="draft", publish_at=None)
    scheduled = ArticleFactory(publish_at=timezone.now() + timedelta(hours=2))

    def edit_both():
        for article in (draft, scheduled):
            changes.article_edited(article, shown_before=changes.visible_urls(article))

    site, article, paths = announce(edit_both)

    assert (site, article) == (True, False)  # the next scheduled change may have moved
    assert paths == set()


def test_without_a_purger_events_queue_nothing_and_read_no_urls(
    story, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.CDN_PURGER = ""

    with django_assert_num_queries(0), django_capture_on_commit_callbacks() as callbacks:
        changes.article_edited(story, shown_before=changes.visible_urls(story))
        changes.comments_changed(story.pk)

    # The two generations and the edited article's search words, nothing else.
    assert len(callbacks) == 3
