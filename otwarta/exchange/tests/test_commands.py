"""The management commands export_xliff, import_xliff, export_po and import_po."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core.management import CommandError, call_command
from lxml import etree
from wagtail.models import Page

from .helpers import ARTICLE_URL, locale, polish_page, q, schema, snapshot, translate_xliff


def test_export_and_import_xliff(portal: Any, tmp_path: Path) -> None:
    exported = tmp_path / "karta.xlf"
    call_command("export_xliff", "--page", ARTICLE_URL, "--locale", "uk", "--user", "urzad-editor",
                 "-o", str(exported), stderr=io.StringIO())
    assert schema().validate(etree.parse(str(exported)))
    translated = tmp_path / "karta-uk.xlf"
    translated.write_bytes(translate_xliff(exported.read_bytes()))
    out = io.StringIO()
    call_command("import_xliff", str(translated), "--locale", "uk", "--user", "urzad-editor", stdout=out)
    assert "saved as drafts for review" in out.getvalue()
    page = polish_page("/urzad/karta-pobytu/").get_translation(locale("uk"))
    assert Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object().title == "UK Karta pobytu czasowego"


def test_rejected_import_prints_every_problem_and_fails(portal: Any, tmp_path: Path) -> None:
    exported = tmp_path / "karta.xlf"
    call_command("export_xliff", "--page", ARTICLE_URL, "--locale", "en", "-o", str(exported), stderr=io.StringIO())
    root = etree.fromstring(translate_xliff(exported.read_bytes()))
    first = next(root.iter(q("trans-unit")))
    first.set("id", first.get("id")[:-4] + "beef")
    exported.write_bytes(etree.tostring(root))
    before = snapshot("uk")
    err = io.StringIO()
    with pytest.raises(CommandError, match="rejected: 2 problem"):
        call_command("import_xliff", str(exported), "--locale", "uk", stderr=err)
    assert "The target language is “en”" in err.getvalue()
    assert snapshot("uk") == before


def test_export_section_and_all_as_po(portal: Any, tmp_path: Path) -> None:
    zipped = tmp_path / "section.zip"
    call_command("export_po", "--section", ARTICLE_URL, "--locale", "ka", "--user", "urzad-editor",
                 "-o", str(zipped), stderr=io.StringIO())
    assert zipped.read_bytes().startswith(b"PK")
    with pytest.raises(CommandError, match="may not edit"):
        call_command("export_po", "--all", "--locale", "ka", "--user", "urzad-editor", "-o", str(zipped))
    with pytest.raises(CommandError, match="not a target language"):
        call_command("export_po", "--all", "--locale", "pl", "-o", str(zipped))


def test_export_and_import_po(portal: Any, tmp_path: Path) -> None:
    exported = tmp_path / "pesel.po"
    call_command("export_po", "--page", str(polish_page("/fundacja/pesel/").pk), "--locale", "en",
                 "--user", "fundacja-editor", "-o", str(exported), stderr=io.StringIO())
    po = polib.pofile(str(exported))
    for entry in po:
        entry.msgstr = "pesel-en" if entry.msgctxt == "slug" else f"EN {entry.msgid}"
    po.save(str(exported))
    out = io.StringIO()
    call_command("import_po", str(exported), "--locale", "en", "--user", "fundacja-editor", stdout=out)
    assert "into 1 page(s)" in out.getvalue()
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_po", str(exported), "--locale", "en", "--user", "urzad-editor", stderr=io.StringIO())
