"""Generated and hostile submissions to the comment form (new comments and replies, signed
in and not), and to the report form."""

import time

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from comments.forms import CommentForm, normalise_text
from comments.models import Comment, CommentPolicy, ModerationLogEntry, Report
from newsroom.lib.text import xml_safe
from tests.comments.conftest import SEEDED_REASONS
from tests.factories import ArticleFactory, UserFactory, singleton_row
from tests.security.hostile import (
    Example,
    assert_no_server_error,
    emails,
    field,
    flatten,
    form,
    names,
    nasty_text,
    prose,
)

pytestmark = pytest.mark.django_db

reply_targets = st.sampled_from(["0", "", "parent", "999999999", "-1", "1e3", "0x10"])


@pytest.fixture
def article(db):
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 0
    policy.allow_anonymous = True
    policy.save()
    return ArticleFactory(headline="Council agrees new housing plan")


@pytest.fixture
def parent(article):
    author = UserFactory(display_name="Pat Parent", verified=True)
    comment = Comment(
        article=article, content_object=article, site_id=1, user=author, user_name=author.public_name,
        comment="The first comment in the thread.", published_at=timezone.now(),
    )  # fmt: skip
    comment.save()
    return comment


def signed_fields(article):
    return CommentForm(article, user=None).generate_security_data()


def comment_form(article, *, anonymous):
    signed = signed_fields(article)
    tampered = st.one_of(nasty_text, st.sampled_from(["1", "articles.article", str(int(time.time()) - 9000)]))
    fields = {
        "content_type": field(st.just(signed["content_type"]), tampered),
        "object_pk": field(st.just(signed["object_pk"]), tampered),
        "timestamp": field(st.just(signed["timestamp"]), tampered),
        "security_hash": field(st.just(signed["security_hash"]), tampered),
        "comment": field(prose),
        "reply_to": field(reply_targets),
        "honeypot": field(st.just("")),
        "followup": field(st.sampled_from(["", "on"])),
    }
    if anonymous:
        fields["name"] = field(names)
        fields["email"] = field(st.sampled_from(["guest@example.org", "g.uest+x@example.net"]), emails)
    return form(**fields)


def _with_parent(data, parent):
    if flatten(data.get("reply_to")) == "parent":
        data = {**data, "reply_to": str(parent.pk)}
    return data


@pytest.fixture
def signed_in(client):
    reader = UserFactory(display_name="Rita <b>Reader</b>", verified=True)
    client.force_login(reader)
    return reader


@given(data=st.data())
def test_a_signed_in_reader_can_post_anything_without_a_server_error(
    client, article, parent, signed_in, data
):
    reader = signed_in
    post = _with_parent(data.draw(comment_form(article, anonymous=False)), parent)
    with Example(Comment, ModerationLogEntry) as example:
        response = example.request(client.post, f"/comments/article/{article.pk}/post/", post)
        assert_no_server_error(response)
        if response.status_code == 400:
            example.assert_unchanged(response)
            return
        assert response.status_code in (200, 302)
        stored = Comment.objects.filter(user=reader).order_by("-pk").first()
        assert stored is not None, "the comment was accepted but not stored"
        assert stored.comment == normalise_text(flatten(post["comment"]))
        if stored.is_public:
            page = client.get(response["Location"]).content.decode()
            assert stored.comment not in page or "<" not in stored.comment
        # Each example starts with no comments of this reader, so the repeat check does not
        # refuse the next example's identical text.
        Comment.objects.filter(pk=stored.pk).delete()


@given(data=st.data())
def test_a_guest_can_post_anything_without_a_server_error(client, article, parent, data):
    post = _with_parent(data.draw(comment_form(article, anonymous=True)), parent)
    with Example(Comment) as example:
        response = example.request(client.post, f"/comments/article/{article.pk}/post/", post)
        assert_no_server_error(response)
        # A guest's comment is stored only once the emailed link is opened: either way, the
        # form itself stores nothing.
        assert example.unchanged()
        if response.status_code == 400:
            example.assert_unchanged(response)
        else:
            assert response.status_code == 200
            assert len(mail.outbox) == 1
            assert mail.outbox[0].to == [flatten(post["email"]).strip()]


@pytest.fixture
def reasons(db):
    from comments.models import ModerationReason

    for position, (slug, name, description) in enumerate(SEEDED_REASONS):
        ModerationReason.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    return list(ModerationReason.objects.values_list("pk", flat=True))


@given(data=st.data())
def test_the_report_form_survives_any_submission(client, article, parent, reasons, signed_in, data):
    reader = signed_in
    post = data.draw(
        form(
            reason=field(st.sampled_from([str(pk) for pk in reasons])),
            note=field(st.text(max_size=500), nasty_text),
        )
    )
    with Example(Report, Comment, ModerationLogEntry) as example:
        response = example.request(client.post, f"/comments/{parent.pk}/report/", post)
        assert_no_server_error(response)
        report = Report.objects.filter(reporter=reader, comment=parent).first()
        if report is None:
            # Refused (400), or a post with no fields at all, which shows the empty form.
            example.assert_unchanged(response)
            return
        assert response.status_code == 200
        # Stored without the characters XML 1.0 forbids (newsroom/lib/text.py).
        assert report.note == (xml_safe(flatten(post["note"]).strip()) if "note" in post else "")
        assert str(report.reason_id) == flatten(post["reason"])
        # The next example reports the same comment afresh.
        report.delete()
        Comment.objects.filter(pk=parent.pk).update(is_public=True, held_reason="")
