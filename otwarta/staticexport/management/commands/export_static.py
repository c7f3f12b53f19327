"""``manage.py export_static OUTPUT_DIR``: the emergency static copy of the public portal (docs/crisis-mode.md)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from otwarta.staticexport.services.crawler import ExportOptions, StaticExporter


class Command(BaseCommand):
    help = "Export the public portal, every language, as static files any web server or CDN can serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="directory to write the copy into")
        parser.add_argument("--languages", default="", help="comma-separated language codes (default: all)")
        parser.add_argument("--base-url", default="",
                            help="address the copy is published at (absolute URLs in the copy); default SITE_URL")
        parser.add_argument("--live-url", default="",
                            help="the live portal, where searches and forms are sent; default SITE_URL")
        parser.add_argument("--clean", action="store_true", help="empty OUTPUT_DIR first")
        parser.add_argument("--generate-pdfs", action="store_true",
                            help="generate the print packs' PDFs that have no file yet (slow)")

    def handle(self, *args: Any, **options: Any) -> None:
        portal_languages = [code for code, _name in settings.LANGUAGES]
        languages = [c.strip() for c in options["languages"].split(",") if c.strip()] or portal_languages
        unknown = sorted(set(languages) - set(portal_languages))
        if unknown:
            raise CommandError(f"Unknown language(s): {', '.join(unknown)}")
        export_options = ExportOptions(
            output=Path(options["output"]).resolve(),
            languages=languages,
            base_url=(options["base_url"] or settings.SITE_URL).rstrip("/"),
            live_url=(options["live_url"] or settings.SITE_URL).rstrip("/"),
            clean=options["clean"],
            generate_pdfs=options["generate_pdfs"],
        )
        # The crawl is not traffic: one access-log line per exported page would bury the report.
        request_log = logging.getLogger("otwarta.request")
        level = request_log.level
        request_log.setLevel(logging.WARNING)
        try:
            report = StaticExporter(export_options, log=self.stdout.write).run()
        finally:
            request_log.setLevel(level)
        self.stdout.write(f"{'language':<10}{'pages':>8}{'files':>8}{'redirects':>11}{'bytes':>14}")
        for code, stats in sorted(report.languages.items()):
            self.stdout.write(f"{code:<10}{stats.pages:>8}{stats.files:>8}{stats.redirects:>11}{stats.bytes:>14,}")
        self.stdout.write("(language '-': static files, media, documents, the root pages)")
        self.stdout.write(f"print PDFs: {report.pdfs} (generated now: {report.generated_pdfs}); "
                          f"{report.seconds:.1f} s; manifest: {export_options.output / 'export-manifest.json'}")
        for url, status in report.skipped:
            self.stdout.write(f"skipped (not served, not linked): {url} [{status}]")
        problems = [f"page failed: {url} [{status}] (linked from {ref or '-'})" for url, status, ref in report.failures]
        problems += [f"broken link: {url} [{status}] (linked from {ref or '-'})" for url, status, ref in report.broken]
        problems += [f"broken link in the copy: {problem}" for problem in report.link_problems]
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"{len(problems)} problem(s): the copy is incomplete")
        self.stdout.write(self.style.SUCCESS("Export complete: every page rendered, every internal link works."))
