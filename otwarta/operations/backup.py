"""Backup and restore of the database and the media files, as one tar archive (docs/operations.md).

Archive layout::

    database/db.sqlite3   (SQLite: a page-by-page copy made with sqlite3's online backup API)
    database/db.pgdump    (PostgreSQL: ``pg_dump --format=custom``)
    media/<name>          (every file of Django's default storage, read through the storage API)
    manifest.json         (last member: versions, migration state, row counts, sha256 of every member)

A restore reads the whole archive into a temporary directory and checks every checksum before it touches
the database or the storage; then it loads the database, writes the media files and compares the row count
of every table with the manifest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/db.sqlite3"
PG_MEMBER = "database/db.pgdump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (shown to the operator)."""


# --- Databases ------------------------------------------------------------------------------------


def vendor_of(db: dict[str, Any]) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        name = str(db["NAME"])
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            raise BackupError("An in-memory SQLite database cannot be restored into; use a database file.")
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Unsupported database engine {engine!r} (SQLite and PostgreSQL are supported).")


def pg_environment(db: dict[str, Any]) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore/psycopg from Django's settings; what the settings leave
    empty is left to the process environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, ~/.pgpass)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                     ("sslkey", "PGSSLKEY")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _pg_connect(db: dict[str, Any]) -> Any:
    import psycopg

    env = pg_environment(db)
    return psycopg.connect(
        host=env.get("PGHOST"), port=env.get("PGPORT"), user=env.get("PGUSER"), password=env.get("PGPASSWORD"),
        dbname=env.get("PGDATABASE"), sslmode=env.get("PGSSLMODE"), autocommit=True,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    # FTS5 shadow tables belong to their virtual table: counted through it.
    names = [r[0] for r in rows]
    return names


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    # table names come from the catalogue, quoted
    return {t: conn.execute(f"SELECT COUNT(*) FROM {_quote(t)}").fetchone()[0] for t in _sqlite_tables(conn)}  # noqa: S608


PG_TABLES_SQL = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
)


def _pg_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(PG_TABLES_SQL)
    tables = [r[0] for r in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (catalogue name, quoted)
        counts[table] = cursor.fetchone()[0]
    return counts


def table_row_counts(db: dict[str, Any]) -> dict[str, int]:
    """Rows per table of the database ``db`` (a Django DATABASES entry), read with its own connection."""
    if vendor_of(db) == "sqlite":
        if not Path(db["NAME"]).exists():
            return {}
        with contextlib.closing(sqlite3.connect(db["NAME"])) as conn:
            return _sqlite_counts(conn)
    with _pg_connect(db) as conn, conn.cursor() as cursor:
        return _pg_counts(cursor)


def table_names(db: dict[str, Any]) -> list[str]:
    if vendor_of(db) == "sqlite":
        if not Path(db["NAME"]).exists():
            return []
        with contextlib.closing(sqlite3.connect(db["NAME"])) as conn:
            return _sqlite_tables(conn)
    with _pg_connect(db) as conn, conn.cursor() as cursor:
        cursor.execute(PG_TABLES_SQL)
        return [r[0] for r in cursor.fetchall()]


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def dump_sqlite(alias: str, target: Path) -> dict[str, int]:
    """Copy the live SQLite database with the online backup API (consistent while the site writes) and
    return the row counts of the copy."""
    connection = connections[alias]
    if connection.in_atomic_block:
        # SQLite refuses to back up from a connection that is writing; Python would retry forever.
        raise BackupError("The SQLite database cannot be backed up from inside a transaction.")
    connection.ensure_connection()
    source = connection.connection
    with contextlib.closing(sqlite3.connect(target)) as dest:
        # One step: a shared lock for the whole copy, so concurrent writers cannot make it start over.
        source.backup(dest, pages=-1)
        dest.commit()
        return _sqlite_counts(dest)


def dump_postgres(db: dict[str, Any], target: Path) -> dict[str, int]:
    """pg_dump inside one exported snapshot: the row counts read here are those of the dump."""
    env = pg_environment(db)
    with _pg_connect(db) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _pg_counts(cursor)
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], env)
        cursor.execute("COMMIT")
    return counts


def is_empty(db: dict[str, Any]) -> bool:
    return not table_names(db)


def clear_database(db: dict[str, Any]) -> None:
    """Drop every table (``restore --force``)."""
    if vendor_of(db) == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
        return
    with _pg_connect(db) as conn, conn.cursor() as cursor:
        cursor.execute(PG_TABLES_SQL)
        tables = [r[0] for r in cursor.fetchall()]
        if tables:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(_quote(t) for t in tables) + " CASCADE")
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
        )
        for (sequence,) in cursor.fetchall():
            cursor.execute(f"DROP SEQUENCE IF EXISTS {_quote(sequence)} CASCADE")


def _close_connections_to(db: dict[str, Any]) -> None:
    for connection in connections.all(initialized_only=True):
        if connection.settings_dict.get("NAME") == db.get("NAME") and connection.vendor == db_vendor_name(db):
            connection.close()


def db_vendor_name(db: dict[str, Any]) -> str:
    return "postgresql" if vendor_of(db) == "postgresql" else "sqlite"


def load_sqlite(source: Path, db: dict[str, Any]) -> None:
    """Put the backed-up file in place of the database file (connections closed first; stale WAL files
    removed, or SQLite would replay them over the restored pages)."""
    _close_connections_to(db)
    target = Path(db["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, staging)
    with contextlib.closing(sqlite3.connect(staging)) as conn:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The database in the archive fails SQLite's integrity check.")
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(staging, target)


def load_postgres(source: Path, db: dict[str, Any]) -> None:
    _close_connections_to(db)
    env = pg_environment(db)
    _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", f"--dbname={env['PGDATABASE']}",
          str(source)], env)


# --- Media ----------------------------------------------------------------------------------------


def walk_storage(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name of ``storage`` under ``path``, recursively (works for FileSystemStorage and S3)."""
    try:
        directories, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from walk_storage(storage, f"{path}/{directory}" if path else directory)


class _HashingReader(io.RawIOBase):
    def __init__(self, source: IO[bytes]):
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data

    def readable(self) -> bool:
        return True


# --- Archive --------------------------------------------------------------------------------------


@dataclass
class BackupReport:
    path: Path
    vendor: str
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    archive_bytes: int
    seconds: float
    manifest: dict[str, Any] = field(repr=False, default_factory=dict)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def git_revision() -> str | None:
    head = Path(settings.BASE_DIR) / ".git" / "HEAD"
    try:
        ref = head.read_text().strip()
        if ref.startswith("ref: "):
            ref_path = head.parent / ref[5:]
            if ref_path.exists():
                return ref_path.read_text().strip()
            for line in (head.parent / "packed-refs").read_text().splitlines():
                if line.endswith(" " + ref[5:]):
                    return line.split(" ", 1)[0]
            return None
        return ref
    except OSError:
        return None


def app_version() -> str | None:
    import tomllib

    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except (OSError, KeyError, ValueError):
        return None


def migration_state(alias: str) -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[alias]).migration_qs.order_by("app", "name").values_list(
        "app", "name"
    ):
        state.setdefault(app, []).append(name)
    return state


def create_backup(output: Path, *, alias: str = "default", storage: Storage | None = None,
                  include_media: bool = True) -> BackupReport:
    """Write database + media + manifest to ``output`` (gzip-compressed when it ends in .gz/.tgz)."""
    started = time.perf_counter()
    storage = storage or default_storage
    db = connections[alias].settings_dict
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Unsupported database {vendor!r} (SQLite and PostgreSQL are supported).")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    compress = output.name.endswith((".gz", ".tgz"))
    partial = output.with_name(output.name + ".partial")
    checksums: dict[str, str] = {}
    media_files = media_bytes = 0
    with tempfile.TemporaryDirectory(prefix="otwarta-backup-") as tmp:
        if vendor == "sqlite":
            member, dump = SQLITE_MEMBER, Path(tmp) / "db.sqlite3"
            counts = dump_sqlite(alias, dump)
        else:
            member, dump = PG_MEMBER, Path(tmp) / "db.pgdump"
            counts = dump_postgres(db, dump)
        migrations = migration_state(alias)
        # gzip level 6 (gzip's own default) rather than tarfile's 9: faster, a little larger
        archive = (tarfile.open(partial, "w:gz", compresslevel=6) if compress  # noqa: SIM115 - closed by with
                   else tarfile.open(partial, "w"))  # noqa: SIM115
        with archive as tar:
            tar.add(dump, arcname=member, recursive=False)
            checksums[member] = _sha256_file(dump)
            if include_media:
                for name in walk_storage(storage):
                    info = tarfile.TarInfo(MEDIA_PREFIX + name)
                    info.size = storage.size(name)
                    with contextlib.suppress(NotImplementedError, AttributeError, OSError):
                        info.mtime = int(storage.get_modified_time(name).timestamp())
                    with storage.open(name, "rb") as f:
                        reader = _HashingReader(f)
                        tar.addfile(info, reader)
                    checksums[info.name] = reader.digest.hexdigest()
                    media_files += 1
                    media_bytes += info.size
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "app_version": app_version(),
                "git_revision": git_revision(),
                "django_version": django.get_version(),
                "database_vendor": vendor,
                "database_member": member,
                "migrations": migrations,
                "tables": counts,
                "media": {"files": media_files, "bytes": media_bytes},
                "checksums": checksums,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
    os.replace(partial, output)
    return BackupReport(path=output, vendor=vendor, tables=len(counts), rows=sum(counts.values()),
                        media_files=media_files, media_bytes=media_bytes, archive_bytes=output.stat().st_size,
                        seconds=time.perf_counter() - started, manifest=manifest)


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def read_archive(path: Path, extract_to: Path | None = None) -> dict[str, Any]:
    """Read the whole archive, checking every member against the manifest; extract into ``extract_to``
    if given. Raises BackupError (naming the problem) for a damaged, incomplete or tampered archive."""
    digests: dict[str, str] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                if not _safe_member_name(info.name) or not info.isfile():
                    raise BackupError(f"Unexpected member {info.name!r} in the archive.")
                if info.name in digests or (info.name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"Duplicate member {info.name!r} in the archive.")
                source = tar.extractfile(info)
                assert source is not None
                if info.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                digest = hashlib.sha256()
                target = None
                if extract_to is not None:
                    target_path = extract_to / info.name
                    target_path.parent.mkdir(parents=True, exist_ok=True)
                    target = target_path.open("wb")
                try:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        if target is not None:
                            target.write(chunk)
                finally:
                    if target is not None:
                        target.close()
                digests[info.name] = digest.hexdigest()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"The archive cannot be read: {exc}") from exc
    if manifest_bytes is None:
        raise BackupError("The archive has no manifest.json.")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise BackupError("manifest.json is not valid JSON.") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    expected: dict[str, str] = manifest.get("checksums", {})
    missing = sorted(set(expected) - set(digests))
    extra = sorted(set(digests) - set(expected))
    damaged = sorted(name for name in expected.keys() & digests.keys() if expected[name] != digests[name])
    problems = []
    if damaged:
        problems.append(f"checksum mismatch: {', '.join(damaged[:5])}" + (" …" if len(damaged) > 5 else ""))
    if missing:
        problems.append(f"missing members: {', '.join(missing[:5])}" + (" …" if len(missing) > 5 else ""))
    if extra:
        problems.append(f"members not in the manifest: {', '.join(extra[:5])}" + (" …" if len(extra) > 5 else ""))
    if manifest.get("database_member") not in digests:
        problems.append("no database dump")
    if problems:
        raise BackupError("The archive is damaged and was not used: " + "; ".join(problems) + ".")
    return manifest


@dataclass
class RestoreReport:
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    seconds: float
    mismatches: dict[str, tuple[int, int | None]]
    manifest: dict[str, Any] = field(repr=False, default_factory=dict)


def restore_backup(path: Path, *, db: dict[str, Any] | None = None, storage: Storage | None = None,
                   force: bool = False) -> RestoreReport:
    """Restore ``path`` into the database ``db`` (a DATABASES entry; default: the default database) and
    the storage (default: Django's default storage). Nothing is changed unless the whole archive checks
    out and the target database is empty (or ``force``)."""
    started = time.perf_counter()
    db = db or connections["default"].settings_dict
    storage = storage or default_storage
    vendor = vendor_of(db)
    with tempfile.TemporaryDirectory(prefix="otwarta-restore-") as tmp:
        staging = Path(tmp)
        manifest = read_archive(Path(path), extract_to=staging)
        if manifest["database_vendor"] != vendor:
            raise BackupError(f"The archive holds a {manifest['database_vendor']} database; the target is {vendor}.")
        media = sorted(name[len(MEDIA_PREFIX):] for name in manifest["checksums"] if name.startswith(MEDIA_PREFIX))
        if not is_empty(db) and not force:
            raise BackupError(
                "The target database is not empty: restore only into an empty database, or pass --force to "
                "drop all its tables first. Nothing was changed."
            )
        conflicts = [name for name in media if storage.exists(name)]
        if conflicts and not force:
            raise BackupError(
                f"{len(conflicts)} media file(s) already exist in the storage (e.g. {conflicts[0]!r}); pass --force "
                "to overwrite them. Nothing was changed."
            )
        if force:
            clear_database(db)
        dump = staging / manifest["database_member"]
        if vendor == "sqlite":
            load_sqlite(dump, db)
        else:
            load_postgres(dump, db)
        media_bytes = 0
        for name in media:
            if storage.exists(name):
                storage.delete(name)
            source = staging / (MEDIA_PREFIX + name)
            with source.open("rb") as f:
                saved = storage.save(name, File(f, name=name))
            if saved != name:
                raise BackupError(f"The storage saved {name!r} as {saved!r}.")
            media_bytes += source.stat().st_size
    counts = table_row_counts(db)
    expected: dict[str, int] = manifest["tables"]
    mismatches = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
    return RestoreReport(tables=len(expected), rows=sum(counts.get(t, 0) for t in expected), media_files=len(media),
                         media_bytes=media_bytes, seconds=time.perf_counter() - started, mismatches=mismatches,
                         manifest=manifest)
