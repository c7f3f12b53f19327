"""Compile the interface catalogues (.po → .mo) with polib, so no GNU gettext install is needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile otwarta/locale/ and every app's locale/ catalogue (.po) into .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        app_locale_dirs = sorted(Path(settings.BASE_DIR, "otwarta").glob("*/locale"))
        for locale_dir in [*settings.LOCALE_PATHS, *app_locale_dirs]:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
