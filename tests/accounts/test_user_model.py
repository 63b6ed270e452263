import re

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.mark.django_db
def test_email_is_unique_whatever_its_letter_case():
    UserFactory(email="Ada@Example.org")
    with pytest.raises(ValidationError, match="An account with this email address already exists"):
        User.objects.create_user("ada@example.org", "another-password-123")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_login_by_email_ignores_letter_case(client):
    UserFactory(email="Ada@Example.org")
    assert client.login(username="ADA@example.ORG", password=DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_without_a_display_name_the_public_name_is_neutral_and_never_part_of_the_address():
    grace = UserFactory(email="grace.hopper@example.org", display_name="")
    other = UserFactory(email="grace@example.net", display_name="")

    assert re.fullmatch(r"Reader [A-Z2-7]{6}", grace.public_name)
    assert "grace" not in grace.public_name.lower()
    assert str(grace.pk) not in grace.public_name
    assert other.public_name != grace.public_name
    # The same on every page and in every process: derived from the account, not drawn.
    assert User.objects.get(pk=grace.pk).public_name == grace.public_name
    assert UserFactory(display_name="Grace H.").public_name == "Grace H."
