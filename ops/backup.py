"""`make backup` and `make restore`: the whole site (database and uploaded media) in one folder,
and back again, checked against a manifest at both ends.

    python ops/backup.py backup  [--into var/backups]
    python ops/backup.py restore DIR [--force]

Both use the configured database (DATABASE_URL, or the local cluster) and MEDIA_ROOT, read
from Django's settings, so they work on any machine the site runs on.

backup writes var/backups/<UTC timestamp>/ holding
  database.dump   pg_dump --format=custom of the whole database
  media.tar.gz    every file under MEDIA_ROOT
  manifest.json   each table's row count and checksum, each sequence's value, each media
                  file's SHA-256, and the SHA-256 of the two archives
The row checksums and pg_dump read the same snapshot (pg_export_snapshot), so a site that is
written to during the backup still gets a manifest that matches its dump exactly.

restore checks the archives against the manifest before touching anything, refuses to write
over a database that has tables or a media folder that has files unless --force (FORCE=yes
in make) is given, restores, and then checks every table and every media file against the
manifest again. Any difference stops it with a non-zero exit and says which table or file.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA_ARCHIVE = "media.tar.gz"
FORMAT_VERSION = 1


class BackupError(Exception):
    """Something that makes a backup or restore unsafe to continue; the message says what."""


def say(message):
    print(message, flush=True)


def django_settings():
    """The site's settings, without loading the apps: only the database and MEDIA_ROOT are read."""
    from django.conf import settings

    return settings


def postgres_tool(name):
    """pg_dump and pg_restore from the newest installed PostgreSQL (they must be at least as new
    as the server), else from PATH."""
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client")
    return found


class Database:
    """Connection details of the configured database, for psycopg and for libpq's tools."""

    def __init__(self, config, name=None):
        self.name = name or config["NAME"]
        # dj-database-url puts a socket folder given as ?host=... in OPTIONS rather than HOST.
        self.host = config.get("HOST") or config.get("OPTIONS", {}).get("host") or ""
        self.port = str(config.get("PORT") or "")
        self.user = config.get("USER") or ""
        self.password = config.get("PASSWORD") or ""

    def connect(self, dbname=None, **kwargs):
        import psycopg

        params = {"dbname": dbname or self.name, "host": self.host, "port": self.port, "user": self.user}
        params = {key: value for key, value in params.items() if value}
        if self.password:
            params["password"] = self.password
        return psycopg.connect(**params, **kwargs)

    def tool_env(self):
        env = dict(os.environ)
        for variable, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
        ):
            if value:
                env[variable] = value
        env["PGDATABASE"] = self.name
        return env

    def exists(self):
        with self.connect("postgres", autocommit=True) as connection:
            row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
        return row is not None

    def create(self):
        from psycopg import sql

        with self.connect("postgres", autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))


# What a database holds, table by table ---------------------------------------------------------


def list_tables(connection):
    rows = connection.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') "
        "ORDER BY 1, 2"
    ).fetchall()
    return [f"{schema}.{table}" for schema, table in rows]


def table_fingerprints(connection):
    """{schema.table: {rows, checksum}}: the checksum is an MD5 of every row's text form in a
    fixed order, so two databases with the same rows give the same value whatever the physical
    order on disk. (The alias is unusual so that no column of the same name shadows the row.)"""
    from psycopg import sql

    fingerprints = {}
    for qualified in list_tables(connection):
        schema, table = qualified.split(".", 1)
        identifier = sql.Identifier(schema, table)
        rows, checksum = connection.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(backup_row::text, E'\\n' "
                "ORDER BY backup_row::text), '')) FROM {} backup_row"
            ).format(identifier)
        ).fetchone()
        fingerprints[qualified] = {"rows": rows, "checksum": checksum}
    return fingerprints


def sequence_values(connection):
    """Each sequence's last value, so restored ids carry on where the backup left off."""
    rows = connection.execute(
        "SELECT schemaname || '.' || sequencename, coalesce(last_value, 0) FROM pg_sequences ORDER BY 1"
    ).fetchall()
    return dict(rows)


# Files -----------------------------------------------------------------------------------------


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(media_root, *, checksums=True):
    """{relative path: sha256} for every regular file under media_root."""
    media_root = Path(media_root)
    if not media_root.is_dir():
        return {}
    return {
        path.relative_to(media_root).as_posix(): sha256_of(path) if checksums else None
        for path in sorted(media_root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def archived_files(archive_path):
    """{relative path: sha256} for every file in a media archive."""
    files = {}
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            if member.isfile():
                digest = hashlib.sha256()
                with archive.extractfile(member) as handle:
                    for block in iter(lambda handle=handle: handle.read(1024 * 1024), b""):
                        digest.update(block)
                files[member.name] = digest.hexdigest()
    return files


def describe_file(path):
    return {"sha256": sha256_of(path), "bytes": path.stat().st_size}


# Backup ----------------------------------------------------------------------------------------


def backup(into):
    settings = django_settings()
    database = Database(settings.DATABASES["default"])
    media_root = Path(settings.MEDIA_ROOT)
    started = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    final = Path(into) / stamp
    # Written under another name and renamed at the end: a folder without ".partial" in its
    # name is always a whole backup.
    target = Path(into) / f"{stamp}.partial"
    target.mkdir(parents=True, exist_ok=False)
    say(f"Backing up database {database.name!r} and media {media_root} into {final}")
    try:
        manifest = write_backup(database, media_root, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    target.rename(final)
    tables, files = manifest["tables"], manifest["media"]
    total_rows = sum(table["rows"] for table in tables.values())
    size = sum(entry["bytes"] for entry in manifest["archives"].values())
    say(
        f"\nBackup written to {final} in {time.monotonic() - started:.1f} s: {len(tables)} tables holding "
        f"{total_rows:,} rows, {len(manifest['sequences'])} sequences and {len(files)} media files "
        f"({size / 1024 / 1024:.1f} MB of archives), each recorded with its checksum in {MANIFEST}. "
        f"Restore it with: make restore BACKUP={final}"
    )
    return final


def write_backup(database, media_root, target):
    import psycopg

    with database.connect(autocommit=False) as connection:
        # One snapshot for pg_dump and for the manifest's checksums: writes made while the
        # backup runs are in neither, so the manifest describes the dump exactly.
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        say("  pg_dump --format=custom ...")
        dump = subprocess.run(  # noqa: S603 - fixed arguments, our own database
            [
                postgres_tool("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target / DUMP}",
            ],
            env=database.tool_env(),
            capture_output=True,
            text=True,
        )
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed:\n{dump.stderr[-3000:]}")
        say("  counting and checksumming every table ...")
        tables = table_fingerprints(connection)
        sequences = sequence_values(connection)
        server_version = connection.info.server_version
        connection.rollback()

    say(f"  archiving media ({media_root}) ...")
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        for relative in media_files(media_root, checksums=False):
            archive.add(media_root / relative, arcname=relative, recursive=False)
    # Checksums read back from the archive, so they describe what was archived even if a file
    # changed on disk meanwhile.
    files = archived_files(target / MEDIA_ARCHIVE)

    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database.name,
        "server_version": server_version,
        "media_root": str(media_root),
        "archives": {
            DUMP: describe_file(target / DUMP),
            MEDIA_ARCHIVE: describe_file(target / MEDIA_ARCHIVE),
        },
        "tables": tables,
        "sequences": sequences,
        "media": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


# Restore ---------------------------------------------------------------------------------------


def read_manifest(source):
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: it is not a backup made by `make backup`.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path} is format {manifest.get('format')!r}; this script reads {FORMAT_VERSION}.")
    for name, expected in manifest["archives"].items():
        if not (source / name).is_file():
            raise BackupError(f"{source / name} is missing.")
        if sha256_of(source / name) != expected["sha256"]:
            raise BackupError(f"{source / name} does not match its checksum in the manifest: it is damaged.")
    return manifest


def differences(expected, actual, what):
    problems = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            problems.append(f"{what} {name} is missing after the restore")
        elif name not in expected:
            problems.append(f"{what} {name} exists after the restore but not in the backup")
        elif expected[name] != actual[name]:
            problems.append(f"{what} {name}: backed up {expected[name]}, restored {actual[name]}")
    return problems


def existing_tables(database):
    if not database.exists():
        return []
    with database.connect(autocommit=True) as connection:
        return list_tables(connection)


def media_present(media_root):
    return media_root.is_dir() and any(path.is_file() for path in media_root.rglob("*"))


def refuse_to_overwrite(database, media_root):
    """Both refusals come before any change, so a refused restore leaves everything as it was."""
    problems = []
    tables = existing_tables(database)
    if tables:
        problems.append(f"database {database.name!r} already holds {len(tables)} tables")
    if media_present(media_root):
        problems.append(f"{media_root} already holds files")
    if problems:
        raise BackupError(
            f"{' and '.join(problems).capitalize()}. Restoring would replace them: run again with "
            "FORCE=yes (make) or --force if that is what you want."
        )


def restore_database(database, manifest, dump):
    if not database.exists():
        say(f"  creating database {database.name!r} ...")
        database.create()
    with database.connect(autocommit=True) as connection:
        existing = list_tables(connection)
        if existing:
            say(f"  FORCE: emptying database {database.name!r} ({len(existing)} tables) ...")
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    say("  pg_restore ...")
    restored = subprocess.run(  # noqa: S603 - fixed arguments, our own database
        [
            postgres_tool("pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            f"--dbname={database.name}",
            str(dump),
        ],
        env=database.tool_env(),
        capture_output=True,
        text=True,
    )
    if restored.returncode != 0:
        raise BackupError(f"pg_restore failed:\n{restored.stderr[-3000:]}")
    say("  checking every table against the manifest ...")
    with database.connect(autocommit=True) as connection:
        problems = differences(manifest["tables"], table_fingerprints(connection), "table")
        problems += differences(manifest["sequences"], sequence_values(connection), "sequence")
    if problems:
        raise BackupError("The restored database differs from the backup:\n  " + "\n  ".join(problems))


def restore_media(media_root, manifest, archive_path):
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media_root.parent))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            # The "data" filter refuses absolute paths, links out of the folder and device files.
            archive.extractall(staging, filter="data")
        problems = differences(manifest["media"], media_files(staging), "media file")
        if problems:
            raise BackupError("The media archive differs from its manifest:\n  " + "\n  ".join(problems))
        aside = None
        if media_root.exists():
            # Kept, not deleted: a forced restore can still be undone by hand.
            aside = media_root.with_name(
                f"{media_root.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
            )
            media_root.rename(aside)
        staging.rename(media_root)
        return aside
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def restore(source, force):
    source = Path(source)
    settings = django_settings()
    database = Database(settings.DATABASES["default"])
    media_root = Path(settings.MEDIA_ROOT)
    started = time.monotonic()
    say(f"Restoring {source} into database {database.name!r} and media {media_root}")
    say("  checking the archives against the manifest ...")
    manifest = read_manifest(source)
    if not force:
        refuse_to_overwrite(database, media_root)
    restore_database(database, manifest, source / DUMP)
    aside = restore_media(media_root, manifest, source / MEDIA_ARCHIVE)
    total_rows = sum(table["rows"] for table in manifest["tables"].values())
    note = f" The media folder it replaced was kept as {aside}." if aside else ""
    say(
        f"\nRestored {source} in {time.monotonic() - started:.1f} s: database {database.name!r} now holds "
        f"the {len(manifest['tables'])} tables and {total_rows:,} rows of the backup made at "
        f"{manifest['created_at']}, and {media_root} its {len(manifest['media'])} media files; every "
        f"table's checksum, every sequence and every file's SHA-256 match the manifest.{note}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a backup folder")
    make.add_argument(
        "--into",
        default=os.environ.get("BACKUP_ROOT") or str(ROOT / "var" / "backups"),
        help="parent folder of the timestamped backup (default var/backups, or BACKUP_ROOT)",
    )
    back = commands.add_parser("restore", help="restore a backup folder")
    back.add_argument("source", help="the backup folder, as printed by backup")
    back.add_argument("--force", action="store_true", help="replace a database or media that is not empty")
    options = parser.parse_args()
    try:
        if options.command == "backup":
            backup(options.into)
        else:
            restore(options.source, options.force)
    except BackupError as error:
        sys.exit(f"\n{options.command} stopped: {error}")


if __name__ == "__main__":
    main()
