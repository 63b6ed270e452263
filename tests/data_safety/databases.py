"""Side databases for the data-safety tests, named after the test database so parallel runs
(and the other engineers' test databases) never meet, and read with plain SQL so the tests
do not trust the code they check."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.db import connection
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]


def side_database_name(suffix):
    return f"{connection.settings_dict['NAME']}_{suffix}"


def _params(dbname):
    config = connection.settings_dict
    params = {
        "dbname": dbname,
        "host": config.get("HOST") or config.get("OPTIONS", {}).get("host"),
        "port": config.get("PORT"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
    }
    return {key: str(value) for key, value in params.items() if value}


def connect(dbname, **kwargs):
    return psycopg.connect(**_params(dbname), autocommit=True, **kwargs)


def database_url(dbname):
    """A DATABASE_URL for a child process; a socket folder goes in the host, percent-encoded."""
    params = _params(dbname)
    credentials = quote(params.get("user", ""), safe="")
    if params.get("password"):
        credentials += ":" + quote(params["password"], safe="")
    host = quote(params.get("host", ""), safe="")
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(dbname, safe='')}"


def drop_database(dbname):
    with connect("postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


def create_database(dbname):
    drop_database(dbname)
    with connect("postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def run(args, *, dbname, media_root=None, timeout=600):
    """Run a project command (`ops/backup.py ...`, `manage.py ...`) on another database, as an
    operator would: a child process with DATABASE_URL (and MEDIA_ROOT) in its environment."""
    env = dict(os.environ, DATABASE_URL=database_url(dbname))
    if media_root is not None:
        env["MEDIA_ROOT"] = str(media_root)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tables(dbname):
    with connect(dbname) as db:
        rows = db.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
    return [name for (name,) in rows]


def every_row(dbname):
    """{table: [each row as text, sorted]} for every table, and every sequence's last value."""
    contents = {}
    with connect(dbname) as db:
        for table in tables(dbname):
            query = sql.SQL("SELECT safety_row::text FROM {} safety_row ORDER BY 1").format(
                sql.Identifier(table)
            )
            contents[table] = [text for (text,) in db.execute(query).fetchall()]
        for name, value in db.execute("SELECT sequencename, last_value FROM pg_sequences").fetchall():
            contents[f"sequence {name}"] = [value]
    return contents


def every_file(folder):
    """{relative path: bytes} for every file under folder."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
