"""Reader-visible dates: an article whose text was edited or corrected after publication says
"Updated" with the time, and its structured data and meta tags give exactly that time; a fresh
article, or one only moved through the workflow, says nothing of the kind. Every `datetime`
attribute on the site is one HTML accepts (at most three digits of a second's fraction)."""

import importlib
import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone
from django.utils.dateformat import format as date_format

from articles.models import Article, Correction
from articles.services import add_correction, withdraw_article
from newsroom.lib.timestamps import machine_datetime
from tests.articles.editorial_helpers import article_form, change_url
from tests.factories import ArticleFactory, CommentFactory, CorrectionFactory, SectionFactory

pytestmark = pytest.mark.django_db

UPDATED = re.compile(r'Updated <time datetime="([^"]+)">([^<]+)</time>')
JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)
MODIFIED_META = re.compile(r'<meta property="article:modified_time" content="([^"]+)">')
# A valid HTML date or global date and time string, with at most three fractional digits.
HTML_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$")
DATETIME_ATTRIBUTE = re.compile(r'<time[^>]*\bdatetime="([^"]*)"')


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def structured(html):
    return json.loads(JSON_LD.search(html).group(1))


def shown_time(moment):
    return date_format(timezone.localtime(moment), "j F Y, H:i")


@pytest.fixture
def article():
    # Published an hour ago: past the few minutes in which slips are fixed unannounced. With
    # microseconds, as every time the database records has.
    return ArticleFactory(
        headline="Council delays the budget vote",
        section=SectionFactory(slug="politics"),
        publish_at=timezone.now().replace(microsecond=123456) - timedelta(hours=1),
    )


def reloaded(article):
    return Article.objects.get(pk=article.pk)


def test_a_fresh_article_shows_only_its_publication_time(client, article):
    html = page_of(client, article)

    assert "Updated" not in html
    assert not MODIFIED_META.search(html)
    data = structured(html)
    assert data["dateModified"] == data["datePublished"] == machine_datetime(article.publish_at)


def test_an_edit_of_the_text_after_publication_shows_updated_and_the_same_time_everywhere(client, article):
    story = reloaded(article)
    story.body += "<p>The mayor has since said she will not resign.</p>"
    story.save()

    html = page_of(client, story)
    story.refresh_from_db()
    assert story.revised_at is not None
    found = UPDATED.search(html)
    assert found, "no Updated on the page"
    assert found.group(2) == shown_time(story.revised_at)
    assert found.group(1) == machine_datetime(story.revised_at)
    # The visible time, the meta tag and the structured data agree to the character.
    assert MODIFIED_META.search(html).group(1) == found.group(1)
    assert structured(html)["dateModified"] == found.group(1)


def test_an_editor_saving_a_new_headline_in_the_admin_shows_updated(client, article, editor):
    client.force_login(editor)
    story = reloaded(article)
    response = client.post(
        change_url(story), article_form(story, headline="Council delays the budget vote again")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()

    html = page_of(client, reloaded(article))
    assert "Council delays the budget vote again" in html
    assert UPDATED.search(html)


def test_a_slip_fixed_in_the_first_minutes_after_publication_is_not_announced(client):
    just_out = ArticleFactory(publish_at=timezone.now() - timedelta(minutes=2))
    story = reloaded(just_out)
    story.headline = "Council delays the budget vote (typo fixed)"
    story.save()

    assert "Updated" not in page_of(client, story)


def test_the_same_edit_six_minutes_after_publication_is_announced(client):
    published = timezone.now()
    just_out = ArticleFactory(publish_at=published)
    with time_machine.travel(published + timedelta(minutes=6)):
        story = reloaded(just_out)
        story.headline = "Council delays the budget vote, again"
        story.save()

    assert UPDATED.search(page_of(client, story))


def test_workflow_steps_and_settings_that_readers_do_not_read_do_not_say_updated(client, article, editor):
    story = reloaded(article)
    withdraw_article(article=story, by=editor, at=timezone.now() + timedelta(days=7))
    story = reloaded(article)
    story.comments_open = False
    story.seo_title = "Budget vote delayed"
    story.save()
    story.refresh_from_db()

    assert story.updated_at - story.first_published_at > timedelta(minutes=5)
    html = page_of(client, story)
    assert "Updated" not in html
    assert structured(html)["dateModified"] == machine_datetime(story.publish_at)


def test_a_published_correction_shows_updated_at_its_time_though_the_article_was_not_saved(
    client, article, editor
):
    saved_at = reloaded(article).updated_at
    correction = add_correction(article=article, text="The vote is on Thursday, not Tuesday.", by=editor)

    story = reloaded(article)
    assert story.updated_at == saved_at  # the article row itself was not written
    html = page_of(client, story)
    found = UPDATED.search(html)
    assert found, "a correction did not show Updated"
    assert found.group(1) == machine_datetime(correction.published_at)
    assert structured(html)["dateModified"] == found.group(1)
    assert "The vote is on Thursday, not Tuesday." in html


def test_an_older_correction_never_moves_the_updated_time_back(article):
    story = reloaded(article)
    story.body += "<p>A late paragraph.</p>"
    story.save()
    edited_at = reloaded(article).revised_at

    CorrectionFactory(article=article, published_at=edited_at - timedelta(minutes=20))

    assert reloaded(article).revised_at == edited_at


def test_the_atom_feed_gives_the_same_updated_time(client, article, editor):
    correction = add_correction(article=article, text="The vote is on Thursday.", by=editor)

    feed = client.get("/feed/atom/").content.decode()

    entry = feed[feed.index("<entry>") :]
    updated = datetime.fromisoformat(re.search(r"<updated>([^<]+)</updated>", entry).group(1))
    assert abs(updated - correction.published_at) < timedelta(seconds=1)
    assert updated > article.publish_at + timedelta(minutes=30)


def test_existing_articles_keep_the_updated_time_they_showed_before(article):
    """The migration that introduced the field: corrections and late saves carry over."""
    corrected = ArticleFactory()
    Article.objects.filter(pk=corrected.pk).update(updated_at=corrected.first_published_at)
    correction_time = timezone.now() - timedelta(minutes=30)
    Correction.objects.bulk_create(
        [Correction(article=corrected, text="Fixed.", published_at=correction_time)]
    )
    late_save = timezone.now() - timedelta(minutes=10)
    Article.objects.filter(pk=article.pk).update(updated_at=late_save, revised_at=None)
    untouched = ArticleFactory()
    Article.objects.filter(pk=untouched.pk).update(updated_at=untouched.first_published_at)

    migration = importlib.import_module("articles.migrations.0009_article_revised_at")
    migration.keep_what_readers_were_shown(apps, None)

    assert reloaded(corrected).revised_at == correction_time
    assert reloaded(article).revised_at == late_save
    assert reloaded(untouched).revised_at is None


# Every <time> on the site ----------------------------------------------------------------------


def test_every_datetime_attribute_on_reader_pages_has_at_most_millisecond_precision(client, article, editor):
    add_correction(article=article, text="The vote is on Thursday.", by=editor)
    CommentFactory(article=article)
    pages = [
        article.get_absolute_url(),
        "/",
        "/politics/",
        "/corrections/",
        "/search/?q=budget",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        values = DATETIME_ATTRIBUTE.findall(response.content.decode())
        assert values, f"no <time datetime> on {url}"
        # Publication, "Updated", the correction, the comment, and the masthead's date.
        assert url != article.get_absolute_url() or len(values) >= 3, values
        bad = [value for value in values if not HTML_DATETIME.match(value)]
        assert bad == [], f"{url}: {bad}"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-05-03T13:02:07.123456+00:00", "2026-05-03T14:02:07.123+01:00"),
        ("2026-05-03T13:02:07+00:00", "2026-05-03T14:02:07+01:00"),
        ("2026-01-03T13:02:07.500000+00:00", "2026-01-03T13:02:07.500+00:00"),
    ],
)
def test_machine_times_are_in_the_site_time_zone_to_the_millisecond(moment, expected):
    assert machine_datetime(datetime.fromisoformat(moment)) == expected
    assert machine_datetime(None) == ""
