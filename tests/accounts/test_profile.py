import pytest
from django.db import IntegrityError

from accounts import panels
from accounts.models import User, neutral_name
from tests.accounts import panel_providers
from tests.accounts.conftest import make_verified_reader


@pytest.mark.django_db
def test_the_account_page_asks_visitors_to_sign_in_first(client):
    response = client.get("/accounts/")

    assert response["Location"] == "/accounts/login/?next=/accounts/"


@pytest.mark.django_db
def test_a_reader_sets_a_display_name_and_a_short_bio(client, verified_reader):
    client.force_login(verified_reader)

    response = client.post(
        "/accounts/", {"display_name": "  Ada   Lovelace ", "bio": "Reads the council pages."}, follow=True
    )

    page = response.content.decode()
    assert "Your profile has been saved." in page
    assert "now <strong>Ada Lovelace</strong>" in page
    verified_reader.refresh_from_db()
    assert verified_reader.display_name == "Ada Lovelace"
    assert verified_reader.bio == "Reads the council pages."
    assert response["Cache-Control"].startswith("max-age=0")
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_display_name_another_reader_uses_is_refused_whatever_its_letter_case(client, verified_reader):
    make_verified_reader(email="bob@example.org", display_name="Bob Builder")
    client.force_login(verified_reader)

    response = client.post("/accounts/", {"display_name": "bob BUILDER", "bio": ""})

    page = response.content.decode()
    assert "“bob BUILDER” is already used by another reader. Please choose a different display name." in page
    assert 'aria-describedby="id_display_name_helptext id_display_name_error"' in page
    assert 'aria-invalid="true"' in page
    verified_reader.refresh_from_db()
    assert verified_reader.display_name == "Ada L."


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_display_name_too():
    make_verified_reader(email="bob@example.org", display_name="Bob Builder")
    make_verified_reader(email="cyd@example.org", display_name="Cyd")

    with pytest.raises(IntegrityError):
        User.objects.filter(email="cyd@example.org").update(display_name="BOB builder")


@pytest.mark.django_db
def test_many_readers_may_leave_their_display_name_blank(client, verified_reader):
    make_verified_reader(email="bob@example.org", display_name="")
    client.force_login(verified_reader)

    client.post("/accounts/", {"display_name": "", "bio": ""})

    verified_reader.refresh_from_db()
    assert verified_reader.display_name == ""
    assert verified_reader.public_name.startswith("Reader ")
    assert "ada" not in verified_reader.public_name.lower()


@pytest.mark.django_db
def test_nobody_can_take_a_name_that_looks_like_another_readers_neutral_name(client, verified_reader):
    someone = make_verified_reader(email="bob@example.org", display_name="")
    client.force_login(verified_reader)

    for name in (someone.public_name, someone.public_name.lower(), "Reader ZZZZZZ"):
        page = client.post("/accounts/", {"display_name": name, "bio": ""}).content.decode()
        assert "how we show readers without a display name" in page

    verified_reader.refresh_from_db()
    assert verified_reader.display_name == "Ada L."
    # One's own neutral name may be written out as a chosen name.
    own = neutral_name(verified_reader.pk)
    client.post("/accounts/", {"display_name": own, "bio": ""})
    verified_reader.refresh_from_db()
    assert verified_reader.display_name == own


@pytest.mark.django_db
def test_nobody_can_call_themselves_deleted_account(client, verified_reader):
    client.force_login(verified_reader)

    page = client.post("/accounts/", {"display_name": "Deleted Account", "bio": ""}).content.decode()

    assert "“Deleted Account” is what we show for accounts that have been deleted." in page


@pytest.mark.django_db
def test_the_account_page_links_to_email_password_data_and_deletion(client, verified_reader):
    client.force_login(verified_reader)

    page = client.get("/accounts/").content.decode()

    for link in ["/accounts/email/", "/accounts/password/change/", "/accounts/my-data/", "/accounts/delete/"]:
        assert f'href="{link}"' in page
    assert 'action="/accounts/logout/"' in page


@pytest.mark.django_db
def test_the_account_page_shows_only_the_sections_other_apps_provide(client, verified_reader, monkeypatch):
    client.force_login(verified_reader)
    monkeypatch.setattr(panels, "providers", [])
    assert 'id="panel-heading-' not in client.get("/accounts/").content.decode()

    panels.register(panel_providers.nothing_for_this_reader)
    panels.register(panel_providers.saved_searches_panel)
    panels.register(panel_providers.saved_searches_panel)  # a second ready() adds nothing
    page = client.get("/accounts/").content.decode()

    assert page.count('id="panel-heading-') == 1
    assert '<h2 id="panel-heading-1">Your saved searches</h2>' in page
    assert '<a href="/search/?q=council+budget">Council budget</a>' in page
