"""Images in article bodies come only from our own media. Another site's image, however its
address is written, is removed on the way in (and from bodies stored before the rule), so no
feed or email made from a body carries a tracking pixel."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from articles.models import Article
from newsroom.lib.env import s3_media_storage
from newsroom.lib.sanitize import clean_body_html
from tests.articles.editorial_helpers import ADD_URL, article_form, follow_messages
from tests.factories import ArticleFactory

# Each is an <img> whose picture would come from evil.example (or from a page of ours that is
# not media), in one of the ways a browser or mail reader would load it.
FOREIGN_IMAGES = [
    '<img src="https://evil.example/pixel.gif" alt="pixel">',
    '<img src="http://evil.example/pixel.gif">',
    '<img src="//evil.example/pixel.gif">',
    '<IMG SRC="HTTPS://EVIL.EXAMPLE/PIXEL.GIF">',
    '<img src=" https://evil.example/pixel.gif ">',
    '<img src="https://evil.example/pixel.gif\n">',
    '<img src="ht\ttps://evil.example/pixel.gif">',
    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
    '<img srcset="https://evil.example/pixel.gif 1x">',
    '<img src="https://evil.example/media/pixel.gif">',
    '<img src="{site}.evil.example/media/pixel.gif">',
    '<img src="https://user@evil.example/media/pixel.gif">',
    '<img src="/media/../accounts/logout/">',
    '<img src="/media/%2e%2e/admin/">',
    '<img src="/\\evil.example/media/pixel.gif">',
    '<img src="\\\\evil.example\\media\\pixel.gif">',
    '<img src="media/pixel.gif">',
    '<img src="/static/pixel.gif">',
    '<img src="javascript:alert(1)">',
    '<img src="https://evil.example/pixel.gif" onerror="alert(1)" width="1" height="1">',
]

OUR_IMAGES = [
    '<img src="/media/articles/2026/12/0f1e2d3c4b5a69788796a5b4c3d2e1f0.jpg" alt="The harbour">',
    '<img src="/media/cache/ab/cd/abcdef.jpg" alt="A rendition" width="800" height="450">',
    '<img src="{site}/media/authors/portrait.png" alt="A portrait">',
]


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://news.example.org"
    return settings.SITE_URL


def paragraph_with(image):
    return f"<p>Before the picture.</p>{image}<p>After the picture.</p>"


@pytest.mark.parametrize("image", FOREIGN_IMAGES)
def test_an_image_from_anywhere_but_our_media_is_removed(site, image):
    cleaned = clean_body_html(paragraph_with(image.format(site=site)))

    assert "evil.example" not in cleaned.lower()
    assert "<img" not in cleaned.lower()
    assert "Before the picture." in cleaned
    assert "After the picture." in cleaned


@pytest.mark.parametrize("image", OUR_IMAGES)
def test_an_image_from_our_media_is_kept(site, image):
    image = image.format(site=site)

    assert clean_body_html(paragraph_with(image)) == paragraph_with(image)


def test_only_the_source_survives_from_an_image_of_ours_with_a_foreign_srcset(site):
    cleaned = clean_body_html('<img src="/media/a.jpg" srcset="https://evil.example/b.jpg 2x" alt="A">')

    assert cleaned == '<img src="/media/a.jpg" alt="A">'


def test_with_media_in_a_bucket_behind_a_cdn_only_the_cdn_address_is_ours(settings, site):
    settings.STORAGES = settings.STORAGES | {
        "default": s3_media_storage("newsroom-media", custom_domain="media.news-cdn.example", prefix="site")
    }

    kept = '<img src="https://media.news-cdn.example/site/articles/a.jpg" alt="A">'
    assert clean_body_html(kept) == kept
    for foreign in [
        '<img src="/media/articles/a.jpg">',
        '<img src="https://media.news-cdn.example/other/a.jpg">',
        '<img src="https://media.news-cdn.example.evil.example/site/a.jpg">',
        '<img src="http://media.news-cdn.example/site/a.jpg">',
    ]:
        assert "<img" not in clean_body_html(foreign), foreign


def test_with_media_in_a_shared_object_store_only_our_bucket_is_ours(settings, site):
    settings.STORAGES = settings.STORAGES | {
        "default": s3_media_storage(
            "newsroom-media",
            endpoint_url="https://objects.example:9000",
            region="us-east-1",
            access_key="key",
            secret_key="secret",
        )
    }

    kept = '<img src="https://objects.example:9000/newsroom-media/articles/a.jpg" alt="A">'
    assert clean_body_html(kept) == kept
    assert "<img" not in clean_body_html('<img src="https://objects.example:9000/someone-else/a.jpg">')


def test_with_media_on_a_cdn_address_only_that_address_is_ours(settings, site):
    settings.MEDIA_URL = "https://static.news-cdn.example/media/"

    kept = '<img src="https://static.news-cdn.example/media/a.jpg" alt="A">'
    assert clean_body_html(kept) == kept
    assert "<img" not in clean_body_html('<img src="https://static.news-cdn.example/other/a.jpg">')
    assert "<img" not in clean_body_html('<img src="/media/a.jpg">')


@pytest.mark.django_db
def test_a_writer_cannot_store_another_sites_image_through_the_admin(client, writer, site):
    client.force_login(writer)
    body = "".join(image.format(site=site) for image in FOREIGN_IMAGES + OUR_IMAGES)

    response = client.post(ADD_URL, article_form(body=body) | {"_save_draft": "Save draft"})

    follow_messages(client, response)
    stored = Article.objects.get().body
    assert "evil.example" not in stored.lower()
    assert stored.count("<img") == len(OUR_IMAGES)


@pytest.mark.django_db
def test_bodies_stored_before_the_rule_lose_other_sites_images_and_feeds_never_show_them(client, site):
    article = ArticleFactory()
    ours = '<img src="/media/articles/a.jpg" alt="Ours">'
    Article.objects.filter(pk=article.pk).update(
        body=f'<p>Text.</p><img src="https://evil.example/pixel.gif" alt="pixel">{ours}'
    )
    untouched = ArticleFactory(body="<p>No pictures here.</p>")
    migration = importlib.import_module("articles.migrations.0008_body_images_only_from_our_media")

    migration.drop_other_sites_images(apps, connection.schema_editor())

    article.refresh_from_db()
    assert article.body == f"<p>Text.</p>{ours}"
    assert Article.objects.get(pk=untouched.pk).body == "<p>No pictures here.</p>"
    for feed in ("/feed/", "/feed/atom/"):
        content = client.get(feed).content.decode()
        assert "evil.example" not in content
        assert "/media/articles/a.jpg" in content
