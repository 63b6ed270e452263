"""Site furniture that staff edit in the admin and every page shows."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from newsroom.models import SisterPublication, SiteSettings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_the_footer_shows_defaults_before_anyone_edits_anything(client):
    SiteSettings.objects.all().delete()  # as on a database flushed after the migration
    html = client.get("/").content.decode()
    assert "subscriptions@example.com" in html
    assert "advertising@example.com" in html
    assert 'href="/newsletter/"' in html
    assert "Comment guidelines" in html
    assert SiteSettings.objects.count() == 1


def test_staff_edits_appear_in_the_footer_at_once(client):
    client.get("/")  # warm the cache with the old values
    settings_row = SiteSettings.load()
    settings_row.subscribe_email = "subs@ledger.example.org"
    settings_row.advertise_email = "ads@ledger.example.org"
    settings_row.comment_guidelines_url = "https://ledger.example.org/house-rules/"
    settings_row.newsletter_blurb = "Our morning briefing."
    settings_row.save()
    SisterPublication.objects.create(
        site_settings=settings_row, name="Mining Weekly", url="https://mining.example.org/"
    )
    html = client.get("/").content.decode()
    assert "subs@ledger.example.org" in html
    assert "ads@ledger.example.org" in html
    assert 'href="https://ledger.example.org/house-rules/">Comment guidelines' in html
    assert "Our morning briefing." in html
    assert '<a href="https://mining.example.org/">Mining Weekly</a>' in html


def test_there_is_only_ever_one_settings_row():
    first = SiteSettings.load()
    second = SiteSettings(about="Another")
    second.save()
    assert SiteSettings.objects.count() == 1
    assert second.pk == first.pk


@pytest.mark.parametrize("value", ["javascript:alert(1)", "//evil.example.com/", "not a link"])
def test_links_must_be_site_paths_or_web_addresses(value):
    row = SiteSettings.load()
    row.newsletter_url = value
    with pytest.raises(ValidationError):
        row.full_clean()


def test_staff_edit_the_settings_in_the_admin(client, superuser):
    client.force_login(superuser)
    listing = client.get("/admin/newsroom/sitesettings/")
    assert listing.status_code == 302
    form = client.get(listing["Location"])
    assert form.status_code == 200
    assert b"Sister publications" in form.content
