"""PO: wagtail-localize's own PO files, one per page (a zip file for several), imported all or nothing."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import polib
import pytest
from wagtail.models import Page
from wagtail_localize.models import StringTranslation

from otwarta.exchange.operations import Format, export, import_upload
from otwarta.exchange.services import Scope

from .helpers import article_with_markup, locale, polish_page, rejected_import, user


@pytest.fixture
def article(portal: Any) -> Page:
    return article_with_markup()


def export_po(page: Page, code: str = "uk") -> polib.POFile:
    exported = export(Scope.PAGE, Format.PO, locale(code), user("urzad-editor"), page)
    assert exported.name.endswith(".po")
    return polib.pofile(exported.content.decode())


def translate(po: polib.POFile) -> polib.POFile:
    for entry in po:
        entry.msgstr = f"{entry.msgid}-uk" if entry.msgctxt == "slug" else f"UK {entry.msgid}"
    return po


def as_bytes(po: polib.POFile) -> bytes:
    return str(po).encode()


def rejected(content: bytes, name: str = "t.po", code: str = "uk", username: str = "urzad-editor") -> list[Any]:
    return rejected_import(content, Format.PO, name, code, username)


def test_page_export_is_wagtail_localize_po_with_language_headers(article: Page) -> None:
    po = export_po(article)
    assert po.metadata["Language"] == "uk" and po.metadata["X-Otwarta-Page"] == "Karta pobytu czasowego"
    assert "X-WagtailLocalize-TranslationID" in po.metadata
    rich = next(entry for entry in po if "<b>" in entry.msgid)
    assert rich.msgid == ('Wniosek <b>składasz</b> w <a id="a1">urzędzie wojewódzkim</a>.<br/>Potem '
                          "<i>czekasz</i> na decyzję.")


def test_round_trip_saves_a_draft(article: Page) -> None:
    uk_page = article.get_translation(locale("uk"))
    result = import_upload("k.po", as_bytes(translate(export_po(article))), locale("uk"), user("urzad-editor"),
                           fmt=Format.PO)
    assert [page.pk for page in result.pages] == [uk_page.pk]
    draft = Page.objects.get(pk=uk_page.pk).specific.get_latest_revision_as_object()
    assert draft.title == "UK Karta pobytu czasowego"
    assert '<a href="https://urzad.example.org/cudzoziemcy">urzędzie wojewódzkim</a>' in str(draft.body[0].value)
    assert StringTranslation.objects.get(locale=locale("uk"), data="UK Karta pobytu czasowego").tool_name == "PO"


def test_section_export_is_a_zip_that_imports_back(article: Page) -> None:
    exported = export(Scope.SECTION, Format.PO, locale("ka"), user("urzad-editor"), article)
    assert exported.name.endswith(".zip") and exported.pages >= 2
    source = zipfile.ZipFile(io.BytesIO(exported.content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, str(translate(polib.pofile(source.read(name).decode()))))
    result = import_upload("section.zip", buffer.getvalue(), locale("ka"), user("urzad-editor"))  # detected
    assert len(result.pages) == exported.pages
    assert len(result.complete) == exported.pages


def test_unknown_context_changed_text_duplicates_and_markup_are_all_reported(article: Page) -> None:
    po = translate(export_po(article))
    po.append(polib.POEntry(msgctxt="body.no-such-block.heading", msgid="Nagłówek", msgstr="Heading"))
    po.append(polib.POEntry(msgctxt="summary", msgid="Stary tekst streszczenia", msgstr="Old summary"))
    title = next(entry for entry in po if entry.msgctxt == "title")
    po.append(polib.POEntry(msgctxt="title", msgid=title.msgid, msgstr="Again"))
    rich = next(entry for entry in po if "<b>" in entry.msgid)
    rich.msgstr = 'UK <b>bold</b> <a id="a2">link</a> <i>italic</i>'  # <br/> missing, link id unknown
    problems = rejected(as_bytes(po))
    messages = [problem.message for problem in problems]
    assert len(problems) == 4, messages
    assert any("Unknown context" in message for message in messages)
    assert any("is not the current text" in message for message in messages)
    assert any("more than once" in message for message in messages)
    assert any("<a>" in message and message.endswith("a2") for message in messages), messages  # wagtail-localize
    assert all(problem.line for problem in problems)


def test_markup_of_an_other_kind_is_rejected(article: Page) -> None:
    po = translate(export_po(article))
    rich = next(entry for entry in po if "<b>" in entry.msgid)
    rich.msgstr = rich.msgstr.replace("<i>czekasz</i>", "czekasz").replace("<b>", "<strong>").replace("</b>",
                                                                                                     "</strong>")
    problems = rejected(as_bytes(po))
    assert "missing inline markup: <b>, <i>" in problems[0].message
    assert "not in the source: <strong>" in problems[0].message


def test_wrong_language_and_unknown_translation_are_rejected(article: Page) -> None:
    problems = rejected(as_bytes(translate(export_po(article, code="en"))), code="uk")
    assert {problem.message.split(",")[0] for problem in problems} == {
        "The file is in “en”", "The file is a translation into “en”"}
    po = translate(export_po(article))
    po.metadata["X-WagtailLocalize-TranslationID"] = "00000000-0000-0000-0000-000000000000"
    assert "names no translation" in rejected(as_bytes(po))[0].message


def test_not_po_and_broken_zip_are_rejected(portal: Any) -> None:
    assert "not a PO file" in rejected(b"\n\n")[0].message
    assert "not a valid PO file" in rejected(b"garbage line\n")[0].message
    assert "damaged" in rejected(b"PK\x03\x04broken", name="x.zip")[0].message


def test_other_institutions_page_is_rejected(portal: Any) -> None:
    pesel = polish_page("/fundacja/pesel/")
    exported = export(Scope.PAGE, Format.PO, locale("uk"), user("fundacja-editor"), pesel)
    po = translate(polib.pofile(exported.content.decode()))
    assert "You may not edit" in rejected(as_bytes(po), username="urzad-editor")[0].message
