#!/usr/bin/env python
"""Backup/restore round trip on a demo-sized portal: times, sizes and a table-by-table comparison.

    .venv/bin/python benchmarks/backup_restore.py             # temporary SQLite: migrate + load_demo --no-pdfs
    .venv/bin/python benchmarks/backup_restore.py --keep      # keep the temporary directory (path printed)
    .venv/bin/python benchmarks/backup_restore.py --postgres  # the same in two throw-away PostgreSQL databases
                                                              # (h2_bench_*, dropped afterwards; needs psql)

Everything runs through the real commands (``manage.py backup`` / ``restore``) in subprocesses with
``OTWARTA_VAR_DIR`` pointing at a temporary directory: the shared ``var/`` is never opened. The source is
compared with the restored copy table by table (row count and a digest of every row) and media file by
media file (bytes).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started, result.stdout.strip()


def sqlite_digests(path: Path) -> dict[str, tuple[int, str]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        result = {}
        for table in tables:
            rows = sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-AtX", "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def pg_digests(database: str) -> dict[str, tuple[int, str]]:
    tables = psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database).split()
    digest = "count(*) || '|' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '')"
    sql = " UNION ALL ".join(f"SELECT '{t}' || '|' || {digest} FROM \"{t}\" r" for t in tables)  # noqa: S608
    result = {}
    for line in psql(sql, database).splitlines():
        table, count, md5 = line.split("|", 2)
        result[table] = (int(count), md5)
    return result


def media_digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()} if root.exists() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL on 127.0.0.1:5432")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="otwarta-backup-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "otwarta.settings", "DJANGO_ENV": "development",
           "DJANGO_DEBUG": "0", "OTWARTA_TASKS_BACKEND": "immediate", "LOG_LEVEL": "ERROR"}
    for name in ("OTWARTA_STATIC_ROOT", "OTWARTA_MEDIA_ROOT", "REDIS_URL", "DATABASE_URL", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    suffix = uuid.uuid4().hex[:8]
    databases = (f"h2_bench_src_{suffix}", f"h2_bench_dst_{suffix}")
    source_env = {**env, "OTWARTA_VAR_DIR": str(tmp / "source")}
    target_env = {**env, "OTWARTA_VAR_DIR": str(tmp / "target")}
    try:
        if args.postgres:
            for database in databases:
                psql(f"CREATE DATABASE {database}")
            source_env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{databases[0]}"
            target_env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{databases[1]}"
        for var in (tmp / "source", tmp / "target"):
            (var / "static").mkdir(parents=True)
        print("Building the demo portal (migrate + load_demo --no-pdfs) …", flush=True)
        migrate_s, _ = manage(source_env, "migrate", "-v0")
        demo_s, _ = manage(source_env, "load_demo", "--no-pdfs")
        print(f"  migrate {migrate_s:.1f} s, load_demo {demo_s:.1f} s")

        archive = tmp / "otwarta-backup.tar.gz"
        backup_s, backup_out = manage(source_env, "backup", "--output", str(archive))
        print(backup_out)
        verify_s, verify_out = manage(source_env, "verify_backup", str(archive))
        print(verify_out)
        restore_s, restore_out = manage(target_env, "restore", str(archive))
        print(restore_out)

        if args.postgres:
            source, target = pg_digests(databases[0]), pg_digests(databases[1])
        else:
            source = sqlite_digests(tmp / "source" / "db.sqlite3")
            target = sqlite_digests(tmp / "target" / "db.sqlite3")
        differing = sorted(t for t in source.keys() | target.keys() if source.get(t) != target.get(t))
        media_source, media_target = media_digests(tmp / "source" / "media"), media_digests(tmp / "target" / "media")
        rows = sum(n for n, _ in source.values())
        media_bytes = sum((tmp / "source" / "media" / name).stat().st_size for name in media_source)
        print()
        print(f"database        : {'PostgreSQL' if args.postgres else 'SQLite'}")
        print(f"tables / rows   : {len(source)} / {rows}")
        print(f"media files     : {len(media_source)} ({media_bytes} bytes)")
        print(f"archive         : {archive.stat().st_size} bytes (tar.gz)")
        print(f"backup          : {backup_s:.2f} s   verify: {verify_s:.2f} s   restore: {restore_s:.2f} s "
              "(each a manage.py process, Django start-up included)")
        print(f"tables differing: {len(differing)} {differing[:5] if differing else ''}")
        print(f"media identical : {media_source == media_target}")
        if differing or media_source != media_target:
            sys.exit(1)
    finally:
        if args.postgres:
            for database in databases:
                with contextlib.suppress(subprocess.CalledProcessError):
                    psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
