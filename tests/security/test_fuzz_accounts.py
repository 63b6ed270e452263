"""Generated and hostile submissions to sign-up, login and password reset."""

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from tests.factories import UserFactory
from tests.security.hostile import Example, assert_no_server_error, emails, field, flatten, form

pytestmark = pytest.mark.django_db

passwords = st.one_of(
    st.sampled_from(["correct-horse-battery-staple", "a-long-and-unusual-passphrase-42"]),
    st.text(min_size=8, max_size=40),
)
new_addresses = st.builds(lambda n: f"new.reader{n}@example.org", st.integers(0, 10**6))


@pytest.fixture
def member(db):
    return UserFactory(email="member@example.org", display_name="Mia Member")


@given(data=st.data())
def test_sign_up_survives_any_submission(client, member, data):
    post = data.draw(
        form(
            email=field(st.one_of(new_addresses, st.just("member@example.org")), emails),
            password1=field(passwords),
            password2=field(passwords),
        )
    )
    with Example(User, EmailAddress) as example:
        response = example.request(client.post, "/accounts/signup/", post)
        assert_no_server_error(response)
        if response.status_code != 302:
            example.assert_unchanged(response)
            return
        email = flatten(post["email"]).strip()
        assert User.objects.filter(email__iexact=email).exists()
        client.logout()


@given(data=st.data())
def test_login_survives_any_submission(client, member, data):
    post = data.draw(
        form(
            login=field(
                st.sampled_from(["member@example.org", "MEMBER@example.org", "nobody@example.org"]), emails
            ),
            password=field(passwords),
            remember=field(st.sampled_from(["", "on"])),
        )
    )
    AccessAttempt.objects.all().delete()
    with Example(User, EmailAddress) as example:
        response = example.request(client.post, "/accounts/login/", post)
        assert_no_server_error(response)
        if response.status_code != 302:
            example.assert_unchanged(response)
            assert not Session.objects.exists() or "_auth_user_id" not in client.session
        client.logout()


@given(data=st.data())
def test_password_reset_survives_any_submission(client, member, data):
    post = data.draw(form(email=field(st.sampled_from(["member@example.org", "nobody@example.org"]), emails)))
    with Example(User, EmailAddress) as example:
        response = example.request(client.post, "/accounts/password/reset/", post)
        assert_no_server_error(response)
        if response.status_code != 302:
            example.assert_unchanged(response)
            return
        # The same answer for every address (no enumeration); one email to the address typed,
        # with the link only when it is a member's.
        assert response["Location"] == "/accounts/password/reset/done/"
        assert len(mail.outbox) == 1
        is_member = flatten(post["email"]).strip().lower() == "member@example.org"
        assert ("/accounts/password/reset/key/" in mail.outbox[0].body) == is_member
