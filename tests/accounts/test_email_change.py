import pytest
from django.core import mail

from accounts.models import User
from tests.accounts.conftest import assert_is_ours, comparable, link_paths, make_verified_reader, sign_in


def ask_to_change(client, new_address):
    return client.post("/accounts/email/", {"email": new_address, "action_add": ""}, follow=True)


@pytest.mark.django_db
def test_a_new_address_replaces_the_old_one_only_once_its_link_is_followed(client, verified_reader):
    client.force_login(verified_reader)

    page = ask_to_change(client, "ada.new@example.org").content.decode()

    assert "which is waiting for you to follow the link we emailed to it" in page
    [message] = mail.outbox
    assert message.to == ["ada.new@example.org"]
    assert_is_ours(message, "Confirm your email address")
    verified_reader.refresh_from_db()
    assert verified_reader.email == "ada@example.org"
    assert verified_reader.has_verified_email

    [confirm_path] = link_paths(message)
    client.post(confirm_path)

    verified_reader.refresh_from_db()
    assert verified_reader.email == "ada.new@example.org"
    assert verified_reader.has_verified_email
    notice = mail.outbox[-1]
    assert notice.to == ["ada@example.org"]
    assert_is_ours(notice, "Your email address has been changed")
    assert "now uses ada.new@example.org instead of ada@example.org" in notice.body

    client.logout()
    assert sign_in(client, "ada.new@example.org")["Location"] == "/accounts/"


@pytest.mark.django_db
def test_asking_for_an_address_another_account_uses_looks_like_any_other_request(client, verified_reader):
    owner = make_verified_reader(email="bob@example.org", display_name="Bob")
    cyd = make_verified_reader(email="cyd@example.org", display_name="Cyd")
    client.force_login(verified_reader)
    free = ask_to_change(client, "free@example.org")
    client.force_login(cyd)
    taken = ask_to_change(client, "bob@example.org")

    def normalised(page, own, asked):
        return page.replace(own, "OWN@example.org").replace(asked, "ASKED@example.org")

    assert normalised(comparable(taken), "cyd@example.org", "bob@example.org") == normalised(
        comparable(free), "ada@example.org", "free@example.org"
    )
    assert [message.subject for message in mail.outbox] == [mail.outbox[0].subject] * 2

    # Following the link cannot take the address from its owner.
    outcome = client.post(link_paths(mail.outbox[-1])[0], follow=True)
    assert (
        "We could not confirm bob@example.org: another account already uses it." in outcome.content.decode()
    )
    cyd.refresh_from_db()
    assert cyd.email == "cyd@example.org"
    assert User.objects.get(pk=owner.pk).email == "bob@example.org"


@pytest.mark.django_db
def test_a_pending_change_can_be_cancelled(client, verified_reader):
    client.force_login(verified_reader)
    ask_to_change(client, "ada.new@example.org")

    page = client.post(
        "/accounts/email/", {"email": "ada.new@example.org", "action_remove": ""}, follow=True
    ).content.decode()

    assert "The change to ada.new@example.org is cancelled." in page
    assert not verified_reader.emailaddress_set.filter(email="ada.new@example.org").exists()
