"""Backup and restore round trips: SQLite in-process (the test portal), PostgreSQL through the commands."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection

from otwarta.operations.backup import BackupError, create_backup, read_archive, restore_backup

MEDIA = {
    "original_images/plakat.png": bytes(range(256)) * 40,
    "documents/2026/ulotka-zażółć.pdf": b"%PDF-1.7\n" + os.urandom(30_000),
    "a/b/c/deep.txt": "Małopolska otwarta\n".encode(),
    "empty.txt": b"",
}
DETECT = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
# These restore into a new SQLite file next to the test database; the PostgreSQL run has its own round trip
# (test_postgres_round_trip_through_the_commands).
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite round trip (PostgreSQL: see below)")


def table_digests(rows_by_table: dict[str, list[tuple[Any, ...]]]) -> dict[str, tuple[int, str]]:
    """(row count, sha256 over the sorted rows) per table: equal digests mean equal contents."""
    return {
        table: (len(rows), hashlib.sha256("\n".join(sorted(repr(r) for r in rows)).encode()).hexdigest())
        for table, rows in rows_by_table.items()
    }


def sqlite_rows(cursor: Any) -> dict[str, list[tuple[Any, ...]]]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    tables = [r[0] for r in cursor.fetchall()]
    result = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        result[table] = [tuple(r) for r in cursor.fetchall()]
    return result


def media_storage(root: Path, files: dict[str, bytes]) -> FileSystemStorage:
    storage = FileSystemStorage(location=root, base_url="/media/")
    for name, data in files.items():
        assert storage.save(name, ContentFile(data)) == name
    return storage


@pytest.fixture(scope="module")
def portal_backup(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A backup of the test portal (built once per session) plus a few media files. Made outside the tests'
    rolled-back transactions: SQLite cannot back up from a connection that is in the middle of writing."""
    root = tmp_path_factory.mktemp("portal-backup")
    with django_db_blocker.unblock():
        report = create_backup(root / "backup.tar.gz", storage=media_storage(root / "media", MEDIA))
    return report


@pytest.mark.django_db
@sqlite_only
def test_sqlite_round_trip_restores_every_row_and_media_file(portal_backup: Any, tmp_path: Path) -> None:
    backup, archive = portal_backup, portal_backup.path
    with connection.cursor() as cursor:
        source = table_digests(sqlite_rows(cursor))
    assert backup.rows > 100 and backup.media_files == len(MEDIA)
    manifest = read_archive(archive)
    assert manifest["database_vendor"] == "sqlite"
    assert manifest["tables"]["wagtailcore_page"] == source["wagtailcore_page"][0]
    assert "0001_initial" in manifest["migrations"]["wagtailcore"]
    assert set(manifest["checksums"]) == {"database/db.sqlite3", *(f"media/{n}" for n in MEDIA)}

    target_db = {**connection.settings_dict, "NAME": str(tmp_path / "restored" / "db.sqlite3")}
    target_storage = FileSystemStorage(location=tmp_path / "restored-media")
    restored = restore_backup(archive, db=target_db, storage=target_storage)

    assert restored.mismatches == {}
    with contextlib.closing(sqlite3.connect(target_db["NAME"], detect_types=DETECT)) as conn:
        target = table_digests(sqlite_rows(conn.cursor()))
    assert target.keys() == source.keys()
    differing = [t for t in source if source[t] != target[t]]
    assert differing == []
    for name, data in MEDIA.items():
        with target_storage.open(name, "rb") as f:
            assert f.read() == data, name
    # The figures quoted in the closing note (pytest -s shows them).
    print(f"\nSQLite round trip: {len(source)} tables, {backup.rows} rows, {backup.media_files} media files "
          f"({backup.media_bytes} bytes), archive {backup.archive_bytes} bytes; backup {backup.seconds:.2f} s, "
          f"restore {restored.seconds:.2f} s; every table identical (row count + content digest)")


def rewrite_member(archive: Path, target: Path, member: str, data: bytes) -> None:
    """Copy ``archive`` to ``target`` with ``member``'s bytes replaced (the manifest left as it was)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as dst:
        for info in src:
            content = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == member:
                content = data
            new = tarfile.TarInfo(info.name)
            new.size = len(content)
            dst.addfile(new, io.BytesIO(content))


@pytest.mark.django_db
@sqlite_only
def test_corrupted_archive_is_refused_and_nothing_changes(portal_backup: Any, tmp_path: Path) -> None:
    archive = portal_backup.path
    damaged = tmp_path / "damaged.tar"
    rewrite_member(archive, damaged, "media/a/b/c/deep.txt", b"Malopolska otwarta\n")

    with pytest.raises(CommandError, match=r"checksum mismatch: media/a/b/c/deep\.txt"):
        call_command("verify_backup", str(damaged))
    target_db = {**connection.settings_dict, "NAME": str(tmp_path / "new" / "db.sqlite3")}
    target_storage = FileSystemStorage(location=tmp_path / "new-media")
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(damaged, db=target_db, storage=target_storage)
    assert not Path(target_db["NAME"]).exists()
    assert not (tmp_path / "new-media").exists()

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(BackupError):
        read_archive(truncated)
    # A tampered manifest is no better than tampered data.
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    manifest["checksums"]["database/db.sqlite3"] = "0" * 64
    forged = tmp_path / "forged.tar"  # written uncompressed: the reader detects the format
    rewrite_member(archive, forged, "manifest.json", json.dumps(manifest).encode())
    with pytest.raises(BackupError, match=r"checksum mismatch: database/db\.sqlite3"):
        read_archive(forged)
    call_command("verify_backup", str(archive), stdout=io.StringIO())  # the intact one passes


@pytest.mark.django_db
@sqlite_only
def test_restore_refuses_a_non_empty_database(portal_backup: Any, tmp_path: Path) -> None:
    archive = portal_backup.path
    target_db = {**connection.settings_dict, "NAME": str(tmp_path / "db.sqlite3")}
    first = restore_backup(archive, db=target_db, storage=FileSystemStorage(location=tmp_path / "m1"))
    assert first.mismatches == {}
    before = Path(target_db["NAME"]).read_bytes()
    with pytest.raises(BackupError, match="not empty.*--force"):
        restore_backup(archive, db=target_db, storage=FileSystemStorage(location=tmp_path / "m2"))
    assert Path(target_db["NAME"]).read_bytes() == before
    assert not (tmp_path / "m2").exists()
    # An existing media file is not overwritten without --force either (and the database is not touched).
    occupied = media_storage(tmp_path / "occupied", {"empty.txt": b"other"})
    with pytest.raises(BackupError, match="already exist"):
        restore_backup(archive, db={**target_db, "NAME": str(tmp_path / "new.sqlite3")}, storage=occupied)
    assert not (tmp_path / "new.sqlite3").exists()
    # --force replaces both.
    with contextlib.closing(sqlite3.connect(target_db["NAME"])) as conn:
        conn.execute("DELETE FROM wagtailcore_page WHERE depth > 2")
        conn.commit()
    forced = restore_backup(archive, db=target_db, storage=occupied, force=True)
    assert forced.mismatches == {}
    assert occupied.open("empty.txt").read() == b""
    # The command says the same; the (in-memory) test database is refused as a target.
    with pytest.raises(CommandError, match="in-memory"):
        call_command("restore", str(archive))
    # SQLite cannot copy a database from a connection that is writing: refused, not hung.
    with pytest.raises(BackupError, match="inside a transaction"):
        create_backup(tmp_path / "x.tar")


# --- PostgreSQL: through the management commands, in databases of our own ------------------------


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
    except OSError:
        return False
    return shutil.which("pg_dump") is not None and shutil.which("psql") is not None


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-AtX", "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args], env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def pg_digests(database: str) -> dict[str, str]:
    """md5 of each table's rows (sorted text form), computed by PostgreSQL."""
    tables = psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database).split()
    digest = "count(*)::text || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '')"
    sql = " UNION ALL ".join(f"SELECT '{t}', {digest} FROM \"{t}\" r" for t in tables)  # noqa: S608
    return dict(line.split("|", 1) for line in psql(sql, database).splitlines())


@pytest.mark.skipif(not postgres_answers(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_postgres_round_trip_through_the_commands(tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:8]
    source, target = f"h2_ops_src_{suffix}", f"h2_ops_dst_{suffix}"
    base_env = {**os.environ, "DJANGO_ENV": "development", "OTWARTA_TESTING": "1", "LOG_LEVEL": "ERROR",
                "OTWARTA_TASKS_BACKEND": "immediate"}
    base_env.pop("REDIS_URL", None)
    try:
        psql(f"CREATE DATABASE {source}")
        psql(f"CREATE DATABASE {target}")
        src_env = {**base_env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{source}",
                   "OTWARTA_VAR_DIR": str(tmp_path / "src")}
        dst_env = {**base_env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{target}",
                   "OTWARTA_VAR_DIR": str(tmp_path / "dst")}
        manage(src_env, "migrate", "-v0")
        media_storage(tmp_path / "src" / "media", MEDIA)
        archive = tmp_path / "pg.tar.gz"
        started = time.perf_counter()
        print("\n" + manage(src_env, "backup", "--output", str(archive)).strip())
        backup_seconds = time.perf_counter() - started
        assert "database/db.pgdump" in read_archive(archive)["checksums"]
        started = time.perf_counter()
        out = manage(dst_env, "restore", str(archive))
        restore_seconds = time.perf_counter() - started
        print(out.strip())
        assert "match the manifest" in out
        source_digests, target_digests = pg_digests(source), pg_digests(target)
        assert source_digests == target_digests and len(source_digests) > 50
        for name, data in MEDIA.items():
            assert (tmp_path / "dst" / "media" / name).read_bytes() == data
        print(f"PostgreSQL round trip: {len(source_digests)} tables identical; backup {backup_seconds:.1f} s, "
              f"restore {restore_seconds:.1f} s (commands, incl. Django start-up)")
        # Restoring again refuses the now non-empty database.
        result = subprocess.run([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore",
                                 str(archive)], env=dst_env, capture_output=True, text=True, check=False)
        assert result.returncode != 0 and "not empty" in result.stderr
    finally:
        for database in (source, target):
            psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
