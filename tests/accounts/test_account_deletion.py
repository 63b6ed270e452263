import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessLog

from accounts.models import User
from accounts.services import delete_account
from accounts.signals import account_deleting
from tests.accounts.conftest import PASSWORD, make_verified_reader, sign_in


@pytest.mark.django_db
def test_the_delete_page_says_what_happens_to_comments_and_subscriptions(client, verified_reader):
    client.force_login(verified_reader)

    page = client.get("/accounts/delete/").content.decode()

    assert "cannot be undone" in page
    assert "shown as written by a “deleted account”" in page
    assert "subscriptions, newsletters and notifications you have are cancelled" in page
    assert 'type="password"' in page


@pytest.mark.django_db
def test_a_wrong_password_deletes_nothing(client, verified_reader):
    client.force_login(verified_reader)

    response = client.post("/accounts/delete/", {"password": "not-it"})

    assert "That is not your current password." in response.content.decode()
    assert User.objects.filter(pk=verified_reader.pk).exists()


@pytest.mark.django_db
def test_deleting_the_account_removes_the_person_signs_them_out_and_confirms(client, verified_reader):
    sign_in(client, "ada@example.org")
    assert AccessLog.objects.filter(username="ada@example.org").exists()
    user_id = verified_reader.pk

    response = client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/accounts/deleted/", 302)]
    assert "Your account has been deleted" in response.content.decode()
    assert not User.objects.filter(pk=user_id).exists()
    assert not EmailAddress.objects.filter(email="ada@example.org").exists()
    assert not AccessLog.objects.filter(username="ada@example.org").exists()
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")
    # The address is free again: the person may come back.
    assert sign_in(client, "ada@example.org").status_code == 200


@pytest.mark.django_db
def test_guessing_the_password_on_the_delete_page_counts_towards_the_lockout(
    client, verified_reader, settings
):
    client.force_login(verified_reader)

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/delete/", {"password": f"guess-{attempt}"})

    assert response.status_code == 429
    assert User.objects.filter(pk=verified_reader.pk).exists()


@pytest.mark.django_db
def test_other_apps_hear_of_the_deletion_before_the_account_goes(verified_reader):
    heard = []

    def anonymise(sender, user, **kwargs):
        heard.append((user.email, User.objects.filter(pk=user.pk).exists()))

    account_deleting.connect(anonymise)
    try:
        delete_account(user=verified_reader)
    finally:
        account_deleting.disconnect(anonymise)

    assert heard == [("ada@example.org", True)]
    assert not User.objects.filter(email="ada@example.org").exists()


@pytest.mark.django_db
def test_if_another_app_cannot_anonymise_nothing_is_deleted(verified_reader):
    bystander = make_verified_reader(email="bob@example.org", display_name="Bob")

    def fail(sender, user, **kwargs):
        User.objects.filter(pk=bystander.pk).update(display_name="changed")
        raise RuntimeError("comments could not be anonymised")

    account_deleting.connect(fail)
    try:
        with pytest.raises(RuntimeError):
            delete_account(user=verified_reader)
    finally:
        account_deleting.disconnect(fail)

    assert User.objects.filter(pk=verified_reader.pk).exists()
    assert User.objects.get(pk=bystander.pk).display_name == "Bob"


@pytest.mark.django_db
def test_staff_accounts_are_closed_by_an_administrator_not_on_this_page(client, editor):
    client.force_login(editor)

    response = client.post("/accounts/delete/", {"password": "correct-horse-battery-staple"})

    assert "closed by an administrator" in response.content.decode()
    assert User.objects.filter(pk=editor.pk).exists()
