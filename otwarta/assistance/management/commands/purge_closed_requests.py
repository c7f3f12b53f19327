"""Delete closed requests (done or cancelled) older than settings.OTWARTA_REQUEST_RETENTION_DAYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from otwarta.assistance import services


class Command(BaseCommand):
    help = "Delete requests closed more than OTWARTA_REQUEST_RETENTION_DAYS days ago, with their history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = services.retention_days()
        if options["dry_run"]:
            count = services.purge_closed_requests(dry_run=True)
            self.stdout.write(f"{count} closed request(s) older than {days} days would be deleted (dry run).")
            return
        count = services.purge_closed_requests()
        self.stdout.write(self.style.SUCCESS(f"Deleted {count} closed request(s) older than {days} days."))
