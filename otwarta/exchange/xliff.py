"""XLIFF 1.2 export and import (the strict schema: ``xliff-core-1.2-strict.xsd``).

One ``<file>`` per page: ``original="page:<translation key>"``, ``source-language="pl"``,
``target-language`` the chosen locale, ``datatype="html"``; its ``<header>`` has a note with the page's
title and address. One ``<trans-unit>`` per unit (see ``units.py`` for the ids), ``resname`` the
wagtail-localize context path, a ``<note>`` with the field; ``<target>`` holds the current translation
(``state="translated"``, or ``needs-review-translation`` when it was machine-made).

Inline markup: ``<b>`` ``<g ctype="bold">``, ``<i>`` ``<g ctype="italic">``, ``<a>`` ``<g ctype="link">``
(id = wagtail-localize's link id, ``a1``…), ``<strong>``/``<em>``/``<code>``/``<abbr>``/``<acronym>``
``<g ctype="x-html-…">``, ``<br>`` ``<x ctype="lb">``; other elements are numbered 1, 2, ….
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation

from .services import PageChecker, PagePlan, Problem, ensure_translation, units_for_plan
from .units import (
    InlineElement,
    MarkupError,
    Piece,
    Unit,
    html_to_pieces,
    normalised_translation,
    pieces_to_html,
    units_by_source,
    xml_safe,
)

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SKIPPED_STATES = {"new", "needs-translation"}
ORIGINAL = re.compile(r"^page:([0-9a-f-]{36})$")
UNIT_ID = re.compile(r"^([0-9a-f-]{36}):")


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


# --- export ---------------------------------------------------------------------------------------------
def export_xliff(pages: list[Page], locale: Locale, user: Any) -> bytes:
    """An XLIFF 1.2 document with one ``<file>`` per page (pages are Polish, in the order given)."""
    translations = [ensure_translation(page, locale, user, enable=False) for page in pages]
    units = units_by_source([translation.source for translation in translations], locale)
    root = etree.Element(q("xliff"), nsmap={None: NS}, version="1.2")  # type: ignore[dict-item]
    date = timezone.now().replace(microsecond=0).isoformat()
    for page, translation in zip(pages, translations, strict=True):
        root.append(page_file(page, locale, units[translation.source.pk], date))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def page_address(page: Page) -> str:
    return page.get_full_url() or page.url_path


def page_file(page: Page, locale: Locale, units: list[Unit], date: str) -> etree._Element:
    file = etree.Element(q("file"), {
        "original": f"page:{page.translation_key}", "source-language": settings.LANGUAGE_CODE,
        "target-language": locale.language_code, "datatype": "html", "date": date,
        "product-name": "Małopolska otwarta",
    })
    header = etree.SubElement(file, q("header"))
    note = etree.SubElement(header, q("note"), {"from": "otwarta"})
    note.text = xml_safe(f"{page.title} — {page_address(page)}")
    body = etree.SubElement(file, q("body"))
    for unit in units:
        element = etree.SubElement(body, q("trans-unit"), {
            "id": unit.unit_id, "resname": unit.context_path, f"{{{XML_NS}}}space": "preserve",
        })
        source_pieces = html_to_pieces(unit.source, unit.inline) or [Piece(text=unit.source)]
        fill(etree.SubElement(element, q("source")), source_pieces)
        if unit.translation:
            pieces = html_to_pieces(unit.translation, unit.inline)
            if pieces is not None:  # a stored translation whose markup no longer fits is left out
                state = ("needs-review-translation"
                         if unit.translation_type == StringTranslation.TRANSLATION_TYPE_MACHINE else "translated")
                fill(etree.SubElement(element, q("target"), state=state), pieces)
        field_note = etree.SubElement(element, q("note"), {"from": "otwarta"})
        field_note.text = unit.field_path
    return file


def fill(parent: etree._Element, pieces: list[Piece]) -> None:
    """Append text and inline elements to ``parent`` (lxml keeps text after a child in its ``tail``)."""
    last: etree._Element | None = None
    for piece in pieces:
        if piece.element is None:
            text = xml_safe(piece.text)
            if last is None:
                parent.text = (parent.text or "") + text
            else:
                last.tail = (last.tail or "") + text
            continue
        last = etree.SubElement(parent, q(piece.element.kind), id=piece.element.xliff_id, ctype=piece.element.ctype)
        if piece.element.kind == "g":
            fill(last, piece.children)


# --- schema ---------------------------------------------------------------------------------------------
class LocalSchemaResolver(etree.Resolver):
    """The strict schema imports ``xml.xsd`` from w3.org: read the copy beside it instead."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:  # type: ignore[override]
        if system_url.endswith("/xml.xsd"):
            return self.resolve_filename(str(self.directory / "xml.xsd"), context)  # type: ignore[attr-defined]
        return None


def load_schema(xsd: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(LocalSchemaResolver(xsd.parent))
    return etree.XMLSchema(etree.parse(str(xsd), parser))


# --- import ---------------------------------------------------------------------------------------------
def parse_xml(name: str, data: bytes, problems: list[Problem]) -> etree._Element | None:
    """The document's root element, or ``None`` with a problem (not XML, a DTD, not XLIFF 1.2)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as error:
        problems.append(Problem(name, "", _("The file is not well-formed XML: %(error)s") % {"error": error.msg},
                                line=error.lineno))
        return None
    if tree.docinfo.doctype:  # type: ignore[union-attr]
        problems.append(Problem(name, "", _("The file has a document type declaration (DOCTYPE), which XLIFF "
                                            "files do not need; it is refused for safety.")))
        return None
    root = tree.getroot()
    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "xliff" or namespace not in (NS, None):
        problems.append(Problem(name, "", _("This is not an XLIFF document (its root element is <%(root)s>).")
                                % {"root": etree.QName(root).localname}))
        return None
    if root.get("version") != "1.2":
        problems.append(Problem(name, "", _("Only XLIFF version 1.2 is supported; this file says “%(version)s”.")
                                % {"version": root.get("version", "")}))
        return None
    if namespace is None:  # some tools write XLIFF 1.2 without its namespace: read it the same way
        for element in root.iter():
            if isinstance(element.tag, str) and not etree.QName(element).namespace:
                element.tag = q(element.tag)
    return root


def language_matches(value: str | None, code: str) -> bool:
    """``uk`` matches ``uk``, ``uk-UA`` and ``UK_ua``: the primary language subtag decides."""
    return bool(value) and re.split(r"[-_]", value.strip())[0].lower() == code.lower()  # type: ignore[union-attr]


def check_xliff(name: str, data: bytes, checker: PageChecker) -> tuple[list[PagePlan], list[Problem]]:
    """Read an XLIFF file completely; every problem is collected, nothing is written."""
    problems: list[Problem] = []
    root = parse_xml(name, data, problems)
    if root is None:
        return [], problems
    files = root.findall(q("file"))
    if not files:
        problems.append(Problem(name, "", _("The file contains no <file> element, so nothing to import.")))
    plans = []
    for file in files:
        plan = check_file(name, file, checker, problems)
        if plan is not None:
            plans.append(plan)
    return plans, problems


def check_file(name: str, file: etree._Element, checker: PageChecker, problems: list[Problem]) -> PagePlan | None:
    original = file.get("original", "")
    where = f"{name} <file original=\"{original}\">"
    source_language, target_language = file.get("source-language"), file.get("target-language")
    if not language_matches(source_language, settings.LANGUAGE_CODE):
        problems.append(Problem(where, "", _("The source language is “%(found)s”; it must be “%(expected)s” "
                                             "(Polish).") % {"found": source_language or "",
                                                             "expected": settings.LANGUAGE_CODE}, line_of(file)))
    code = checker.locale.language_code
    if not language_matches(target_language, code):
        problems.append(Problem(where, "", _("The target language is “%(found)s”, but you are importing into "
                                             "“%(expected)s”.") % {"found": target_language or "",
                                                                   "expected": code}, line_of(file)))
    match = ORIGINAL.match(original)
    if match is None:
        problems.append(Problem(where, "", _("The <file> element's “original” attribute must be "
                                             "“page:<page id>” as exported."), line_of(file)))
        return None
    page = checker.page(match.group(1), where, "", problems)
    if page is None:
        return None
    translation = ensure_translation(page, checker.locale, checker.user)
    units = {unit.unit_id: unit for unit in units_for_plan(translation)}
    plan = PagePlan(page=page, translation=translation, total_units=len(units), file=where)
    seen: dict[str, int | None] = {}
    for element in file.iter(q("trans-unit")):
        ident = element.get("id", "")
        line = line_of(element)
        if not ident:
            problems.append(Problem(where, "", _("A <trans-unit> has no id."), line))
            continue
        if ident in seen:
            problems.append(Problem(where, ident, _("This unit appears more than once (first on line %(line)s).")
                                    % {"line": seen[ident]}, line))
            continue
        seen[ident] = line
        unit = units.get(ident)
        if unit is None:
            key = UNIT_ID.match(ident)
            if key and key.group(1) != str(page.translation_key):
                message = _("This unit belongs to another page than its <file>.")
            else:
                message = _("No such unit in the current Polish page: the text changed after the export, or the "
                            "id was altered. Export the page again.")
            problems.append(Problem(where, ident, message, line))
            continue
        target = element.find(q("target"))
        if target is None or target.get("state") in SKIPPED_STATES or not has_content(target):
            continue  # not translated: the unit keeps its current translation (or the Polish text)
        try:
            html = target_to_html(target, unit)
            plan.units[(unit.string_id, unit.context_id)] = normalised_translation(unit, html)
        except MarkupError as error:
            problems.append(Problem(where, ident, str(error), line_of(target)))
    return plan


def line_of(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def has_content(element: etree._Element) -> bool:
    return bool((element.text or "").strip()) or len(element) > 0


def target_to_html(target: etree._Element, unit: Unit) -> str:
    """The ``<target>`` as wagtail-localize inline HTML; its inline elements must be the source's."""
    used: set[str] = set()
    problems: list[str] = []
    pieces = _target_pieces(target, unit.inline, used, problems)
    missing = [ident for ident in unit.inline if ident not in used]
    if missing:
        problems.append(_("inline element(s) of the source missing in the target: %(ids)s")
                        % {"ids": ", ".join(describe_inline(unit.inline[ident]) for ident in missing)})
    if problems:
        raise MarkupError("; ".join(problems))
    return pieces_to_html(pieces)


def describe_inline(element: InlineElement) -> str:
    return f'<{element.kind} id="{element.xliff_id}" ctype="{element.ctype}">'


def _target_pieces(node: etree._Element, spec: dict[str, InlineElement], used: set[str],
                   problems: list[str]) -> list[Piece]:
    pieces = [Piece(text=node.text)] if node.text else []
    for child in node:
        if not isinstance(child.tag, str):  # a comment or processing instruction: keep the text after it
            if child.tail:
                pieces.append(Piece(text=child.tail))
            continue
        tag = etree.QName(child)
        ident = child.get("id", "")
        expected = spec.get(ident)
        if tag.namespace != NS or tag.localname not in ("g", "x"):
            problems.append(_("unsupported element <%(name)s> (only <g> and <x> as in the source)")
                            % {"name": tag.localname})
        elif expected is None:
            problems.append(_('<%(name)s id="%(id)s"> is not in the source') % {"name": tag.localname, "id": ident})
        elif ident in used:
            problems.append(_('<%(name)s id="%(id)s"> appears more than once') % {"name": tag.localname, "id": ident})
        elif expected.kind != tag.localname or (child.get("ctype") or expected.ctype) != expected.ctype:
            problems.append(_('<%(name)s id="%(id)s" ctype="%(ctype)s"> should be %(expected)s') % {
                "name": tag.localname, "id": ident, "ctype": child.get("ctype", ""),
                "expected": describe_inline(expected)})
        else:
            used.add(ident)
            children = _target_pieces(child, spec, used, problems) if expected.kind == "g" else []
            if expected.kind == "x" and (child.text or len(child)):
                problems.append(_('<x id="%(id)s"> must be empty') % {"id": ident})
            pieces.append(Piece(element=expected, children=children))
        if child.tail:
            pieces.append(Piece(text=child.tail))
    return pieces
