"""What a transactional test leaves behind (tests/emptying.py): nothing of its own, the audit
log included, and what post_migrate makes, so the next test can still sign in an editor.

Run inside an ordinary test's transaction, which is rolled back afterwards like any other."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from accounts.roles import EDITOR
from audit.models import AuditEntry
from tests.emptying import empty_tables, tables_with_rows
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_emptying_leaves_no_row_behind_and_post_migrate_brings_the_roles_back():
    editor = UserFactory(roles=[EDITOR])
    CommentFactory(article=ArticleFactory())
    # The audit log refuses DELETE in the database; it must be emptied all the same.
    AuditEntry.objects.create(
        actor=editor, action=AuditEntry.Action.PUBLISHED, object_type="articles.article", object_id="1"
    )
    assert {"accounts_user", "articles_article", "audit_auditentry"} <= set(tables_with_rows(connection))
    # A transactional test's rows are committed before it is emptied; these are checked now, as
    # a commit would, so no foreign-key check is left pending here either.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    empty_tables(connection, tables_with_rows(connection))

    assert tables_with_rows(connection) == []

    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    assert Group.objects.get(name=EDITOR).permissions.filter(codename="change_article").exists()
