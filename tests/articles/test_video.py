"""Embedded video: only YouTube and Vimeo, always through their no-tracking players."""

import pytest

from articles.models import Article
from articles.video import parse_video, video_embed_url
from tests.articles.editorial_helpers import ADD_URL, article_form, follow_messages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
    ],
)
def test_allowed_addresses_become_privacy_friendly_embeds(url, embed):
    assert video_embed_url(url) == embed


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "https://www.youtube.com/watch?v=not-an-id",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "ftp://vimeo.com/76979871",
        "",
    ],
)
def test_other_addresses_are_not_embedded(url):
    assert parse_video(url) is None
    assert video_embed_url(url) is None


def test_the_form_refuses_a_video_from_another_site_in_plain_words(client, editor):
    client.force_login(editor)

    response = client.post(
        ADD_URL, article_form(video_url="https://evil.example/clip") | {"_save_draft": "Save"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["video_url"] == [
        "Only YouTube and Vimeo video addresses can be embedded."
    ]
    assert not Article.objects.exists()


def test_the_form_accepts_a_youtube_address(client, editor):
    client.force_login(editor)

    response = client.post(
        ADD_URL, article_form(video_url="https://youtu.be/dQw4w9WgXcQ") | {"_save_draft": "Save"}
    )

    follow_messages(client, response)
    assert Article.objects.get().video_embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
