"""Cached article pages carry the article's generation number: every change to what its
comments region shows must bump it, once the change is committed."""

import pytest
from django.utils import timezone

from comments import services
from comments.models import Comment
from newsroom.lib.generations import article_generation
from tests.comments.conftest import form_data, post_url
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]


@pytest.fixture
def bumped(article, django_capture_on_commit_callbacks):
    """Run an action and say whether the article's generation moved."""

    def run(action):
        before = article_generation(article.pk)
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return article_generation(article.pk) > before

    return run


def test_a_published_comment_bumps_the_article_generation(client, commenter, article, bumped):
    client.force_login(commenter)

    assert bumped(lambda: client.post(post_url(article), form_data(article, "Fresh.")))


def test_moderation_decisions_and_author_changes_bump_it(article, moderator, reasons, bumped):
    author = UserFactory()
    comment = Comment(
        article=article, content_object=article, site_id=1, user=author, comment="Text.",
        is_public=False,
    )  # fmt: skip
    comment.save()

    assert bumped(lambda: services.approve_comment(comment=comment, by=moderator))
    assert bumped(lambda: services.edit_comment(comment=comment, text="Better text.", by=author))
    assert bumped(lambda: services.remove_comment(comment=comment, by=moderator, reason=reasons["spam"]))
    comment.is_removed = False
    comment.submit_date = timezone.now()
    assert bumped(lambda: services.delete_comment(comment=comment, by=author))


def test_a_held_comment_leaves_the_cached_page_alone(client, commenter, article, policy, bumped):
    policy.moderation = "pre"
    policy.save()
    client.force_login(commenter)

    assert not bumped(lambda: client.post(post_url(article), form_data(article, "Waiting.")))
