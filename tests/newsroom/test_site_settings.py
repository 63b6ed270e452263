"""Site furniture that staff edit in the admin and every page shows."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from comments.models import CommentPolicy, Guidelines
from enquiries.models import RateCard
from newsroom.models import SiteSettings
from tests.admin_forms import submit_change_form
from tests.factories import singleton_row

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_footer_shows_defaults_before_anyone_edits_anything_and_the_page_writes_nothing(client):
    SiteSettings.objects.all().delete()  # as on a database flushed after the migration
    html = client.get("/").content.decode()
    assert "subscriptions@example.com" in html
    assert "advertising@example.com" in html
    assert 'href="/newsletter/"' in html
    assert "Comment guidelines" in html
    assert not SiteSettings.objects.exists()


@pytest.mark.parametrize(
    ("model", "admin_path"),
    [
        (SiteSettings, "/admin/newsroom/sitesettings/"),
        (CommentPolicy, "/admin/comments/commentpolicy/"),
        (Guidelines, "/admin/comments/guidelines/"),
        (RateCard, "/admin/enquiries/ratecard/"),
    ],
)
def test_a_missing_singleton_is_made_by_the_admins_first_save(client, superuser, model, admin_path):
    model.objects.all().delete()
    client.force_login(superuser)

    listing = client.get(admin_path)

    assert listing.status_code == 302
    assert listing["Location"] == f"{admin_path}add/"
    assert client.get(listing["Location"]).status_code == 200
    assert not model.objects.exists()


def test_pages_read_the_singletons_from_the_cache_until_the_admin_saves(
    client, superuser, django_capture_on_commit_callbacks, django_assert_num_queries
):
    card = singleton_row(RateCard)
    card.intro = "<p>Old introduction.</p>"
    card.save()
    assert "Old introduction." in client.get("/advertise/").content.decode()
    singletons = (SiteSettings, CommentPolicy, Guidelines, RateCard)
    first = [model.current() for model in singletons]
    with django_assert_num_queries(0):
        assert [model.current() for model in singletons] == first

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            superuser,
            reverse("admin:enquiries_ratecard_change", args=[card.pk]),
            intro="<p>New introduction.</p>",
        )
    assert response.status_code == 302, response.content.decode()[:3000]

    assert "New introduction." in client.get("/advertise/").content.decode()


def test_after_the_cache_is_emptied_pages_read_the_row_again(client):
    # A restarted Redis forgets the generation numbers: the process must not take its own
    # copy of the row, read under an earlier number, for the current one.
    settings_row = singleton_row(SiteSettings)
    assert "subscriptions@example.com" in client.get("/").content.decode()
    SiteSettings.objects.filter(pk=settings_row.pk).update(subscribe_email="subs@ledger.example.org")

    cache.clear()

    assert "subs@ledger.example.org" in client.get("/").content.decode()


def test_staff_edits_appear_in_the_footer_at_once(client, superuser, django_capture_on_commit_callbacks):
    client.get("/")  # warm the cache with the old values
    settings_row = singleton_row(SiteSettings)
    new_row = settings_row.sister_publications.count()  # the inline's blank row

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            superuser,
            reverse("admin:newsroom_sitesettings_change", args=[settings_row.pk]),
            subscribe_email="subs@ledger.example.org",
            advertise_email="ads@ledger.example.org",
            comment_guidelines_url="https://ledger.example.org/house-rules/",
            newsletter_blurb="Our morning briefing.",
            **{
                f"sister_publications-{new_row}-name": "Mining Weekly",
                f"sister_publications-{new_row}-url": "https://mining.example.org/",
                f"sister_publications-{new_row}-position": "0",
            },
        )

    assert response.status_code == 302, response.content.decode()[:3000]
    html = client.get("/").content.decode()
    assert "subs@ledger.example.org" in html
    assert "ads@ledger.example.org" in html
    assert 'href="https://ledger.example.org/house-rules/">Comment guidelines' in html
    assert "Our morning briefing." in html
    assert '<a href="https://mining.example.org/">Mining Weekly</a>' in html


def test_there_is_only_ever_one_settings_row():
    first = singleton_row(SiteSettings)
    second = SiteSettings(about="Another")
    second.save()
    assert SiteSettings.objects.count() == 1
    assert second.pk == first.pk


@pytest.mark.parametrize("value", ["javascript:alert(1)", "//evil.example.com/", "not a link"])
def test_links_must_be_site_paths_or_web_addresses(value):
    row = singleton_row(SiteSettings)
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
