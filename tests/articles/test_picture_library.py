"""The picture library: pictures uploaded with a description (required, in plain words), found
by their words, chosen from the article's text editor; and a text whose picture has no
description is refused, with nothing lost."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article, Picture
from tests.articles.editorial_helpers import ADD_URL, article_form, change_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PICTURE_ADD_URL = reverse("admin:articles_picture_add")
PICTURE_LIST_URL = reverse("admin:articles_picture_changelist")
CHOOSER_URL = reverse("admin:articles_picture_choose")
MISSING_ALT = "Every picture in the text needs a description for readers who cannot see it."


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_file(name="harbour.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def add_picture(client, **fields):
    data = {"image": image_file(), "alt_text": "", "caption": "", "credit": ""} | fields
    return client.post(PICTURE_ADD_URL, data)


def make_picture(user=None, **fields):
    picture = Picture(
        alt_text=fields.pop("alt_text", "Fishing boats in the harbour at dawn"), uploaded_by=user, **fields
    )
    picture.image.save("harbour.jpg", image_file(), save=False)
    picture.save()
    return picture


# The library ---------------------------------------------------------------------------------


def test_a_writer_adds_a_picture_with_its_description_and_is_named_as_uploader(client, writer):
    client.force_login(writer)

    response = add_picture(client, alt_text="The lifeboat leaving the harbour", credit="Jo Bloggs")

    assert response.status_code == 302
    picture = Picture.objects.get()
    assert (picture.alt_text, picture.credit, picture.uploaded_by) == (
        "The lifeboat leaving the harbour", "Jo Bloggs", writer
    )  # fmt: skip
    assert picture.image.name.startswith("pictures/")


def test_a_picture_without_a_description_is_refused_in_plain_words(client, writer):
    client.force_login(writer)

    response = add_picture(client, caption="Boats at rest", credit="Jo Bloggs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Describe what the picture shows, for readers who cannot see it." in html
    assert 'value="Boats at rest"' in html
    assert 'value="Jo Bloggs"' in html
    assert not Picture.objects.exists()


def test_the_library_lists_thumbnails_and_finds_pictures_by_their_words(client, editor):
    make_picture(alt_text="Fishing boats in the harbour at dawn")
    make_picture(alt_text="The mayor at the town hall", caption="Opening the new wing")
    client.force_login(editor)

    everything = client.get(PICTURE_LIST_URL).content.decode()
    found = client.get(PICTURE_LIST_URL, {"q": "new wing"}).content.decode()

    assert everything.count('class="picture-thumbnail"') == 2
    assert "The mayor at the town hall" in found
    assert "Fishing boats" not in found


def test_a_writer_changes_their_own_pictures_but_only_reads_anothers(client, writer, other_writer):
    own = make_picture(writer)
    theirs = make_picture(other_writer)
    client.force_login(writer)

    own_page = client.get(reverse("admin:articles_picture_change", args=[own.pk])).content.decode()
    their_page = client.get(reverse("admin:articles_picture_change", args=[theirs.pk])).content.decode()

    assert 'name="_save"' in own_page
    assert 'name="_save"' not in their_page


# The chooser ---------------------------------------------------------------------------------


def test_the_chooser_offers_each_picture_with_its_description_caption_and_credit(client, writer):
    make_picture(alt_text="The mayor at the town hall", caption="Opening the new wing", credit="Jo Bloggs")
    make_picture(alt_text="Fishing boats in the harbour at dawn")
    client.force_login(writer)

    html = client.get(CHOOSER_URL, {"CKEditorFuncNum": "1", "q": "mayor"}).content.decode()

    assert 'data-alt="The mayor at the town hall"' in html
    assert 'data-caption="Opening the new wing Picture: Jo Bloggs"' in html
    assert 'data-url="/media/cache/' in html
    assert 'data-callback="1"' in html
    assert "Fishing boats" not in html


def test_the_chooser_answers_only_to_a_number(client, writer):
    client.force_login(writer)

    html = client.get(CHOOSER_URL, {"CKEditorFuncNum": '1" onclick="alert(1)'}).content.decode()

    assert 'data-callback=""' in html
    assert "alert(1)" not in html


def test_the_chooser_says_so_when_nothing_matches(client, writer):
    client.force_login(writer)

    html = client.get(CHOOSER_URL, {"q": "<b>lighthouse</b>"}).content.decode()

    assert "No picture in the library matches “&lt;b&gt;lighthouse&lt;/b&gt;”." in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [("writer", 200), ("editor", 200), ("moderator", 403), ("reader", 302), ("anonymous", 302)],
)
def test_the_chooser_is_for_those_who_write(client, request, persona, status):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    assert client.get(CHOOSER_URL).status_code == status


def test_the_article_body_offers_the_library(client, writer):
    client.force_login(writer)

    html = client.get(ADD_URL).content.decode()

    assert f'data-chooser-url="{CHOOSER_URL}"' in html
    assert "Insert a picture from the library" in html
    assert "picture-chooser" in html  # the script that runs the button


# Descriptions in the text --------------------------------------------------------------------


@pytest.mark.parametrize(
    "image",
    [
        '<img src="/media/cache/ab/cd/harbour.jpg">',
        '<img src="/media/cache/ab/cd/harbour.jpg" alt="">',
        '<img src="/media/cache/ab/cd/harbour.jpg" alt="   ">',
    ],
)
def test_a_text_with_an_undescribed_picture_is_refused_and_kept_as_typed(client, writer, image):
    client.force_login(writer)
    body = f"<p>The storm passed in the night.</p><figure>{image}<figcaption>Dawn</figcaption></figure>"

    response = client.post(ADD_URL, article_form(body=body) | {"_save_draft": "Save"})

    assert response.status_code == 200
    html = response.content.decode()
    assert MISSING_ALT in html
    assert "One picture has none" in html
    assert "The storm passed in the night." in response.context["adminform"].form["body"].value()
    assert not Article.objects.exists()


def test_a_text_whose_pictures_are_described_is_saved_with_its_figure(client, writer):
    picture = make_picture(writer)
    client.force_login(writer)
    chooser = client.get(CHOOSER_URL).content.decode()
    address = chooser.split('data-url="', 1)[1].split('"', 1)[0]
    figure = (
        f'<figure><img src="{address}" alt="{picture.alt_text}">'
        "<figcaption>Dawn over the harbour</figcaption></figure>"
    )

    response = client.post(ADD_URL, article_form(body=f"<p>Morning.</p>{figure}") | {"_save_draft": "Save"})

    assert response.status_code == 302
    article = Article.objects.get()
    assert f'alt="{picture.alt_text}"' in article.body
    assert "<figcaption>Dawn over the harbour</figcaption>" in article.body


def test_an_existing_article_with_an_undescribed_picture_must_be_mended_before_saving(client, editor):
    article = ArticleFactory(body='<p>Old text.</p><img src="/media/cache/ab/cd/harbour.jpg">')
    client.force_login(editor)

    response = client.post(change_url(article), article_form(article) | {"_save": "Save"})

    assert MISSING_ALT in response.content.decode()
