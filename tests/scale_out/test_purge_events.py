"""When an article changes, the configured CDN purger is handed exactly the URLs that show it:
the article, the home page, its section, tags, authors and source (with their feeds), the site
feeds and the sitemaps. The purge runs after commit, in a task. Changes are made as editors
make them: in the admin, or through the editorial and comment services."""

from datetime import timedelta

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.utils import timezone

from articles import services
from articles.tasks import announce_due_scheduled_changes, announce_scheduled_changes
from comments import services as comment_services
from comments.models import Comment, ModerationReason
from tests.articles.editorial_helpers import article_form, change_url
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory
from tests.jobs import schedule_of
from tests.scale_out.recording import RecordingPurger

SITE = "http://127.0.0.1:8000"
PERIODIC = "articles.tasks.announce_scheduled_changes"
SITE_WIDE = {"/", "/feed/", "/feed/atom/", "/sitemap.xml", "/sitemap-articles.xml", "/news-sitemap.xml"}


@pytest.fixture
def purged(settings, django_capture_on_commit_callbacks, jobs_run_at_once):
    """Run an action, commit, and return the set of paths the purger was given."""
    settings.CDN_PURGER = "tests.scale_out.recording.RecordingPurger"
    settings.SITE_URL = SITE

    def run(action):
        RecordingPurger.calls.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        urls = {url for call in RecordingPurger.calls for url in call}
        assert all(url.startswith(SITE) for url in urls), urls
        return {url.removeprefix(SITE) for url in urls}

    return run


def article_on_every_listing():
    """A published article in Transport, by one author, tagged, from a partner source."""
    return ArticleFactory(
        headline="Night buses return",
        slug="night-buses-return",
        section=SectionFactory(name="Transport", slug="transport"),
        authors=[AuthorFactory(name="Tess Reporter", slug="tess-reporter")],
        source=SourceFactory(name="Metro Wire", slug="metro-wire"),
        tags=["buses"],
    )


@pytest.fixture
def story(db):
    return article_on_every_listing()


@pytest.fixture
def edit_in_admin(client, editor):
    """Save the article's admin form with `fields` changed, as an editor's "Save" does."""
    client.force_login(editor)

    def edit(article, **fields):
        data = article_form(article, tags=list(article.tags.all()), **fields)
        response = client.post(change_url(article), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        article.refresh_from_db()

    return edit


def edit_admin_form(client, model_name, obj, **fields):
    """Post an admin change form for a section or an author with `fields` changed."""
    values = model_to_dict(obj, exclude=["photo"])
    data = {key: "" if value is None else value for key, value in values.items()}
    data.update(fields)
    response = client.post(f"/admin/{obj._meta.app_label}/{model_name}/{obj.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def every_page_of(article):
    return SITE_WIDE | {
        article.get_absolute_url(),
        "/transport/", "/transport/feed/", "/transport/feed/atom/", "/sitemap-sections.xml",
        "/tags/buses/", "/tags/buses/feed/", "/tags/buses/feed/atom/", "/sitemap-tags.xml",
        "/authors/tess-reporter/", "/authors/tess-reporter/feed/", "/authors/tess-reporter/feed/atom/",
        "/sitemap-authors.xml",
        "/sources/metro-wire/", "/sources/metro-wire/feed/", "/sources/metro-wire/feed/atom/",
    }  # fmt: skip


def test_editing_a_published_article_purges_every_page_that_shows_it(story, purged, edit_in_admin):
    urls = purged(lambda: edit_in_admin(story, headline="Night buses return on Friday"))

    assert urls == every_page_of(story)


def test_moving_an_article_purges_its_old_address_as_well(story, purged, edit_in_admin):
    old_address = story.get_absolute_url()

    urls = purged(lambda: edit_in_admin(story, slug="night-buses-are-back"))
    assert old_address in urls
    assert story.get_absolute_url() in urls


def test_publishing_purges_the_new_article_and_its_listings(db, editor, purged):
    draft = ArticleFactory(status="draft", publish_at=None, section=SectionFactory(slug="health"))

    urls = purged(lambda: services.publish_article(article=draft, by=editor))

    assert draft.get_absolute_url() in urls
    assert {"/", "/health/", "/health/feed/"} <= urls


def test_withdrawing_purges_the_article_and_its_listings(story, editor, purged):
    urls = purged(lambda: services.withdraw_article(article=story, by=editor))

    assert urls == every_page_of(story)


def test_editing_a_draft_or_a_scheduled_article_purges_nothing(db, purged, edit_in_admin):
    draft = ArticleFactory(status="draft", publish_at=None)
    scheduled = ArticleFactory(publish_at=timezone.now() + timedelta(hours=3))

    def edit():
        for article in (draft, scheduled):
            edit_in_admin(article, headline="Still being written")

    assert purged(edit) == set()


def test_a_scheduled_article_is_purged_once_its_time_has_passed(db, purged, settings):
    publish_at = timezone.now() + timedelta(minutes=30)
    scheduled = ArticleFactory(publish_at=publish_at, section=SectionFactory(slug="weather"))
    # The first look remembers how far it has looked; nothing is due yet.
    assert purged(announce_due_scheduled_changes) == set()

    with time_machine.travel(publish_at + timedelta(seconds=20)):
        urls = purged(announce_due_scheduled_changes)

    assert scheduled.get_absolute_url() in urls
    assert {"/", "/weather/"} <= urls


def test_a_scheduled_withdrawal_is_purged_once_its_time_has_passed(story, editor, purged):
    withdraw_at = timezone.now() + timedelta(minutes=10)
    services.withdraw_article(article=story, by=editor, at=withdraw_at)
    purged(announce_due_scheduled_changes)

    with time_machine.travel(withdraw_at + timedelta(seconds=20)):
        urls = purged(announce_due_scheduled_changes)

    assert urls == every_page_of(story)


def test_approving_or_removing_a_comment_purges_the_article_page(story, moderator, purged):
    comment = Comment(
        article=story, content_object=story, site_id=1, user=moderator, comment="Good news.", is_public=False
    )
    comment.save()
    # The seeded reasons may or may not be there, depending on what ran before in this database.
    reason, _ = ModerationReason.objects.get_or_create(
        slug="spam", defaults={"name": "Spam", "description": "Advertising."}
    )

    approved = purged(lambda: comment_services.approve_comment(comment=comment, by=moderator))
    removed = purged(lambda: comment_services.remove_comment(comment=comment, by=moderator, reason=reason))

    assert approved == removed == {story.get_absolute_url()}


def test_editing_a_section_purges_its_pages_and_the_home_page(story, purged, client, editor):
    client.force_login(editor)

    urls = purged(lambda: edit_admin_form(client, "section", story.section, name="Transport and roads"))

    assert urls == {
        "/", "/transport/", "/transport/feed/", "/transport/feed/atom/", "/sitemap-sections.xml",
    }  # fmt: skip


def test_editing_an_author_purges_their_page_and_their_articles(story, purged, client, editor):
    client.force_login(editor)
    author = story.authors.get()

    urls = purged(lambda: edit_admin_form(client, "author", author, name="Tess Q. Reporter"))

    assert urls == {
        "/authors/tess-reporter/", "/authors/tess-reporter/feed/", "/authors/tess-reporter/feed/atom/",
        "/sitemap-authors.xml", story.get_absolute_url(),
    }  # fmt: skip


def test_without_a_purger_nothing_is_queued(
    story, settings, edit_in_admin, django_capture_on_commit_callbacks
):
    settings.CDN_PURGER = ""
    RecordingPurger.calls.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        edit_in_admin(story, headline="Night buses return next week")

    assert RecordingPurger.calls == []
    assert all("purge" not in repr(callback) for callback in callbacks)


# Minutes since the epoch, as the worker's schedule passes them: one on the hour, one not.
ON_THE_HOUR = 1_800_000_000
A_MINUTE_PAST = ON_THE_HOUR + 60


def test_the_worker_looks_for_scheduled_changes_every_minute_when_purging_else_hourly(settings, monkeypatch):
    looks = []
    monkeypatch.setattr("articles.tasks.announce_due_scheduled_changes", lambda: looks.append(True))
    assert schedule_of(PERIODIC) == "* * * * *"

    settings.CDN_PURGER = "tests.scale_out.recording.RecordingPurger"
    announce_scheduled_changes(timestamp=A_MINUTE_PAST)
    assert len(looks) == 1

    settings.CDN_PURGER = ""
    announce_scheduled_changes(timestamp=A_MINUTE_PAST)
    assert len(looks) == 1
    announce_scheduled_changes(timestamp=ON_THE_HOUR)
    assert len(looks) == 2
