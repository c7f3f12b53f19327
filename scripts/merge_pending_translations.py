#!/usr/bin/env python
"""Fill the interface catalogues from translation batches (otwarta/locale/pending/*.json).

Each batch is a JSON list of ``{"msgid", ["msgid_plural"], "pl", "uk", "ru", "be", "ka"}`` written by
whoever added the strings. Entries already translated in a catalogue are left as they are; empty or fuzzy
ones are filled; entries the catalogue lacks are added. Run scripts/update-translations.sh first so the
catalogues know every msgid of the code, then this, then `manage.py compile_translations`.

    .venv/bin/python scripts/merge_pending_translations.py [--delete]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "otwarta" / "locale"


def main(argv: list[str]) -> int:
    batches = sorted((LOCALE / "pending").glob("*.json"))
    entries = [entry for path in batches for entry in json.loads(path.read_text(encoding="utf-8"))]
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        lang = po_path.parent.parent.name
        po = polib.pofile(str(po_path), wrapwidth=79)
        changed = 0
        for item in entries:
            value = item.get(lang)
            if value is None:
                continue
            entry = po.find(item["msgid"], msgctxt=item.get("msgctxt"))
            if entry is None:
                entry = polib.POEntry(msgid=item["msgid"], msgctxt=item.get("msgctxt"))
                if item.get("msgid_plural"):
                    entry.msgid_plural = item["msgid_plural"]
                po.append(entry)
            elif entry.translated() and "fuzzy" not in entry.flags:
                continue
            if entry.msgid_plural:
                forms = value if isinstance(value, list) else [value]
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = value if isinstance(value, str) else value[0]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            changed += 1
        if changed:
            po.save()
        print(f"{po_path.relative_to(ROOT)}: {changed} entries filled")
    if "--delete" in argv:
        for path in batches:
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
