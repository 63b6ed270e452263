"""The role matrix: every editorial admin page and action, for every kind of person, down to
the single article (a writer's own draft against another writer's)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import EDITOR, MODERATOR, ROLE_PERMISSIONS, WRITER
from articles.models import Article
from tests.articles.editorial_helpers import article_form, change_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reader", "subscriber", "writer", "other_writer", "editor", "moderator", "superuser"]
PAGES = ["changelist", "add", "change", "delete", "history", "planning", "preview", "compare", "share"]

# What each person gets on each page, for a draft written by `writer`:
#   login: sent to the admin login; denied: 403; ok: the page; read-only: the page, no save.
OUTCOMES = {
    "anonymous": dict.fromkeys(PAGES, "login"),
    "reader": dict.fromkeys(PAGES, "login"),
    "subscriber": dict.fromkeys(PAGES, "login"),
    "moderator": dict.fromkeys(PAGES, "denied"),
    "writer": dict.fromkeys(PAGES, "ok") | {"delete": "denied", "planning": "denied"},
    "other_writer": dict.fromkeys(PAGES, "ok")
    | {"change": "read-only", "delete": "denied", "planning": "denied", "share": "denied"},
    "editor": dict.fromkeys(PAGES, "ok"),
    "superuser": dict.fromkeys(PAGES, "ok"),
}


@pytest.fixture
def person(request):
    """The persona named by the test's parameter, or None for an anonymous visitor."""
    name = request.param
    return None if name == "anonymous" else request.getfixturevalue(name)


@pytest.fixture
def writers_draft(writer):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    article.standfirst = "A second revision."
    article.save()
    return article


def page_url(page, article):
    if page in {"changelist", "add", "planning"}:
        name = {"changelist": "changelist", "add": "add", "planning": "planning"}[page]
        return reverse(f"admin:articles_article_{name}")
    name = {"share": "share_preview"}.get(page, page)
    return reverse(f"admin:articles_article_{name}", args=[article.pk])


def outcome_of(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("admin:login")):
        return "login"
    if response.status_code == 403:
        return "denied"
    assert response.status_code == 200, f"unexpected {response.status_code}"
    page = response.content.decode()
    if "_save_draft" in page or "<form" not in page or "/change/" not in response.request["PATH_INFO"]:
        return "ok"
    return "read-only"


@pytest.mark.parametrize("person", PERSONAS, indirect=True, ids=PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_each_editorial_page(client, person, page, writers_draft, request):
    persona = request.node.callspec.params["person"]
    if person is not None:
        client.force_login(person)

    response = client.get(page_url(page, writers_draft))

    assert outcome_of(response) == OUTCOMES[persona][page]


def post_change(client, article):
    return client.post(
        change_url(article), article_form(article, headline="Changed") | {"_save_draft": "Save"}
    )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("anonymous", False),
        ("reader", False),
        ("subscriber", False),
        ("writer", True),
        ("other_writer", False),
        ("editor", True),
        ("moderator", False),
        ("superuser", True),
    ],
)
def test_who_may_save_a_writers_draft(client, writers_draft, persona, allowed, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = post_change(client, writers_draft)

    writers_draft.refresh_from_db()
    assert (writers_draft.headline == "Changed") is allowed
    if not allowed:
        assert response.status_code in {302, 403}
        assert response.status_code == 403 or response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("writer", True), ("other_writer", False), ("editor", True), ("moderator", False), ("reader", False)],
)
def test_who_may_restore_a_revision(client, writers_draft, persona, allowed, request):
    client.force_login(request.getfixturevalue(persona))
    oldest = writers_draft.history.order_by("history_date").first()

    client.post(reverse("admin:articles_article_restore", args=[writers_draft.pk, oldest.pk]))

    writers_draft.refresh_from_db()
    assert (writers_draft.standfirst == oldest.standfirst) is allowed


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("writer", False), ("other_writer", False), ("editor", True), ("moderator", False), ("superuser", True)],
)
def test_who_may_publish_with_the_bulk_action(client, writers_draft, persona, allowed, request):
    client.force_login(request.getfixturevalue(persona))

    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [writers_draft.pk]},
    )

    writers_draft.refresh_from_db()
    assert writers_draft.is_published is allowed


@pytest.mark.parametrize(("persona", "allowed"), [("writer", False), ("editor", True)])
def test_who_may_change_a_published_article_even_their_own(client, writer, persona, allowed, request):
    article = ArticleFactory(created_by=writer)
    client.force_login(request.getfixturevalue(persona))

    response = post_change(client, article)

    article.refresh_from_db()
    assert (article.headline == "Changed") is allowed
    assert (response.status_code == 403) is not allowed


def test_readers_and_subscribers_have_no_admin_access(client, reader, subscriber):
    for person in (reader, subscriber):
        assert not person.is_staff
        client.force_login(person)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_moderators_do_not_see_articles_in_the_admin(client, moderator):
    client.force_login(moderator)

    page = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:articles_article_changelist") not in page
    assert client.get(reverse("admin:articles_section_changelist")).status_code == 403


def test_roles_are_groups_with_the_listed_permissions_and_writers_cannot_publish():
    from accounts.roles import sync_roles

    sync_roles()

    for role in (WRITER, EDITOR, MODERATOR):
        group = Group.objects.get(name=role)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted <= set(ROLE_PERMISSIONS[role])
    writer_permissions = set(ROLE_PERMISSIONS[WRITER])
    assert "articles.publish_article" not in writer_permissions
    assert "articles.edit_any_article" not in writer_permissions
    assert "articles.publish_article" in ROLE_PERMISSIONS[EDITOR]
    assert not any(
        name.startswith(("articles.change", "articles.add")) for name in ROLE_PERMISSIONS[MODERATOR]
    )
