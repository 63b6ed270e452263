"""Images are checked by their bytes, never by their name: whatever a file calls itself, a
page, a script, a vector image, a polyglot, a truncated file or a decompression bomb is
refused with a plain-words error, and nothing is stored."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article, Source, Sponsor
from authors.models import Author
from newsroom.lib.images import validate_image_file
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def png(size=(64, 48), **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, "PNG", **options)
    return buffer.getvalue()


def jpeg(size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb's
    shape (its pixels would need gigabytes) without the cost of building one."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


HOSTILE_FILES = {
    "html-named-jpg": ("photo.jpg", b"<!doctype html><html><script>alert(1)</script></html>"),
    "svg-named-png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'),
    "svg-named-svg": ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
    "php-named-jpg": ("avatar.jpg", b"<?php echo shell_exec($_GET['c']); ?>"),
    "png-with-html-appended": ("polyglot.png", png() + b"<html><script>alert(1)</script></html>"),
    "jpeg-with-php-appended": ("polyglot.jpg", jpeg() + b"<?php system($_GET['c']); ?>"),
    "gif-header-with-script": ("poly.gif", b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(1)//"),
    "truncated-png": ("cut.png", png((400, 300))[:200]),
    "truncated-jpeg": ("cut.jpg", jpeg((400, 300))[:400]),
    "empty-file": ("empty.jpg", b""),
    "decompression-bomb": ("bomb.png", png_claiming(40_000, 40_000)),
    "just-too-many-pixels": ("wide.png", png_claiming(12_000, 9_000)),
    "zip-named-jpg": ("archive.jpg", b"PK\x03\x04" + b"\x00" * 100),
}


@pytest.fixture(scope="module")
def hostile_files():
    return HOSTILE_FILES


@pytest.mark.parametrize("kind", list(HOSTILE_FILES))
def test_the_image_check_refuses_anything_that_is_not_a_plain_image(kind):
    name, content = HOSTILE_FILES[kind]
    with pytest.raises(ValidationError) as refused:
        validate_image_file(SimpleUploadedFile(name, content, content_type="image/jpeg"))
    message = " ".join(refused.value.messages)
    assert "image" in message.lower()
    assert "Traceback" not in message


def test_the_image_check_accepts_real_images_whatever_their_name():
    validate_image_file(SimpleUploadedFile("photo.txt", png(), content_type="text/plain"))
    validate_image_file(SimpleUploadedFile("photo.png", jpeg(), content_type="image/png"))


ADMIN_FORMS = {
    "sponsor logo": ("/admin/articles/sponsor/add/", "logo", Sponsor, {"name": "Acme", "url": ""}),
    "source logo": (
        "/admin/articles/source/add/",
        "logo",
        Source,
        {"name": "Partner", "slug": "partner", "import_mode": "draft", "feed_url": "", "website": ""},
    ),
    "author photo": (
        "/admin/authors/author/add/",
        "photo",
        Author,
        {"name": "Ada Author", "slug": "ada-author", "role": "", "organisation": "", "bio": ""},
    ),
}


@pytest.fixture
def chief(client):
    user = UserFactory(email="chief@example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("form", list(ADMIN_FORMS))
@pytest.mark.parametrize("kind", list(HOSTILE_FILES))
def test_staff_uploads_of_non_images_are_refused_and_nothing_is_stored(
    client, chief, settings, tmp_path, form, kind
):
    settings.MEDIA_ROOT = tmp_path
    address, field_name, model, fields = ADMIN_FORMS[form]
    name, content = HOSTILE_FILES[kind]
    response = client.post(address, {**fields, field_name: SimpleUploadedFile(name, content)})
    assert response.status_code == 200, "the form is shown again with the error"
    errors = " ".join(response.context["adminform"].form.errors.get(field_name, []))
    # Our check's words, or Django's own for a file with no bytes at all.
    assert "not an image we can read" in errors or "image" in errors or "file is empty" in errors
    assert errors in response.content.decode() or "not an image we can read" in response.content.decode()
    assert not model.objects.exists()
    assert list(Path(tmp_path).rglob("*.*")) == []


def test_a_featured_image_that_is_not_an_image_is_refused_by_the_article(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    name, content = HOSTILE_FILES["png-with-html-appended"]
    article = Article(headline="x", slug="x", featured_image=SimpleUploadedFile(name, content))
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "featured_image" in refused.value.message_dict
