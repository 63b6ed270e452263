"""Nothing a stranger can see tells whether an address has an account: not the page, not the
status, and not the time taken, which is mostly the password hash. So every path computes the
same number of hashes for a real address as for an unknown one.

(The pages themselves are compared in test_login_and_logout, test_signup_and_verification
and test_passwords; the throttle's page in test_login_throttle.)
"""

import pytest
from django.conf import settings

from tests.accounts.conftest import PASSWORD, comparable, sign_in
from tests.accounts.hashing import counting_hashes
from tests.accounts.test_signup_and_verification import sign_up
from tests.accounts.two_factor import turn_on_authenticator

pytestmark = pytest.mark.django_db


def test_a_wrong_password_and_an_unknown_address_each_cost_one_hash_at_the_reader_login(
    client, verified_reader
):
    with counting_hashes() as for_real:
        sign_in(client, "ada@example.org", password="not-her-password")
    with counting_hashes() as for_unknown:
        sign_in(client, "nobody@example.org", password="not-her-password")

    assert len(for_real) == len(for_unknown) == 1


def test_a_wrong_password_and_an_unknown_address_each_cost_one_hash_at_the_admin_login(client, editor):
    with counting_hashes() as for_real:
        real = client.post("/admin/login/", {"username": "editor@example.org", "password": "guess"})
    with counting_hashes() as for_unknown:
        unknown = client.post("/admin/login/", {"username": "nobody@example.org", "password": "guess"})

    assert len(for_real) == len(for_unknown) == 1
    assert comparable(real).replace("editor@", "nobody@") == comparable(unknown)


def test_signing_up_with_a_taken_address_costs_the_same_hash_as_with_a_new_one(client):
    from tests.factories import UserFactory

    UserFactory(email="taken@example.org")
    with counting_hashes() as for_new:
        sign_up(client, "free@example.org")
    client.logout()
    with counting_hashes() as for_taken:
        sign_up(client, "taken@example.org")

    assert len(for_new) == len(for_taken) == 1


def test_a_password_reset_costs_no_hash_for_either(client, verified_reader):
    with counting_hashes() as hashes:
        client.post("/accounts/password/reset/", {"email": "ada@example.org"})
        client.post("/accounts/password/reset/", {"email": "stranger@example.org"})

    assert hashes == []


def test_a_wrong_password_does_not_reveal_that_the_account_uses_an_authenticator(client, verified_reader):
    sign_in(client, "ada@example.org")
    turn_on_authenticator(client, PASSWORD)
    client.post("/accounts/logout/")

    with_app = sign_in(client, "ada@example.org", password="not-her-password")
    unknown = sign_in(client, "nobody@example.org", password="not-her-password")

    assert with_app.status_code == unknown.status_code == 200
    assert comparable(with_app).replace("ada@", "nobody@") == comparable(unknown)


def test_a_paused_address_and_an_unknown_one_look_the_same(client, verified_reader):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "ada@example.org", password=f"guess-{attempt}")
        sign_in(client, "nobody@example.org", password=f"guess-{attempt}")

    real = sign_in(client, "ada@example.org", password="guess")
    unknown = sign_in(client, "nobody@example.org", password="guess")

    assert real.status_code == unknown.status_code == 429
    assert comparable(real) == comparable(unknown)
