"""Image uploads through the article form: real images in, anything else out with a message
that says what was wrong."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article
from newsroom.lib import images
from tests.articles.editorial_helpers import ADD_URL, article_form, follow_messages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_file(name="harbour.jpg", size=(640, 480), image_format="JPEG", pad_to=0):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, image_format)
    data = buffer.getvalue()
    if pad_to > len(data):
        data += b"\0" * (pad_to - len(data))  # trailing bytes: still opens as an image
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def upload(client, editor, upload_file):
    client.force_login(editor)
    data = article_form(image_alt="The harbour at dawn") | {
        "featured_image": upload_file,
        "_save_draft": "Save",
    }
    return client.post(ADD_URL, data)


def field_errors(response):
    return response.context["adminform"].form.errors.get("featured_image")


def test_a_real_image_is_accepted_and_stored(client, editor):
    response = upload(client, editor, image_file())

    follow_messages(client, response)
    article = Article.objects.get()
    assert article.featured_image.name.startswith("articles/")
    assert article.featured_image.width == 640


def test_a_text_file_named_jpg_is_refused(client, editor):
    response = upload(
        client,
        editor,
        SimpleUploadedFile("notes.jpg", b"Just some notes, not a photo.", content_type="image/jpeg"),
    )

    assert response.status_code == 200
    assert field_errors(response) == [
        "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF file."
    ]
    assert not Article.objects.exists()


def test_an_oversized_file_is_refused_naming_its_size_and_the_limit(client, editor):
    response = upload(client, editor, image_file(pad_to=12 * 1024 * 1024))

    assert field_errors(response) == ["This image is 12.0\xa0MB; the largest accepted is 10.0\xa0MB."]
    assert not Article.objects.exists()


def test_an_image_too_large_in_pixels_is_refused_naming_its_dimensions(client, editor):
    response = upload(
        client, editor, image_file("panorama.png", size=(images.MAX_SIDE + 1, 20), image_format="PNG")
    )

    assert field_errors(response) == [
        f"This image is {images.MAX_SIDE + 1}×20 pixels; the longest side may be at most {images.MAX_SIDE}."
    ]


def test_an_image_of_another_type_is_refused_naming_the_type(client, editor):
    response = upload(client, editor, image_file("scan.jpg", image_format="BMP"))

    assert field_errors(response) == ["BMP images are not accepted. Upload a JPEG, PNG, WebP or GIF file."]


def test_the_file_input_asks_the_browser_for_images_only(client, editor):
    client.force_login(editor)

    page = client.get(ADD_URL).content.decode()

    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in page
