"""Every page of the comment journey renders our templates, never the ones shipped by
django-comments-xtd or django-contrib-comments (Bootstrap classes, third-party avatars)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test.signals import template_rendered

from comments.models import Comment
from tests.comments.conftest import form_data, post_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

OURS = (Path(settings.BASE_DIR) / "templates", Path(__file__).parent / "templates")


@pytest.fixture
def rendered():
    origins = []

    def record(sender, template, context, **kwargs):
        origins.append(template.origin.name)

    template_rendered.connect(record)
    yield origins
    template_rendered.disconnect(record)


def test_the_comment_journey_renders_only_our_templates(
    client, commenter, article, reasons, moderator, rendered
):
    client.force_login(commenter)
    client.get(post_url(article))
    client.get(f"/comments/article/{article.pk}/form/")
    client.post(post_url(article), form_data(article, "Hello there."))
    comment = Comment.objects.get()
    client.get(article.get_absolute_url())
    client.get(f"/comments/{comment.pk}/edit/")
    client.get(f"/comments/{comment.pk}/delete/")
    client.get("/comments/guidelines/")
    client.force_login(moderator)
    client.get(f"/comments/{comment.pk}/report/")
    client.get("/comments/moderation/?tab=all")

    comment_templates = [name for name in rendered if "comments" in name]
    assert comment_templates
    for name in comment_templates:
        assert Path(name).is_relative_to(OURS[0]) or Path(name).is_relative_to(OURS[1]), name


def test_the_libraries_own_posting_and_flagging_urls_are_not_served(client, commenter, article):
    client.force_login(commenter)

    for path in ("/comments/post/", "/comments/flag/1/", "/comments/api/feedback/", "/comments/sent/"):
        assert client.get(path).status_code == 404, path
