"""``manage.py restore PATH [--force]``: restore a backup into an empty database and the media storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from otwarta.operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup archive into an EMPTY database and the media storage (checks every checksum "
            "first; --force drops the existing tables and overwrites media files).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--force", action="store_true", help="restore over a non-empty database")
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(Path(options["path"]), db=connections[options["database"]].settings_dict,
                                    force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (version {manifest.get('app_version')}, git "
            f"{str(manifest.get('git_revision') or '?')[:12]}): {report.tables} tables, {report.rows} rows, "
            f"{report.media_files} media files ({report.media_bytes} bytes) in {report.seconds:.2f} s."
        )
        if report.mismatches:
            for table, (expected, found) in sorted(report.mismatches.items()):
                self.stderr.write(f"  {table}: {expected} rows in the backup, {found} after the restore")
            raise CommandError(f"Row counts differ from the manifest in {len(report.mismatches)} table(s).")
        self.stdout.write(self.style.SUCCESS("Row counts of every table match the manifest."))
