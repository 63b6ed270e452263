"""One test for each server error the hostile-input tests found, so each stays fixed."""

import json
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import MODERATOR
from articles.forms import ArticleAdminForm
from comments.models import Comment, CommentPolicy
from newsroom.lib.images import validate_image_file
from subscriptions.models import WebhookDelivery
from subscriptions.webhook import sign
from syndication.services import _tag_names
from tests.factories import ArticleFactory, SourceFactory, UserFactory, singleton_row
from tests.security.test_uploads import png, png_claiming

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reply_to", ["9" * 5000, "²", "١٢"], ids=["5,000 digits", "superscript", "arabic"])
def test_a_comment_replying_to_a_made_up_number_is_refused_not_an_error(client, reply_to):
    singleton_row(CommentPolicy).save()
    article = ArticleFactory()
    client.force_login(UserFactory(verified=True))
    response = client.post(
        f"/comments/article/{article.pk}/post/", {"comment": "Hello", "reply_to": reply_to}
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


CANCELLED = "subscription.cancelled"


@pytest.mark.parametrize(
    "event",
    [
        {"id": "evt\u0000", "type": CANCELLED, "data": {"reference": "x"}},
        {"id": "evt_1", "type": [], "data": {}},
        {"id": "evt_2", "type": CANCELLED, "data": {"reference": "a\u0000"}},
        {"id": "evt_3", "type": CANCELLED, "data": {"reference": "x"}, "b\u0000": 1},
        {"id": "evt_4", "type": CANCELLED, "data": {"reference": "x", "c\u0000": 1}},
        None,
    ],
    ids=[
        "NUL in the id",
        "a list as the type",
        "NUL in the reference",
        "NUL in an unknown field's name",
        "NUL in an unknown data field's name",
        "a NUL byte as the body",
    ],
)
def test_the_webhook_refuses_nul_and_wrong_types_with_a_reason(client, settings, event):
    body = b"\x00" if event is None else json.dumps(event).encode()
    settings.SUBSCRIPTIONS_WEBHOOK_SECRET = "whsec-regression"
    response = client.post(
        "/subscriptions/webhook/", body, content_type="application/json",
        headers={"Store-Signature": sign(body, "whsec-regression", int(time.time()))},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["status"] == "rejected"
    delivery = WebhookDelivery.objects.get()
    assert delivery.outcome == WebhookDelivery.Outcome.REJECTED
    assert delivery.reason


def test_the_moderation_queue_refuses_a_next_that_is_not_a_path(client):
    client.force_login(UserFactory(roles=[MODERATOR]))
    article = ArticleFactory()
    comment = Comment(
        article=article, content_object=article, site_id=1, user=UserFactory(), user_name="Someone",
        comment="A comment.", published_at=timezone.now(),
    )  # fmt: skip
    comment.save()
    response = client.post(
        "/comments/moderation/decide/", {"single": f"review:{comment.pk}", "next": "javascript%3Aalert(1)"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/comments/moderation/"


@pytest.mark.parametrize(
    "content",
    [png_claiming(40_000, 40_000), png() + b"<script>alert(1)</script>", png((400, 300))[:300]],
    ids=["decompression bomb", "polyglot", "truncated"],
)
def test_images_that_used_to_pass_or_crash_the_check_are_refused_in_plain_words(content):
    with pytest.raises(ValidationError, match="not an image we can read"):
        validate_image_file(SimpleUploadedFile("photo.png", content))


def test_feed_categories_with_no_letters_become_no_tag():
    class Item:
        tags = ["<>", "!!!", "Housing", "<b>"]

    assert _tag_names(SourceFactory(default_tags=""), Item()) == ["Housing", "<b>"]


def test_an_editor_is_told_a_tag_needs_letters_or_digits():
    form = ArticleAdminForm(data={"new_tags": "Housing, !!!"})
    form.is_valid()
    assert "“!!!” has no letters or digits" in " ".join(form.errors["new_tags"])


@pytest.mark.parametrize("bounds", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_searching_up_to_the_last_possible_date_is_not_an_error(client, bounds):
    ArticleFactory(headline="Housing vote delayed")
    response = client.get("/search/", {"q": "housing", **bounds})
    assert response.status_code == 200
    assert "vote delayed" in response.content.decode()
