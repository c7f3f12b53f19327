#!/usr/bin/env python
"""XLIFF exchange benchmark: export and import of a 200-page institution section, against wagtail-localize's
own PO export and import of the same pages as the baseline.

    .venv/bin/python benchmarks/xliff_exchange.py                  # 200 articles, 5 timed runs of each
    .venv/bin/python benchmarks/xliff_exchange.py -n 9 --pages 500 --locale uk

It builds a throw-away SQLite database in a temporary directory (``OTWARTA_VAR_DIR=<tmpdir>``: ``migrate``
and the small test portal), adds ``--pages`` generated articles (several paragraphs with bold text and
links, numbered steps, a documents list, questions and answers) to the ``urzad`` institution's section and
publishes them; the shared ``var/db.sqlite3`` is never opened.

Measured, in-process (no HTTP), each the median of ``-n`` runs after one warm-up run:

* XLIFF export of the section (``operations.export``: refresh each page's wagtail-localize source, read the
  units, write the XLIFF document);
* XLIFF import of the translated file as drafts (``operations.import_upload``: parse, check every unit,
  write the string translations, save a draft revision of every translated page), each run rolled back so
  that every run does the same work;
* baseline: wagtail-localize's own ``Translation.export_po()`` of the same pages, and its
  ``Translation.import_po()`` + ``Translation.save_target(publish=False)`` of the same translations;
* PO export and import through this app (which wraps the same wagtail-localize calls, with the checks).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "reference" / "xliff" / "xliff-core-1.2-strict.xsd"
WORDS = [
    "wniosek", "urząd", "cudzoziemców", "zezwolenie", "pobyt", "czasowy", "karta", "dokument", "paszport", "opłata",
    "skarbowa", "termin", "decyzja", "odwołanie", "pracodawca", "umowa", "ubezpieczenie", "zdrowotne", "meldunek",
    "adres", "zamieszkania", "tłumaczenie", "przysięgłe", "formularz", "podpis", "załącznik", "potwierdzenie",
    "wizyta", "rezerwacja", "kolejka",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--repetitions", type=int, default=5, help="timed runs of each measurement (5)")
    parser.add_argument("--pages", type=int, default=200, help="generated articles in the section (200)")
    parser.add_argument("--locale", default="uk", help="target language (uk)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (its path is printed)")
    args = parser.parse_args(argv)
    if args.repetitions < 1 or args.pages < 1:
        parser.error("--repetitions and --pages must be at least 1")
    return args


def configure_environment() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="otwarta-bench-xliff-"))
    (tmp / "static").mkdir()
    os.environ["OTWARTA_VAR_DIR"] = str(tmp)
    for name in ("DATABASE_URL", "OTWARTA_STATIC_ROOT", "OTWARTA_MEDIA_ROOT", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "otwarta.settings", "DJANGO_ENV": "development", "DJANGO_DEBUG": "0",
        "OTWARTA_TASKS_BACKEND": "immediate", "LOG_LEVEL": "ERROR",
    })
    sys.path.insert(0, str(ROOT))
    return tmp


# --- content --------------------------------------------------------------------------------------------
def sentence(rng: Any, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def paragraph(rng: Any, index: int) -> str:
    """A paragraph with bold text and a link, as editors write them."""
    return (f"<p>{sentence(rng, 12)} <b>{sentence(rng, 3)}</b> {sentence(rng, 10)} "
            f'<a href="https://urzad.example.org/sprawa/{index}">{sentence(rng, 4)}</a> {sentence(rng, 8)}</p>')


def items(rng: Any, values: list[Any]) -> list[dict[str, Any]]:
    """List items in Wagtail's block format (as the page editor saves them; wagtail-localize extracts
    list items only in this format)."""
    return [{"type": "item", "value": value, "id": str(uuid.UUID(int=rng.getrandbits(128)))} for value in values]


def article_body(rng: Any, index: int) -> list[dict[str, Any]]:
    return [
        {"type": "text", "value": "".join(paragraph(rng, index * 10 + n) for n in range(4))},
        {"type": "steps", "value": {"heading": sentence(rng, 3), "steps": items(rng, [
            {"title": sentence(rng, 4), "text": paragraph(rng, index * 10 + 5 + n)} for n in range(3)])}},
        {"type": "documents", "value": {"heading": sentence(rng, 2),
                                        "items": items(rng, [sentence(rng, 3) for _ in range(4)]),
                                        "note": sentence(rng, 12)}},
        {"type": "warning", "value": {"title": sentence(rng, 2), "text": paragraph(rng, index * 10 + 9)}},
        {"type": "questions", "value": {"heading": sentence(rng, 2), "questions": items(rng, [
            {"question": sentence(rng, 6)[:-1] + "?", "answer": f"<p>{sentence(rng, 15)}</p>"} for _ in range(3)])}},
    ]


def build_section(pages: int, say: Callable[[str], None]) -> Any:
    import json
    import random

    from django.core.management import call_command

    from otwarta.core.testing import build_test_portal
    from otwarta.portal.models import ArticlePage, InstitutionPage
    from otwarta.portal.services import publish

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    build_test_portal()
    say(f"migrate + test portal: {time.perf_counter() - started:.1f} s")
    section = InstitutionPage.objects.get(locale__language_code="pl", institution__slug="urzad")
    rng = random.Random(2026)  # noqa: S311 - repeatable text, not security
    started = time.perf_counter()
    for index in range(pages):
        article = ArticlePage(title=f"{sentence(rng, 4)[:-1]} {index}", slug=f"sprawa-{index}",
                              summary=sentence(rng, 14), body=json.dumps(article_body(rng, index)),
                              locale=section.locale)
        section.add_child(instance=article)
        publish(article)
    say(f"{pages} generated articles published: {time.perf_counter() - started:.1f} s")
    return section


# --- measuring ------------------------------------------------------------------------------------------
def timed(functions: dict[str, Callable[[], Any]], repetitions: int, rollback: bool = False) -> dict[str, list[float]]:
    """One warm-up run of each function, then ``repetitions`` rounds in which each runs once (in turn, so
    that all see the same caches); each run is rolled back when ``rollback``."""
    from django.db import transaction

    def run(function: Callable[[], Any]) -> None:
        if not rollback:
            function()
            return
        with transaction.atomic():
            function()
            transaction.set_rollback(True)

    for function in functions.values():
        run(function)
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repetitions):
        for name, function in functions.items():
            started = time.perf_counter()
            run(function)
            times[name].append(time.perf_counter() - started)
    return times


def translate_xliff(content: bytes) -> bytes:
    from lxml import etree

    from otwarta.exchange.xliff import NS

    root = etree.fromstring(content)
    for unit in root.iter(f"{{{NS}}}trans-unit"):
        source = unit.find(f"{{{NS}}}source")
        assert source is not None
        target = etree.fromstring(etree.tostring(source))
        target.tag = f"{{{NS}}}target"
        target.set("state", "translated")
        target.text = (target.text or "") + ("-uk" if unit.get("resname") == "slug" else " [UK]")
        source.addnext(target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = configure_environment()

    def say(message: str) -> None:
        print(f"# {message}", file=sys.stderr, flush=True)

    try:
        import django

        django.setup()
        import wagtail
        from django.contrib.auth import get_user_model
        from django.db import connection
        from lxml import etree
        from wagtail.models import Locale

        from otwarta.exchange.operations import Format, export, import_upload
        from otwarta.exchange.services import Scope, ensure_translation, pages_in_scope
        from otwarta.exchange.xliff import load_schema

        section = build_section(args.pages, say)
        locale = Locale.objects.get(language_code=args.locale)
        admin = get_user_model().objects.get(username="admin")
        pages = pages_in_scope(Scope.SECTION, admin, section)

        first = time.perf_counter()
        exported = export(Scope.SECTION, Format.XLIFF, locale, admin, section)
        first_export = time.perf_counter() - first
        document = etree.fromstring(exported.content)
        units = len(document.findall(".//{urn:oasis:names:tc:xliff:document:1.2}trans-unit"))
        valid = load_schema(SCHEMA).validate(document) if SCHEMA.exists() else None
        translated = translate_xliff(exported.content)
        po_file = export(Scope.SECTION, Format.PO, locale, admin, section)
        po_translated = _translate_zip(po_file.content)

        translations = [ensure_translation(page, locale, admin) for page in pages]
        baseline_po = [translation.export_po() for translation in translations]
        for po in baseline_po:
            for entry in po:
                entry.msgstr = entry.msgid + ("-uk" if entry.msgctxt == "slug" else " [UK]")

        def baseline_import() -> None:
            for translation, po in zip(translations, baseline_po, strict=True):
                translation.import_po(po, user=admin, tool_name="PO")
                translation.save_target(user=admin, publish=False)

        def xliff_import() -> None:
            result = import_upload("bench.xlf", translated, locale, admin, Format.XLIFF)
            assert len(result.pages) == len(pages), "the import did not reach every page"

        # Each measurement and its baseline alternate run by run, so that both see the same caches.
        times = timed({
            "xliff export": lambda: export(Scope.SECTION, Format.XLIFF, locale, admin, section),
            "po export": lambda: export(Scope.SECTION, Format.PO, locale, admin, section),
            "baseline export": lambda: [translation.export_po() for translation in translations],
            "refresh + baseline export": lambda: [ensure_translation(p, locale, admin).export_po() for p in pages],
        }, args.repetitions)
        times.update(timed({
            "xliff import": xliff_import,
            "po import": lambda: import_upload("bench.zip", po_translated, locale, admin, Format.PO),
            "baseline import": baseline_import,
        }, args.repetitions, rollback=True))
        export_times, po_export_times = times["xliff export"], times["po export"]
        import_times, po_import_times = times["xliff import"], times["po import"]
        baseline_export_times, baseline_import_times = times["baseline export"], times["baseline import"]

        med = statistics.median
        print(f"Małopolska otwarta – XLIFF exchange ({time.strftime('%Y-%m-%d %H:%M')})")
        print(f"Python {platform.python_version()}, Django {django.get_version()}, Wagtail {wagtail.__version__}, "
              f"{connection.vendor}; {os.cpu_count()} CPU; section of {len(pages)} pages ({args.pages} generated "
              f"articles), {units} units, {len(exported.content) / 1024:.0f} KB of XLIFF; target {args.locale}; "
              f"median of {args.repetitions} runs after one warm-up; in-process, no HTTP.")
        print(f"Schema (XLIFF 1.2 strict): {'valid' if valid else 'INVALID' if valid is False else 'not found'}.")
        print()
        rows = [
            ("XLIFF export (this app)", med(export_times), med(baseline_export_times)),
            ("XLIFF import as drafts (this app)", med(import_times), med(baseline_import_times)),
            ("PO export (this app)", med(po_export_times), med(baseline_export_times)),
            ("PO import as drafts (this app)", med(po_import_times), med(baseline_import_times)),
        ]
        print(f"{'operation':<36}{'median s':>10}{'ms/page':>10}{'baseline s':>12}{'× baseline':>12}")
        for name, seconds, baseline in rows:
            print(f"{name:<36}{seconds:>10.2f}{seconds * 1000 / len(pages):>10.1f}{baseline:>12.2f}"
                  f"{seconds / baseline:>11.2f}×")
        print()
        print(f"First XLIFF export (creates the wagtail-localize sources and segments of every page): "
              f"{first_export:.2f} s.")
        print(f"wagtail-localize's export_po() after refreshing each page's source from the page (as this app "
              f"does before exporting): {med(times['refresh + baseline export']):.2f} s.")
        print("Baselines, same pages, same run: export = wagtail-localize's Translation.export_po() of every page "
              f"({med(baseline_export_times):.2f} s); import = its import_po() + save_target(publish=False) of "
              f"every page ({med(baseline_import_times):.2f} s). Imports are rolled back after each run.")
        return 0
    finally:
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _translate_zip(content: bytes) -> bytes:
    import io
    import zipfile

    import polib

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            po = polib.pofile(source.read(name).decode())
            for entry in po:
                entry.msgstr = entry.msgid + ("-uk" if entry.msgctxt == "slug" else " [UK]")
            archive.writestr(name, str(po))
    return buffer.getvalue()


if __name__ == "__main__":
    sys.exit(main())
