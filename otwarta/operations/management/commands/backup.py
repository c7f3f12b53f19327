"""``manage.py backup [--output PATH]``: database and media in one archive (docs/operations.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from otwarta.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write the database and the media files into one archive (tar; .tar.gz compresses it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", default="",
                            help="archive path (default: VAR_DIR/backups/otwarta-<UTC time>.tar.gz)")
        parser.add_argument("--no-media", action="store_true", help="database only")
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else (
            Path(settings.VAR_DIR) / "backups" / f"otwarta-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.tar.gz"
        )
        try:
            report = create_backup(output, alias=options["database"], include_media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {report.path}: {report.vendor} database, {report.tables} tables, {report.rows} rows, "
            f"{report.media_files} media files ({report.media_bytes} bytes); archive {report.archive_bytes} bytes; "
            f"{report.seconds:.2f} s."
        ))
