"""``manage.py purge_audit_log [--dry-run]``: delete audit entries older than OTWARTA_AUDIT_RETENTION_DAYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from otwarta.audit import services


class Command(BaseCommand):
    help = "Delete audit log entries older than OTWARTA_AUDIT_RETENTION_DAYS (default 730 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.purge_old_entries(dry_run=options["dry_run"])
        verb = "Would delete" if options["dry_run"] else "Deleted"
        for label, count in counts.items():
            self.stdout.write(f"{verb} {count} {label} entries older than {services.retention_days()} days.")
