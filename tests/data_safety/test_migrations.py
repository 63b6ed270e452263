"""Migrations apply backwards and forwards on a populated database of their own: every app
back to its first migration and forward again with the data intact, then every app back to
zero and forward again."""

import json

import pytest
from psycopg import sql

from tests.data_safety import databases

# Apps of ours that the populated site must hold rows for before anything moves.
POPULATED_APPS = [
    "accounts",
    "authors",
    "articles",
    "comments",
    "subscriptions",
    "syndication",
    "enquiries",
    "newsroom",
]
POPULATE = (
    "import django; django.setup(); from tests.data_safety.populate import populate_site; populate_site()"
)


@pytest.fixture
def own_database():
    name = databases.side_database_name("migrations")
    databases.create_database(name)
    yield name
    databases.drop_database(name)


def migrate(dbname, mode):
    result = databases.run(["tests/data_safety/migrate_both_ways.py", mode], dbname=dbname)
    assert result.returncode == 0, f"migrating to {mode} failed:\n{result.stderr[-4000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def columns(dbname):
    """{table: [column, ...]} for every table in the public schema."""
    with databases.connect(dbname) as db:
        rows = db.execute(
            "SELECT table_name, column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    found = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def generated(dbname):
    """{(table, column)} of the stored generated columns: the database computes them from the
    row, so a migration that changes the expression (the search column) changes their values
    without losing anything."""
    with databases.connect(dbname) as db:
        return set(
            db.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND is_generated = 'ALWAYS'"
            ).fetchall()
        )


def rows(dbname):
    """{table: [row as a dict, ...]} for every table but the migration record."""
    contents = {}
    with databases.connect(dbname) as db:
        for table in columns(dbname):
            if table == "django_migrations":
                continue
            query = sql.SQL("SELECT row_to_json(safety_row)::text FROM {} safety_row").format(
                sql.Identifier(table)
            )
            contents[table] = [json.loads(text) for (text,) in db.execute(query).fetchall()]
    return contents


def restricted(contents, shape):
    """Only the tables and columns in `shape`, each table's rows sorted: what survives a
    migration backwards must be what was there before."""
    return {
        table: sorted(
            json.dumps({name: row[name] for name in shape[table]}, sort_keys=True) for row in contents[table]
        )
        for table in shape
        if table in contents
    }


def our_apps(report):
    """Labels of the apps whose code (and migrations) live in this project, not in .venv."""
    root = str(databases.ROOT)
    return {label for label, path in report["apps"].items() if path.startswith(root) and ".venv" not in path}


def test_every_migration_reverses_and_reapplies_on_a_populated_database(own_database, tmp_path):
    migrate(own_database, "latest")
    populated = databases.run(["-c", POPULATE], dbname=own_database, media_root=tmp_path / "media")
    assert populated.returncode == 0, populated.stderr[-4000:]
    latest_shape = columns(own_database)
    before = rows(own_database)
    for app in POPULATED_APPS:
        assert any(table_rows for table, table_rows in before.items() if table.startswith(f"{app}_")), (
            f"the populated site has no rows in {app}"
        )

    first = migrate(own_database, "first")

    assert first["unapplied"] > 0
    ours = our_apps(first)
    assert ours >= set(POPULATED_APPS)
    assert {app: stop for app, stop in first["stops"].items() if app in ours} == {}
    # What the first migrations keep: tables and columns present both now and at the latest,
    # less what the database derives from the rest.
    derived = generated(own_database)
    first_shape = {
        table: [n for n in names if n in latest_shape.get(table, []) and (table, n) not in derived]
        for table, names in columns(own_database).items()
        if table != "django_migrations"
    }
    assert set(first_shape) <= set(latest_shape)
    assert restricted(rows(own_database), first_shape) == restricted(before, first_shape)

    migrate(own_database, "latest")

    assert columns(own_database) == latest_shape
    assert restricted(rows(own_database), first_shape) == restricted(before, first_shape)

    zero = migrate(own_database, "zero")

    assert {app: stop for app, stop in zero["stops"].items() if app in ours} == {}
    assert [table for table in columns(own_database) if table.split("_")[0] in ours] == []

    migrate(own_database, "latest")

    assert columns(own_database) == latest_shape
    with databases.connect(own_database) as db:
        # The data migrations ran again: the site settings and advertising options rows and the
        # moderation reasons.
        assert db.execute("SELECT count(*) FROM newsroom_sitesettings").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM enquiries_ratecard").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM comments_moderationreason").fetchone()[0] > 0
