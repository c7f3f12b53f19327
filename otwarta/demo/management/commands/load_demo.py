from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from otwarta.demo.loader import DEMO_PASSWORD, DemoLoader


class Command(BaseCommand):
    help = "Load the demonstration content (idempotent: a second run creates nothing new)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--update", action="store_true", help="Overwrite demo pages with the files' text.")
        parser.add_argument("--no-accounts", action="store_true", help="Do not create demo accounts.")
        parser.add_argument("--no-pdfs", action="store_true",
                            help="Do not request the print packs' PDFs (make run generates them in the background "
                                 "with generate_print_packs; rendering all of them takes minutes).")

    def handle(self, *args: Any, **options: Any) -> None:
        loader = DemoLoader(update=options["update"], print_pdfs=not options["no_pdfs"])
        report = loader.load(with_accounts=not options["no_accounts"])
        self.stdout.write(self.style.SUCCESS(f"Demo content: {report.summary()}."))
        if report.accounts:
            self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
            for username, role in report.accounts:
                self.stdout.write(f"  {username:32} {role}")
            port = os.environ.get("PORT") or "8000"
            self.stdout.write(f"Sign in at http://localhost:{port}/admin/")
