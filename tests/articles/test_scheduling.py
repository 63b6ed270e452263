"""Scheduled publishing and withdrawal need no job: the clock alone moves an article in and
out of what readers see, on its page and on the listings."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import services
from tests.articles.editorial_helpers import article_form, change_url, follow_messages
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return SectionFactory(name="Harbour", slug="harbour")


def test_a_scheduled_article_is_hidden_before_its_time_and_shown_after(client, editor, section):
    publish_at = timezone.now() + timedelta(hours=3)
    article = ArticleFactory(headline="Harbour reopens", section=section, status="draft", publish_at=None)
    services.publish_article(article=article, by=editor, at=publish_at)

    with time_machine.travel(publish_at - timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "Harbour reopens" not in client.get("/").content.decode()
        assert "Harbour reopens" not in client.get(section.get_absolute_url()).content.decode()

    with time_machine.travel(publish_at + timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Harbour reopens" in client.get("/").content.decode()
        assert "Harbour reopens" in client.get(section.get_absolute_url()).content.decode()


def test_a_scheduled_withdrawal_takes_the_article_down_at_its_time(client, editor, section):
    article = ArticleFactory(headline="Ferry timetable", section=section)
    withdraw_at = timezone.now() + timedelta(days=1)
    services.withdraw_article(article=article, by=editor, at=withdraw_at)

    with time_machine.travel(withdraw_at - timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Ferry timetable" in client.get(section.get_absolute_url()).content.decode()

    with time_machine.travel(withdraw_at + timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "Ferry timetable" not in client.get(section.get_absolute_url()).content.decode()


def test_the_admin_labels_follow_the_clock(editor, section):
    publish_at = timezone.now() + timedelta(hours=1)
    article = ArticleFactory(
        section=section, publish_at=publish_at, withdraw_at=publish_at + timedelta(hours=1)
    )

    with time_machine.travel(publish_at - timedelta(minutes=1)):
        assert article.state_label == "Scheduled"
    with time_machine.travel(publish_at + timedelta(minutes=1)):
        assert article.state_label == "Published"
    with time_machine.travel(publish_at + timedelta(hours=1, minutes=1)):
        assert article.state_label == "Withdrawn"


def test_an_editor_schedules_a_withdrawal_by_setting_its_time_in_the_form(client, editor, section):
    article = ArticleFactory(headline="Road closure notice", section=section)
    withdraw_at = (timezone.now() + timedelta(hours=6)).replace(microsecond=0)
    client.force_login(editor)

    response = client.post(
        change_url(article), article_form(article, withdraw_at=withdraw_at) | {"_save_draft": "Save changes"}
    )
    follow_messages(client, response)
    client.logout()

    with time_machine.travel(withdraw_at - timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
    with time_machine.travel(withdraw_at + timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 404
