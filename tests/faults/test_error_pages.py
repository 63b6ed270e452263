"""What readers and editors see when the database or the disk fails under a request: a page
that says what happened in plain words, with a status a proxy and a browser understand."""

import errno
import io
import os
import time

import pytest
from django.db import connection, connections
from PIL import Image

from authors.models import Author
from tests.factories import ArticleFactory


@pytest.fixture
def errors_as_pages(client):
    # As in production: the error handler answers instead of the exception reaching the test.
    client.raise_request_exception = False
    return client


def test_a_page_answers_503_asking_to_retry_when_the_database_cannot_be_reached(
    errors_as_pages, django_db_blocker
):
    database = connections["default"]
    original = dict(database.settings_dict)
    database.close()
    database.settings_dict.update(HOST="/nonexistent-socket-dir", PORT="5432")
    try:
        with django_db_blocker.unblock():
            started = time.monotonic()
            response = errors_as_pages.get("/search/?q=clinic")
            seconds = time.monotonic() - started
    finally:
        database.close()
        database.settings_dict.clear()
        database.settings_dict.update(original)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "This page is temporarily unavailable" in page
    assert "Nothing you sent was saved" in page
    assert seconds < 1


@pytest.mark.django_db(transaction=True)
def test_a_query_held_past_the_statement_timeout_ends_in_a_503_page_within_the_timeout(errors_as_pages):
    article = ArticleFactory(headline="Council keeps both clinics open")
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 300")
        holder.execute("LOCK TABLE articles_article IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        response = errors_as_pages.get(article.get_absolute_url())
        seconds = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout TO DEFAULT")

    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()
    assert seconds < 3
    # The same process serves the next request as usual.
    assert errors_as_pages.get(article.get_absolute_url()).status_code == 200


def noise_png(side):
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


class FullDisk:
    """A file opened for writing on a disk with room for half of what is written to it."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.django_db
def test_a_photo_upload_that_fills_the_disk_saves_nothing_and_says_so(
    errors_as_pages, superuser, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        "django.core.files.storage.filesystem.os.fdopen",
        lambda fd, mode="r", *args, **kwargs: FullDisk(real_fdopen(fd, mode, *args, **kwargs)),
    )
    errors_as_pages.force_login(superuser)
    photo = io.BytesIO(noise_png(300))
    photo.name = "portrait.png"

    response = errors_as_pages.post(
        "/admin/authors/author/add/",
        {"name": "Ada Byline", "slug": "ada-byline", "photo": photo, "_save": "Save"},
    )

    assert response.status_code == 507
    page = response.content.decode()
    assert "The file could not be stored" in page
    assert "your upload was not saved" in page
    assert not Author.objects.filter(name="Ada Byline").exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
