"""The role matrix of the admin: every page of every registered model (list, add, change,
delete, history), opened and posted by every kind of person.

The pages come from the admin registry, so a model registered later is in the matrix at once;
what each role may do is written out below, role by role. A staff role may do only what its
table lists; a superuser everything except what the superuser table takes away.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from articles.models import Article
from tests.access.builders import BUILDERS
from tests.access.conftest import PERSONAS as WORKFLOW_PERSONAS
from tests.access.forms import form_fields
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# The admin's pages are where the chief editor's role differs from an editor's.
PERSONAS = [*WORKFLOW_PERSONAS, "chief_editor"]

# l: the list, a: add, c: change (the edit form saves), v: view (the change page, read-only),
# d: delete, h: history. Anything not listed is refused (403).
WRITER = {
    "articles.article": "lach",  # the writer's own draft; never deleted, never published
    # Live pages follow their article: a published one is the editors' (own drafts: test_live_coverage).
    "articles.livecoverage": "lavh",
    "articles.liveentry": "lavh",
    "articles.section": "lvh",
    "articles.source": "lvh",
    "articles.sponsor": "lvh",
    "authors.author": "lvh",
    "taggit.tag": "lvh",
    # The whole budget to read; only their own assignments to change (tests/planning).
    "planning.plannedstory": "lvh",
    # Writers add pictures and change their own (tests/articles/test_picture_library.py).
    "articles.picture": "lavh",
}
EDITOR = {
    "articles.article": "lacdh",
    "articles.section": "lacdh",
    "articles.source": "lacdh",
    "articles.sponsor": "lacdh",
    "articles.slugredirect": "lvdh",
    "articles.livecoverage": "lacdh",
    "articles.liveentry": "lacdh",
    "authors.author": "lacdh",
    "taggit.tag": "lacdh",
    "comments.comment": "lvh",
    "comments.report": "lvh",
    "comments.moderationlogentry": "lvh",
    "subscriptions.plan": "lvh",
    "subscriptions.subscription": "lvh",
    "subscriptions.webhookdelivery": "lvh",
    "subscriptions.checkoutattempt": "lvh",
    "subscriptions.newslettersubscriber": "lvh",
    "subscriptions.digestissue": "lvh",
    "subscriptions.digestrun": "lvh",
    "enquiries.enquiry": "lch",
    "enquiries.share": "lch",
    "enquiries.ratecard": "lch",
    "enquiries.errorreport": "lch",  # the corrections queue: notes; publishing is its own page
    "articles.frontpage": "lacdh",
    "planning.plannedstory": "lacdh",
    "articles.picture": "lacdh",
    # Editors read the publisher's policies; the chief editor keeps them.
    "newsroom.policypage": "lvh",
}
# Everything an editor may do, and the site: its settings, the partner feeds' logs, accounts
# (never a superuser's, which the builder's user is not; tests/accounts covers that).
CHIEF_EDITOR = EDITOR | {
    "newsroom.sitesettings": "lch",
    "newsroom.policypage": "lacdh",
    "syndication.importrun": "lvh",
    "syndication.sourceimport": "lvh",
    "accounts.user": "lach",
}
MODERATOR = {
    "comments.comment": "lvh",
    "comments.report": "lvh",
    "comments.suspension": "lvh",
    "comments.moderationlogentry": "lvh",
    "comments.guidelines": "lch",
    "comments.moderationreason": "lach",
    "comments.commentpolicy": "lch",
    "comments.articlecommentpolicy": "lacdh",
}
SUPERUSER_DEFAULT = "lacdh"
SUPERUSER = {
    "audit.auditentry": "lvh",
    "mfa.authenticator": "lvdh",
    "newsroom.sitesettings": "lch",
    "articles.slugredirect": "lvdh",
    "comments.guidelines": "lch",
    "comments.commentpolicy": "lch",
    "comments.moderationreason": "lach",
    "comments.comment": "lvh",
    "comments.report": "lvh",
    "comments.suspension": "lvh",
    "comments.moderationlogentry": "lvh",
    "subscriptions.webhookdelivery": "lvdh",
    "subscriptions.checkoutattempt": "lvdh",
    "subscriptions.digestissue": "lcdh",
    "subscriptions.digestrun": "lvdh",
    "subscriptions.giftlink": "lvdh",
    "enquiries.share": "lcdh",
    "enquiries.enquiry": "lcdh",
    "enquiries.ratecard": "lch",
    "enquiries.errorreport": "lcdh",
    "syndication.importrun": "lvh",
    "syndication.sourceimport": "lvh",
    # django-axes shows every field read-only but keeps a Save button that records nothing.
    "axes.accessattempt": "lcdh",
    "axes.accesslog": "lcdh",
    "axes.accessfailurelog": "lcdh",
    "procrastinate.procrastinatejob": "lvh",
}

PAGES = ["changelist", "add", "change", "delete", "history"]
POSTS = ["add", "change", "delete"]
MODELS = sorted(model._meta.label_lower for model in admin.site._registry)


def grants(persona, label):
    if persona == "superuser":
        return SUPERUSER.get(label, SUPERUSER_DEFAULT)
    tables = {"writer": WRITER, "editor": EDITOR, "chief_editor": CHIEF_EDITOR, "moderator": MODERATOR}
    return tables.get(persona, {}).get(label, "")


def expected_page(persona, label, page):
    if persona in {"anonymous", "reader", "subscriber"}:
        return "login"
    granted = grants(persona, label)
    if page == "change":
        return "edit" if "c" in granted else "view" if "v" in granted else "denied"
    letter = {"changelist": "l", "add": "a", "delete": "d", "history": "h"}[page]
    return "ok" if letter in granted else "denied"


def expected_post(persona, label, page):
    """Whether a person's POST to the page may do what it asks."""
    if persona in {"anonymous", "reader", "subscriber"}:
        return "login"
    letter = {"add": "a", "change": "c", "delete": "d"}[page]
    return "done" if letter in grants(persona, label) else "denied"


def url_of(label, page, obj):
    name = f"admin:{label.replace('.', '_')}_{page}"
    return reverse(name) if page in {"changelist", "add"} else reverse(name, args=[obj.pk])


def outcome_of(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("admin:login")):
        return "login"
    if response.status_code in {403, 404, 500}:
        return {403: "denied", 404: "missing", 500: "error"}[response.status_code]
    if response.status_code == 302:
        return "ok"  # a page that sends straight on (site settings: its one row)
    assert response.status_code == 200, f"unexpected status {response.status_code}"
    return "ok"


def change_outcome(response):
    outcome = outcome_of(response)
    if outcome != "ok" or response.status_code != 200:
        return outcome
    html = response.content.decode()
    return "edit" if 'name="_save"' in html or 'name="_save_draft"' in html else "view"


def build(label, writer):
    if label == "articles.article":
        return ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    builder = BUILDERS[label]
    return builder()


def test_every_registered_admin_model_has_a_builder_and_the_matrix_is_recorded(capsys):
    missing = [label for label in MODELS if label not in BUILDERS]
    assert missing == [], f"add a builder to tests/access/builders.py for {missing}"
    for table in (WRITER, EDITOR, CHIEF_EDITOR, MODERATOR, SUPERUSER):
        assert set(table) <= set(MODELS), (
            f"expectations for models no longer in the admin: {set(table) - set(MODELS)}"
        )

    cells = [
        (persona, label, f"GET {page}", expected_page(persona, label, page))
        for persona in PERSONAS
        for label in MODELS
        for page in PAGES
    ] + [
        (persona, label, f"POST {page}", expected_post(persona, label, page))
        for persona in PERSONAS
        for label in MODELS
        for page in POSTS
    ]
    out = Path(settings.VAR_DIR) / "access" / "admin-role-matrix.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("persona\tmodel\trequest\texpected\n" + "".join("\t".join(cell) + "\n" for cell in cells))
    with capsys.disabled():
        print(f"\nadmin role matrix: {len(PERSONAS)} personas × {len(MODELS)} models × "
              f"{len(PAGES)} GET + {len(POSTS)} POST = {len(cells)} cells (written to {out})")  # fmt: skip
    assert len(cells) == len(PERSONAS) * len(MODELS) * (len(PAGES) + len(POSTS))


@pytest.mark.parametrize("label", MODELS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_person_opens_only_the_admin_pages_their_role_allows(client, sign_in, persona, label, writer):
    obj = build(label, writer)
    sign_in(persona)

    seen = {}
    for page in PAGES:
        response = client.get(url_of(label, page, obj))
        seen[page] = change_outcome(response) if page == "change" else outcome_of(response)

    assert seen == {page: expected_page(persona, label, page) for page in PAGES}


def _exists(obj):
    return type(obj)._base_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("label", MODELS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_person_changes_only_what_their_role_allows(client, sign_in, persona, label, writer):
    obj = build(label, writer)
    model = type(obj)
    sign_in(persona)
    seen, expected = {}, {page: expected_post(persona, label, page) for page in POSTS}

    # Adding: refused people create nothing (a permitted add is each app's own test).
    before = model._base_manager.count()
    response = client.post(url_of(label, "add", obj), {})
    if expected["add"] == "done":
        seen["add"] = "done" if response.status_code in {200, 302} else outcome_of(response)
    else:
        seen["add"] = outcome_of(response)
        assert model._base_manager.count() == before

    # Changing: the edit form posted back as the browser shows it to this person.
    if expected["change"] == "done":
        page = client.get(url_of(label, "change", obj))
        data = form_fields(page.content.decode(), f"{model._meta.model_name}_form")
        data.setdefault("_save_draft" if label == "articles.article" else "_save", "Save")
        response = client.post(url_of(label, "change", obj), data)
        saved = LogEntry.objects.filter(object_id=str(obj.pk), action_flag=CHANGE).exists()
        errors = response.context and response.context.get("errors")
        seen["change"] = "done" if response.status_code == 302 and saved else f"not saved: {errors}"
    else:
        response = client.post(url_of(label, "change", obj), {"_save": "Save"})
        seen["change"] = outcome_of(response)
        assert not LogEntry.objects.filter(object_id=str(obj.pk), action_flag=CHANGE).exists()

    # Deleting.
    response = client.post(url_of(label, "delete", obj), {"post": "yes"})
    if expected["delete"] == "done":
        seen["delete"] = "done" if response.status_code == 302 and not _exists(obj) else "not deleted"
    else:
        seen["delete"] = outcome_of(response)
        assert _exists(obj)

    assert seen == expected
