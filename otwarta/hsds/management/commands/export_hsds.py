"""Export the directory as HSDS 3.1 tables: ``manage.py export_hsds --format csv|xlsx --output PATH``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from otwarta.hsds.tabular import export_file
from otwarta.institutions.models import Institution


class Command(BaseCommand):
    help = "Export the service directory (Polish records) as HSDS 3.1 CSV files in a ZIP, or as XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", required=True, help="The file to write (a .zip for csv).")
        parser.add_argument("--institution", help="Slug of the institution; all institutions when omitted.")

    def handle(self, *args: Any, **options: Any) -> None:
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(slug=options["institution"]).first()
            if institution is None:
                raise CommandError(f"No institution with the slug {options['institution']!r}.")
        exported = export_file(options["format"], institution)
        Path(options["output"]).write_bytes(exported.content)
        self.stdout.write(f"{exported.rows} rows written to {options['output']}")
