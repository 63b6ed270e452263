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
def test_public_name_falls_back_to_the_address_before_the_at():
    assert UserFactory(email="grace@example.org", display_name="").public_name == "grace"
    assert UserFactory(display_name="Grace H.").public_name == "Grace H."
