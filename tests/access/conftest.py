import pytest

PERSONAS = ["anonymous", "reader", "subscriber", "writer", "editor", "moderator", "superuser"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Builders that need a real picture (the picture library's) write it here, not to var/.
    settings.MEDIA_ROOT = tmp_path


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
