"""``manage.py verify_backup PATH``: check an archive (every checksum, the manifest) without restoring it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from otwarta.operations.backup import BackupError, read_archive


class Command(BaseCommand):
    help = "Check a backup archive without restoring it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = read_archive(Path(options["path"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["tables"]
        self.stdout.write(self.style.SUCCESS(
            f"Archive OK: created {manifest['created_at']}, version {manifest.get('app_version')} "
            f"(git {str(manifest.get('git_revision') or '?')[:12]}), {manifest['database_vendor']} database with "
            f"{len(tables)} tables and {sum(tables.values())} rows, {manifest['media']['files']} media files "
            f"({manifest['media']['bytes']} bytes); {len(manifest['checksums'])} checksums verified."
        ))
