"""``manage.py check_links``: queue the external link check (``--now`` runs it in this process)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from otwarta.currency import linkcheck
from otwarta.currency.tasks import check_external_links


class Command(BaseCommand):
    help = "Collect the links from live articles to other websites and check that they still work."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Check in this process instead of queueing.")
        parser.add_argument("--collect-only", action="store_true", help="Only refresh the list of links.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["collect_only"]:
            collected = linkcheck.collect_links()
            self.stdout.write(f"{collected['total']} links ({collected['added']} new, {collected['removed']} removed).")
            return
        if options["now"]:
            summary = linkcheck.run()
            self.stdout.write(f"Checked {summary['checked']} links ({summary['addresses']} addresses): "
                              f"{summary['broken']} broken.")
            return
        result = check_external_links.enqueue()
        self.stdout.write(f"Link check queued (task result {result.id}, status {result.status}).")
