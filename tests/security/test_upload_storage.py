"""What is kept of an accepted image: never the uploaded file. Pictures carrying markup where
the image check does not look (comments, metadata, text chunks, trailing bytes), under names a
server might render as a page, are stored as our own drawing of the picture, under a name we
make up with the extension of the format Pillow found, and none of the markup is stored."""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from articles.models import Article, Source, Sponsor
from authors.models import Author
from newsroom.lib import images
from tests.articles.editorial_helpers import ADD_URL, article_form
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

# Markup the image check's pattern does not look for; any of it in a file a browser renders as a
# page runs on the site's origin.
PAYLOADS = [
    b"<a href=javascript:alert(document.domain)>open</a>",
    b"<style>*{background:url(//evil.example/beacon)}</style>",
    b"<img src=x onerror=alert(document.cookie)>",
    b"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


def _picture(mode="RGB", size=(64, 48)):
    return Image.new(mode, size, (20, 120, 200) if mode == "RGB" else 3)


def gif_with_comment(payload):
    buffer = io.BytesIO()
    _picture("P").save(buffer, "GIF", comment=payload)
    return buffer.getvalue()


def png_with_text_chunk(payload):
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", payload.decode())
    buffer = io.BytesIO()
    _picture().save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def png_with_trailing_markup(payload):
    buffer = io.BytesIO()
    _picture().save(buffer, "PNG")
    return buffer.getvalue() + payload


def jpeg_with_comment(payload):
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", comment=payload)
    return buffer.getvalue()


def jpeg_with_exif(payload):
    exif = Image.Exif()
    exif[0x010E] = payload.decode()  # ImageDescription
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def webp_with_xmp(payload):
    buffer = io.BytesIO()
    _picture().save(buffer, "WEBP", xmp=b"<x:xmpmeta>" + payload + b"</x:xmpmeta>")
    return buffer.getvalue()


# (builder, the format Pillow finds, the extension it is stored under)
POLYGLOTS = {
    "gif-comment": (gif_with_comment, "GIF", "gif"),
    "png-text-chunk": (png_with_text_chunk, "PNG", "png"),
    "png-trailing-bytes": (png_with_trailing_markup, "PNG", "png"),
    "jpeg-comment": (jpeg_with_comment, "JPEG", "jpg"),
    "jpeg-exif": (jpeg_with_exif, "JPEG", "jpg"),
    "webp-xmp": (webp_with_xmp, "WEBP", "webp"),
}

NAMES = [
    "evil.shtml",
    "EVIL.SHTML",
    "page.html",
    "drawing.svg",
    "doc.xhtml",
    "shell.php",
    "photo.png.html",
    "photo",
    "x" * 240 + ".shtml",
    "фотография-ñandú.shtml",
]


ARTICLE_FOLDER = r"articles/\d{4}/\d{2}/"


def assert_stored_as_redrawn(field_file, folder, upload_bytes, image_format, extension):
    assert re.fullmatch(rf"{folder}[0-9a-f]{{32}}\.{extension}", field_file.name), field_file.name
    stored = Path(field_file.path).read_bytes()
    assert stored != upload_bytes
    for payload in PAYLOADS:
        assert payload not in stored
    for marker in (b"javascript:", b"onerror", b"<style", b"<math", b"<a href", b"<img"):
        assert marker not in stored, f"{marker} was stored"
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == image_format
        assert image.size == (64, 48)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def writer_uploads(client, writer, name, content):
    client.force_login(writer)
    data = article_form(image_alt="A picture") | {
        "featured_image": SimpleUploadedFile(name, content, content_type="image/png"),
        "_save_draft": "Save draft",
    }
    return client.post(ADD_URL, data)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", list(POLYGLOTS))
def test_a_writers_polyglot_featured_image_is_stored_redrawn_under_a_generated_name(
    client, writer, kind, name
):
    build, image_format, extension = POLYGLOTS[kind]
    content = build(PAYLOADS[NAMES.index(name) % len(PAYLOADS)])

    response = writer_uploads(client, writer, name, content)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert_stored_as_redrawn(article.featured_image, ARTICLE_FOLDER, content, image_format, extension)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_gone_from_every_kind_of_polyglot(client, writer, payload):
    for kind, (build, image_format, extension) in POLYGLOTS.items():
        content = build(payload)
        assert payload in content, f"{kind}: the test file does not carry its payload"

        writer_uploads(client, writer, f"{kind}.shtml", content)

        article = Article.objects.get()
        assert_stored_as_redrawn(article.featured_image, ARTICLE_FOLDER, content, image_format, extension)
        article.delete()


OTHER_FORMS = {
    "sponsor logo": (
        "/admin/articles/sponsor/add/",
        "logo",
        Sponsor,
        "sponsors/",
        {"name": "Acme", "url": ""},
    ),
    "source logo": (
        "/admin/articles/source/add/",
        "logo",
        Source,
        "sources/",
        {"name": "Partner", "slug": "partner", "import_mode": "draft", "feed_url": "", "website": ""},
    ),
    "author photo": (
        "/admin/authors/author/add/",
        "photo",
        Author,
        "authors/",
        {"name": "Ada Author", "slug": "ada-author", "role": "", "organisation": "", "bio": ""},
    ),
}


@pytest.mark.parametrize("name", ["logo.shtml", "logo.svg", "logo"])
@pytest.mark.parametrize("form", list(OTHER_FORMS))
def test_every_other_image_field_stores_a_redrawn_copy_under_a_generated_name(client, form, name):
    client.force_login(UserFactory(email="chief@example.org", is_staff=True, is_superuser=True))
    address, field_name, model, folder, fields = OTHER_FORMS[form]
    content = png_with_trailing_markup(PAYLOADS[2])

    response = client.post(address, {**fields, field_name: SimpleUploadedFile(name, content)})

    assert response.status_code == 302
    assert_stored_as_redrawn(getattr(model.objects.get(), field_name), folder, content, "PNG", "png")


def test_an_image_saved_by_code_is_redrawn_too_and_a_non_image_is_refused(tmp_path):
    """The feed import and seed_demo save through the field, not a form: the same rules hold."""
    article = ArticleFactory()
    content = jpeg_with_comment(PAYLOADS[0])

    article.featured_image.save("partner.shtml", ContentFile(content), save=True)

    article.refresh_from_db()
    assert_stored_as_redrawn(article.featured_image, ARTICLE_FOLDER, content, "JPEG", "jpg")
    with pytest.raises(ValidationError):
        article.featured_image.save("page.jpg", ContentFile(b"<!doctype html><p>not a picture"), save=True)
    assert sorted(path.name for path in tmp_path.rglob("*.*")) == [Path(article.featured_image.name).name]


def test_an_animated_gif_is_kept_as_its_first_frame(client, writer):
    frames = [Image.new("RGB", (64, 48), colour) for colour in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    writer_uploads(client, writer, "dance.gif", buffer.getvalue())

    with Image.open(Article.objects.get().featured_image.path) as stored:
        assert stored.format == "GIF"
        assert getattr(stored, "n_frames", 1) == 1
        assert stored.convert("RGB").getpixel((0, 0)) == (200, 0, 0)


def test_transparency_survives_the_redrawing(client, writer):
    picture = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (0, 0, 32, 48))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")

    writer_uploads(client, writer, "badge.png", buffer.getvalue())

    with Image.open(Article.objects.get().featured_image.path) as stored:
        assert stored.convert("RGBA").getpixel((48, 10))[3] == 0
        assert stored.convert("RGBA").getpixel((10, 10)) == (200, 30, 30, 255)


def test_a_phone_photo_is_turned_upright_and_loses_its_location(client, writer):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show it rotated 90° clockwise
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS position
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(buffer, "JPEG", exif=exif.tobytes())

    writer_uploads(client, writer, "IMG_0001.JPG", buffer.getvalue())

    with Image.open(Article.objects.get().featured_image.path) as stored:
        assert stored.size == (48, 64)
        assert not stored.getexif()


def test_an_image_stored_under_an_old_name_is_kept_as_it_is(tmp_path):
    """Rows saved before names were generated still point at their files after any save."""
    (tmp_path / "articles" / "2024" / "05").mkdir(parents=True)
    (tmp_path / "articles" / "2024" / "05" / "harbour.jpeg").write_bytes(jpeg_with_comment(b"old"))
    article = ArticleFactory(featured_image="articles/2024/05/harbour.jpeg")

    article.headline = "Harbour reopens"
    article.save()

    article.refresh_from_db()
    assert article.featured_image.name == "articles/2024/05/harbour.jpeg"
    assert article.featured_image.size > 0


def test_an_image_that_passes_the_checks_but_cannot_be_drawn_again_is_a_form_error(
    client, writer, monkeypatch, tmp_path
):
    # Pillow reads the file's header and pixels but fails writing it out again (a broken
    # profile or EXIF block can do this): the writer is told on the form, nothing is stored.
    def cannot_redraw(content):
        raise OSError("broken EXIF block")

    monkeypatch.setattr(images, "_redraw", cannot_redraw)

    response = writer_uploads(client, writer, "photo.png", png_with_text_chunk(b"plain"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["featured_image"]
    assert errors == [
        "This image could not be read to the end. Save it again from an image editor and upload that copy."
    ]
    assert not Article.objects.exists()
    assert not any(tmp_path.rglob("*.png"))


def test_an_upload_through_the_admin_is_drawn_once_for_checking_and_storing(client, writer, monkeypatch):
    drawings = []
    real_redraw = images._redraw

    def counting(content):
        drawings.append(1)
        return real_redraw(content)

    monkeypatch.setattr(images, "_redraw", counting)

    response = writer_uploads(client, writer, "photo.png", png_with_text_chunk(b"plain"))

    assert response.status_code == 302
    assert Article.objects.get().featured_image.name.endswith(".png")
    assert len(drawings) == 1
