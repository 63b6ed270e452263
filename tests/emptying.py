"""How a transactional test (`django_db(transaction=True)`: the browser journeys, the tests
that need their work committed) leaves the database: empty, as Django's own flush leaves it,
then with what post_migrate makes (content types, permissions, the role groups).

Django's flush truncates every table, and PostgreSQL's TRUNCATE replaces the files of each
table and its indexes however little they hold: about 0.6 s for our ~90 tables, after every
such test (some 270 of them). A test writes to a handful of tables, so only those are emptied
here, with DELETE, in one transaction: about 20 ms. The result is the same empty database.
"""

from django.core.management.sql import emit_post_migrate_signal
from django.db import connections, transaction
from django.test import TransactionTestCase

# The audit log refuses DELETE by design (audit/migrations/0001_initial.py); TRUNCATE is not a
# row event and empties it as Django's flush does.
APPEND_ONLY_TABLES = {"audit_auditentry"}


def tables_with_rows(connection):
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quote = connection.ops.quote_name
    # One round trip for the lot: each table answers with its name if it holds any row.
    # The names come from the database's own catalogue, quoted: no input reaches this SQL.
    probe = " UNION ALL ".join(f"(SELECT %s FROM {quote(table)} LIMIT 1)" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(probe, tables)
        return [name for (name,) in cursor.fetchall()]


def empty_tables(connection, tables):
    quote = connection.ops.quote_name
    append_only = [table for table in tables if table in APPEND_ONLY_TABLES]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # First: PostgreSQL refuses to truncate a table with foreign-key checks still pending,
        # which the deletes below would leave.
        if append_only:
            cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in append_only)}")
        # Django's foreign keys are deferrable: checked at commit, when every table is empty.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            if table not in append_only:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - a catalogue name, quoted


def empty_the_tables_the_test_used(test_case):
    """TransactionTestCase._fixture_teardown for the cases this suite uses; the rare case that
    asks for more (a subset of apps, or a serialized copy of the data) gets Django's own."""
    if test_case.available_apps is not None or test_case.serialized_rollback:
        return djangos_fixture_teardown(test_case)
    for alias in test_case._databases_names(include_mirrors=False):
        connection = connections[alias]
        empty_tables(connection, tables_with_rows(connection))
        emit_post_migrate_signal(verbosity=0, interactive=False, db=alias)
    return None


djangos_fixture_teardown = TransactionTestCase._fixture_teardown


def install():
    TransactionTestCase._fixture_teardown = empty_the_tables_the_test_used
