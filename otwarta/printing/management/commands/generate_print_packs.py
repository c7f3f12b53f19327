"""``manage.py generate_print_packs``: generate the PDFs of print packs in this process (no task queue), one
line per file. Files whose content is unchanged are not rendered again unless ``--force``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from otwarta.printing import services
from otwarta.printing.models import FileStatus, PackFile, PackFormat, PrintPack


class Command(BaseCommand):
    help = "Generate the PDFs of the print packs (every pack, language and format unless limited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pack", metavar="SLUG", help="Only this pack.")
        parser.add_argument("--language", metavar="CODE", choices=services.portal_languages(),
                            help="Only this language.")
        parser.add_argument("--format", choices=PackFormat.values, help="Only this format.")
        parser.add_argument("--force", action="store_true", help="Render even when the content is unchanged.")

    def handle(self, *args: Any, **options: Any) -> None:
        packs = PrintPack.sources().select_related("locale").order_by("pack_type", "slug")
        if options["pack"]:
            packs = packs.filter(slug=options["pack"])
            if not packs.exists():
                raise CommandError(f"No pack with the slug {options['pack']!r}.")
        languages = [options["language"]] if options["language"] else services.portal_languages()
        formats = [options["format"]] if options["format"] else services.all_formats()
        failed = total = 0
        with translation.override("en"):
            for pack in packs:
                for language in languages:
                    for fmt in formats:
                        total += 1
                        if not self.generate_one(pack, language, fmt, options["force"]):
                            failed += 1
        self.stdout.write(f"{total} files, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} of {total} files could not be generated.")

    def generate_one(self, pack: PrintPack, language: str, fmt: str, force: bool) -> bool:
        before = PackFile.objects.filter(pack=pack, language=language, format=fmt).values_list(
            "generated_at", flat=True).first()
        started = time.monotonic()
        packfile = services.generate(pack, language, fmt, force=force)
        seconds = time.monotonic() - started
        if packfile.status == FileStatus.READY:
            state = "rendered" if packfile.generated_at != before else "unchanged"
        else:
            state = f"FAILED ({packfile.error})"
        details = (f"{filesizeformat(packfile.size_bytes)}, {packfile.page_count} pages"
                   if packfile.available else "no file")
        line = f"{pack.slug} {language} {fmt}: {state}, {details}, {seconds:.2f} s"
        self.stdout.write(line if packfile.status == FileStatus.READY else self.style.ERROR(line))
        return packfile.status == FileStatus.READY
