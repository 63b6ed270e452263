"""Fixtures for the comments tests: verified readers, the seeded reasons, a permissive policy,
and helpers that post through the real form."""

import pytest
from django.urls import reverse

from comments.forms import CommentForm
from comments.models import CommentPolicy, ModerationReason
from tests.admin_forms import submit_change_form
from tests.factories import ArticleFactory, UserFactory, confirm_address, singleton_row

SEEDED_REASONS = [
    ("abuse", "Abuse", "Insults, threats or harassment."),
    ("hate-speech", "Hate speech", "Attacks on people for who they are."),
    ("spam", "Spam", "Advertising and repeated posts."),
    ("off-topic", "Off topic", "Nothing to do with the article."),
    ("defamation", "Defamation", "Harmful claims without evidence."),
    ("personal-information", "Personal information", "Private details of a person."),
]


@pytest.fixture(autouse=True)
def comment_settings(settings, jobs_run_at_once):
    """Mail is sent as soon as it is queued, and moderation alerts go to a known desk. (Rate-limit
    counters start empty with the cache, in tests/conftest.py.)"""
    settings.MANAGERS = ["Moderation desk <desk@example.org>"]
    settings.COMMENTS_MODERATION_EMAILS = settings.MANAGERS
    return settings


@pytest.fixture
def reasons(db):
    for position, (slug, name, description) in enumerate(SEEDED_REASONS):
        ModerationReason.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    return {reason.slug: reason for reason in ModerationReason.objects.all()}


@pytest.fixture
def policy(db):
    """Post-moderation with no probation: a verified reader's plain comment appears at once."""
    current = singleton_row(CommentPolicy)
    current.hold_first_comments = 0
    current.save()
    return current


@pytest.fixture
def change_policy(moderator, django_capture_on_commit_callbacks):
    """Change the site comment policy as a moderator does, in the admin, and commit: pages and
    comment checks follow the change at once."""

    def change(**fields):
        url = reverse("admin:comments_commentpolicy_change", args=[singleton_row(CommentPolicy).pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = submit_change_form(
                moderator, url, **{name: str(value) for name, value in fields.items()}
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        return singleton_row(CommentPolicy)

    return change


@pytest.fixture
def anonymous_allowed(policy):
    """The same policy with comments without an account turned on."""
    policy.allow_anonymous = True
    policy.save()
    return policy


@pytest.fixture
def article(db):
    return ArticleFactory(headline="Council agrees new housing plan")


@pytest.fixture
def commenter(reader):
    return confirm_address(reader)


@pytest.fixture
def make_commenter(db):
    def make(**kwargs):
        return UserFactory(**kwargs, verified=True)

    return make


def form_data(article, text, **extra):
    """What the comment form posts: the signed target fields plus the reader's input."""
    data = dict(CommentForm(article, user=None).generate_security_data())
    data.update({"comment": text, "reply_to": 0, "honeypot": ""})
    data.update(extra)
    return data


def post_url(article):
    return f"/comments/article/{article.pk}/post/"
