"""Import HSDS 3.1 tables: ``manage.py import_hsds PATH [--institution SLUG] [--dry-run]``.

All or nothing: any problem is listed (file, row, column, message) and nothing is written; the exit status
is then non-zero. The command acts for the whole region; ``--institution`` owns new organisations whose
rows name none, and limits the import to that institution's records (categories may always be changed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from otwarta.hsds.tabular import ImportRejected, import_file
from otwarta.institutions.models import Institution


class Command(BaseCommand):
    help = "Import HSDS 3.1 tables (ZIP of CSV files, one CSV file or XLSX) into the directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--institution", help="Slug: only this institution's records; owner of new ones.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(slug=options["institution"]).first()
            if institution is None:
                raise CommandError(f"No institution with the slug {options['institution']!r}.")
        allowed = {institution.pk} if institution else None
        try:
            result, warnings = import_file(path.name, path.read_bytes(), allowed=allowed, institution=institution,
                                           dry_run=options["dry_run"], categories=True)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                where = ", ".join(str(part) for part in (problem.file, problem.row, problem.column) if part)
                self.stderr.write(f"{where}: {problem.message}")
            raise CommandError(f"{len(rejected.problems)} problem(s); nothing was imported.") from None
        for warning in warnings:
            self.stderr.write(f"{warning.file}: {warning.message}")
        for name, counts in result.counts.items():
            if counts.created or counts.updated or counts.deleted or counts.unchanged:
                self.stdout.write(f"{name}: {counts.created} created, {counts.updated} updated, "
                                  f"{counts.unchanged} unchanged, {counts.deleted} deleted")
        self.stdout.write("Dry run: nothing was written." if options["dry_run"] else "Imported.")
