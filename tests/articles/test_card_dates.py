"""A card's date is the day in the site's time zone (Europe/London), not in UTC."""

from datetime import UTC, datetime

import pytest

from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_a_card_published_late_on_a_summer_evening_shows_the_next_day_in_london(client):
    section = SectionFactory(name="Politics", slug="politics")
    ArticleFactory(section=section, publish_at=datetime(2026, 6, 30, 23, 30, 5, 250000, tzinfo=UTC))

    page = client.get("/politics/").content.decode()

    assert '<time datetime="2026-07-01T00:30:05.250+01:00">1 Jul 2026</time>' in page


def test_a_card_in_winter_shows_greenwich_time(client):
    section = SectionFactory(name="Politics", slug="politics")
    ArticleFactory(section=section, publish_at=datetime(2026, 12, 7, 9, 5, tzinfo=UTC))

    page = client.get("/politics/").content.decode()

    assert '<time datetime="2026-12-07T09:05:00+00:00">7 Dec 2026</time>' in page
