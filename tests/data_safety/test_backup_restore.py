"""`make backup` and `make restore` (ops/backup.py) round-trip a populated site exactly: every
table's rows and every media file's bytes, into a fresh database and media folder."""

import pytest
from django.db import connection

from articles.models import Article
from tests.data_safety import databases
from tests.data_safety.populate import populate_site

# pg_dump reads committed rows only, so the site is really written, not rolled back.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def restored_database():
    name = databases.side_database_name("restored")
    databases.drop_database(name)
    yield name
    databases.drop_database(name)


def backup(into, media_root):
    result = databases.run(
        ["ops/backup.py", "backup", "--into", str(into)],
        dbname=connection.settings_dict["NAME"],
        media_root=media_root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [folder] = [path for path in into.iterdir() if path.is_dir()]
    return folder


def test_a_restored_site_is_identical_to_the_one_backed_up(media_root, restored_database, tmp_path):
    images = populate_site()
    assert images > 0
    source = connection.settings_dict["NAME"]
    folder = backup(tmp_path / "backups", media_root)
    restored_media = tmp_path / "restored-media"

    result = databases.run(
        ["ops/backup.py", "restore", str(folder)], dbname=restored_database, media_root=restored_media
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "every table's checksum, every sequence and every file's SHA-256 match" in result.stdout
    original, restored = databases.every_row(source), databases.every_row(restored_database)
    assert sorted(restored) == sorted(original)
    for table, rows in original.items():
        assert restored[table] == rows, f"{table} differs after the restore"
    assert sum(len(rows) for rows in restored.values()) > 500
    original_files = databases.every_file(media_root)
    assert any(path.startswith("articles/") for path in original_files)
    assert databases.every_file(restored_media) == original_files


def test_restore_refuses_a_database_that_already_holds_a_site(media_root, tmp_path):
    populate_site()
    folder = backup(tmp_path / "backups", media_root)
    articles_before = Article.objects.count()
    Article.objects.filter(pk=Article.objects.order_by("pk").first().pk).update(
        headline="Changed after the backup"
    )

    result = databases.run(
        ["ops/backup.py", "restore", str(folder)],
        dbname=connection.settings_dict["NAME"],
        media_root=tmp_path / "empty-media",
    )

    assert result.returncode != 0
    assert "already holds" in result.stderr
    assert "FORCE=yes" in result.stderr
    assert Article.objects.count() == articles_before
    assert Article.objects.filter(headline="Changed after the backup").exists()
    assert not (tmp_path / "empty-media").exists()


def test_a_damaged_backup_is_refused_before_anything_is_touched(media_root, restored_database, tmp_path):
    populate_site()
    folder = backup(tmp_path / "backups", media_root)
    dump = folder / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    result = databases.run(
        ["ops/backup.py", "restore", str(folder)], dbname=restored_database, media_root=tmp_path / "restored"
    )

    assert result.returncode != 0
    assert "database.dump does not match its checksum in the manifest: it is damaged" in result.stderr
    with databases.connect("postgres") as admin:
        created = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [restored_database]
        ).fetchone()
    assert created is None
    assert not (tmp_path / "restored").exists()
