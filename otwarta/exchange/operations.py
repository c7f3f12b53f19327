"""Export and import as the admin views and the management commands use them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from . import po, xliff
from .services import (
    MAX_UPLOAD_BYTES,
    ImportRejected,
    ImportResult,
    PageChecker,
    PagePlan,
    Problem,
    Scope,
    pages_in_scope,
    run_import,
    section_of,
)


class Format(models.TextChoices):
    XLIFF = "xliff", "XLIFF 1.2"
    PO = "po", "PO (gettext)"


@dataclass
class ExportFile:
    name: str
    content: bytes
    content_type: str
    pages: int


def export(scope: str, fmt: str, locale: Locale, user: Any, page: Page | None = None) -> ExportFile:
    """The file for ``scope`` (``PermissionDenied`` when the user may not edit those pages, ``ValueError``
    with a message when the scope has no pages)."""
    pages = pages_in_scope(scope, user, page)
    if not pages:
        raise ValueError(_("There are no published pages to export here."))
    stem = export_stem(scope, page, locale)
    if fmt == Format.XLIFF:
        return ExportFile(f"{stem}.xlf", xliff.export_xliff(pages, locale, user), "application/x-xliff+xml",
                          len(pages))
    kind, content = po.export_po(pages, locale, user)
    content_type = "application/zip" if kind == "zip" else "text/x-gettext-translation; charset=utf-8"
    return ExportFile(f"{stem}.{kind}", content, content_type, len(pages))


def export_stem(scope: str, page: Page | None, locale: Locale) -> str:
    code = locale.language_code
    if scope == Scope.LOCALE or page is None:
        return f"otwarta-pl-{code}"
    if scope == Scope.SECTION:
        section = section_of(page)
        return f"{(section or page).slug}-section-pl-{code}"
    return f"{page.slug}-pl-{code}"


def detect_format(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith((".xlf", ".xliff", ".xml")):
        return Format.XLIFF
    if lower.endswith((".po", ".zip")):
        return Format.PO
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    return Format.XLIFF if head.startswith(b"<") else Format.PO


def import_upload(name: str, data: bytes, locale: Locale, user: Any, fmt: str | None = None,
                  publish: bool = False) -> ImportResult:
    """Check the file completely and apply it, or raise ``ImportRejected`` with every problem (and
    change nothing)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected([Problem(name, "", _("The file is larger than %(size)d MB.")
                                      % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})])
    fmt = fmt or detect_format(name, data)
    checker = PageChecker(user, locale, publish)
    if fmt == Format.XLIFF:
        return run_import(lambda: xliff.check_xliff(name, data, checker), user, publish, "XLIFF")
    return run_import(lambda: po.check_po_upload(name, data, checker), user, publish, "PO", write=_write_po)


def _write_po(plan: PagePlan, user: Any, tool_name: str) -> None:
    """Apply a checked PO file with wagtail-localize's own importer. Every entry was checked, so a
    warning here means the page changed meanwhile: reject (and roll back) rather than half-apply."""
    warnings = plan.translation.import_po(po.as_wagtail_po(plan), user=user, tool_name=tool_name)
    if warnings:
        raise ImportRejected([Problem(plan.file, "", _("The page changed while the file was being imported; "
                                                       "please try again."))])
