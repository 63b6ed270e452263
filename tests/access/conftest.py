import pytest

PERSONAS = ["anonymous", "reader", "subscriber", "writer", "editor", "moderator", "superuser"]


@pytest.fixture
def sign_in(client, request):
    """sign_in("editor") signs the test client in as that persona; "anonymous" stays out."""

    def sign_in_as(persona):
        if persona == "anonymous":
            return None
        person = request.getfixturevalue(persona)
        client.force_login(person)
        return person

    return sign_in_as
