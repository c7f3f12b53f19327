"""PO export and import, wrapping wagtail-localize's ``Translation.export_po()`` / ``import_po()``.

One PO file per page, exactly as wagtail-localize writes it (``msgctxt`` = context path, ``msgid`` = the
Polish inline HTML, header ``X-WagtailLocalize-TranslationID``), plus the headers ``Language``,
``X-Otwarta-Page`` and ``X-Otwarta-URL``. Several pages: a zip file with one PO file per page.

wagtail-localize's own import skips what it does not recognise with a warning; here every such entry
is an error and the whole upload is rejected (see ``check_po``).
"""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

import polib
from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation

from .services import PageChecker, PagePlan, Problem, ensure_translation, units_for_plan
from .units import MarkupError, normalised_translation
from .xliff import language_matches, page_address

MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_BYTES = 200 * 1024 * 1024
TRANSLATION_ID = "X-WagtailLocalize-TranslationID"


def page_po(page: Page, locale: Locale, user: Any) -> polib.POFile:
    translation = ensure_translation(page, locale, user, enable=False)
    po = translation.export_po()
    po.metadata.update({
        "Language": locale.language_code,
        "X-Source-Language": settings.LANGUAGE_CODE,
        "X-Otwarta-Page": page.title,
        "X-Otwarta-URL": page_address(page),
    })
    # A string repeated within one field is one translation: keep one entry per (context, string).
    seen: set[tuple[str | None, str]] = set()
    for entry in list(po):
        key = (entry.msgctxt, entry.msgid)
        if not entry.obsolete and key in seen:
            po.remove(entry)
        seen.add(key)
    return po


def po_file_name(page: Page, locale: Locale) -> str:
    return f"{page.slug}-{str(page.translation_key)[:8]}.{locale.language_code}.po"


def export_po(pages: list[Page], locale: Locale, user: Any) -> tuple[str, bytes]:
    """``(kind, content)``: ``"po"`` and the PO file of a single page, or ``"zip"`` and a zip file with
    one PO file per page."""
    if len(pages) == 1:
        return "po", str(page_po(pages[0], locale, user)).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for page in pages:
            archive.writestr(po_file_name(page, locale), str(page_po(page, locale, user)))
    return "zip", buffer.getvalue()


# --- import ---------------------------------------------------------------------------------------------
def po_members(name: str, data: bytes, problems: list[Problem]) -> list[tuple[str, bytes]]:
    """The PO files of an upload: the file itself, or the ``.po`` members of a zip file."""
    if not data.startswith(b"PK\x03\x04"):
        return [(name, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile:
        problems.append(Problem(name, "", _("The zip file is damaged.")))
        return []
    if len(infos) > MAX_ZIP_MEMBERS or sum(info.file_size for info in infos) > MAX_ZIP_BYTES:
        problems.append(Problem(name, "", _("The zip file is too large.")))
        return []
    members = []
    for info in infos:
        if not info.filename.endswith(".po"):
            problems.append(Problem(f"{name}/{info.filename}", "", _("Only .po files are expected in the zip file.")))
            continue
        members.append((f"{name}/{info.filename}", archive.read(info)))
    if not infos:
        problems.append(Problem(name, "", _("The zip file is empty.")))
    return members


def parse_po(name: str, data: bytes, problems: list[Problem]) -> polib.POFile | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(name, "", _("The file is not UTF-8 text.")))
        return None
    try:
        po = polib.pofile(text, wrapwidth=200)
    except (OSError, ValueError) as error:
        problems.append(Problem(name, "", _("This is not a valid PO file: %(error)s") % {"error": error}))
        return None
    if not po.metadata and not len(po):
        problems.append(Problem(name, "", _("This is not a PO file (no header and no entries).")))
        return None
    return po


def check_po_upload(name: str, data: bytes, checker: PageChecker) -> tuple[list[PagePlan], list[Problem]]:
    problems: list[Problem] = []
    plans = []
    for member, content in po_members(name, data, problems):
        po = parse_po(member, content, problems)
        if po is not None:
            plan = check_po(member, po, checker, problems)
            if plan is not None:
                plans.append(plan)
    return plans, problems


def check_po(name: str, po: polib.POFile, checker: PageChecker, problems: list[Problem]) -> PagePlan | None:
    """Check one PO file completely against the current Polish page; collect every problem."""
    code = checker.locale.language_code
    language = po.metadata.get("Language")
    if language and not language_matches(language, code):
        problems.append(Problem(name, "", _("The file is in “%(found)s”, but you are importing into "
                                            "“%(expected)s”.") % {"found": language, "expected": code}))
    translation_id = po.metadata.get(TRANSLATION_ID, "")
    try:
        translation = Translation.objects.select_related("source", "target_locale").get(uuid=uuid.UUID(translation_id))
    except (ValueError, Translation.DoesNotExist):
        problems.append(Problem(name, "", _("The header %(header)s is missing or names no translation of this "
                                            "portal: export the page again.") % {"header": TRANSLATION_ID}))
        return None
    if translation.target_locale_id != checker.locale.pk:
        problems.append(Problem(name, "", _("The file is a translation into “%(found)s”, but you are importing "
                                            "into “%(expected)s”.") % {"found": translation.target_locale.language_code,
                                                                       "expected": code}))
    page = checker.page(translation.source.object_id, name, "", problems)
    if page is None:
        return None
    translation = ensure_translation(page, checker.locale, checker.user)
    units = {(unit.context_path, unit.source): unit for unit in units_for_plan(translation)}
    contexts = {unit.context_path for unit in units.values()}
    plan = PagePlan(page=page, translation=translation, total_units=len(units), file=name)
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        where = entry.msgctxt or ""
        if key in seen:
            problems.append(Problem(name, where, _("This entry appears more than once (first on line %(line)s).")
                                    % {"line": seen[key]}, entry.linenum))
            continue
        seen[key] = entry.linenum
        unit = units.get((entry.msgctxt or "", entry.msgid))
        if unit is None:
            if entry.msgctxt not in contexts:
                message = _("Unknown context: the page has no such field (it was removed, or the context was "
                            "altered).")
            else:
                message = _("The Polish text (msgid) is not the current text of this field: it changed after "
                            "the export. Export the page again.")
            problems.append(Problem(name, where, message, entry.linenum))
            continue
        if not entry.msgstr or "fuzzy" in entry.flags:
            continue  # not translated (or marked uncertain): the unit keeps its current translation
        try:
            plan.units[(unit.string_id, unit.context_id)] = normalised_translation(unit, entry.msgstr)
        except MarkupError as error:
            problems.append(Problem(name, where, str(error), entry.linenum))
    return plan


def as_wagtail_po(plan: PagePlan) -> polib.POFile:
    """The checked entries as a PO file for ``Translation.import_po``."""
    from wagtail_localize.models import String, TranslationContext

    po = polib.POFile()
    po.metadata = {TRANSLATION_ID: str(plan.translation.uuid)}
    strings = dict(String.objects.filter(pk__in=[key[0] for key in plan.units]).values_list("pk", "data"))
    paths = dict(TranslationContext.objects.filter(pk__in=[key[1] for key in plan.units]).values_list("pk", "path"))
    for (string_id, context_id), data in plan.units.items():
        po.append(polib.POEntry(msgid=strings[string_id], msgctxt=paths[context_id], msgstr=data))
    return po
