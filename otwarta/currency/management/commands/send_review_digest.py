"""``manage.py send_review_digest``: queue the weekly review digest (``--now`` sends it in this process)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from otwarta.currency import digest
from otwarta.currency.tasks import send_review_digest


class Command(BaseCommand):
    help = "Queue the e-mail digest of pages due for a check to every institution editor and moderator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send in this process instead of queueing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            report = digest.send_digests()
            self.stdout.write(f"Digest sent to {len(report.sent)} people; {len(report.skipped)} had nothing due; "
                              f"{len(report.failed)} failed.")
            return
        result = send_review_digest.enqueue()
        self.stdout.write(f"Review digest queued (task result {result.id}, status {result.status}).")
