"""HSDS 3.1 tabular exchange of the directory: export (ZIP of CSV + datapackage.json, or XLSX) and an
all-or-nothing import with a row-level report. See docs/hsds-import-export.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from wagtail.log_actions import log

from otwarta.institutions.models import Institution
from otwarta.institutions.services import REGIONAL_ADMINS, institutions_for_user

from .export import Tables, export_tables
from .formats import read_upload, write_xlsx, write_zip
from .importer import Counts, Importer, ImportRejected, Problem, Result

__all__ = [
    "Counts", "EXPORT_ACTION", "Exported", "ImportRejected", "Problem", "Result", "Tables", "allowed_institutions",
    "can_exchange", "export_file", "export_tables", "import_file", "is_regional", "read_upload",
]

EXPORT_ACTION = "otwarta_hsds.export"
FORMATS = {
    "csv": ("application/zip", "zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def is_regional(user: Any) -> bool:
    """Regional administrators (and superusers) work on every institution's records."""
    return bool(user is not None and user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=REGIONAL_ADMINS).exists()))


def allowed_institutions(user: Any) -> set[int] | None:
    """Ids of the institutions whose records ``user`` may change; None for every institution."""
    if is_regional(user):
        return None
    return {institution.pk for institution in institutions_for_user(user)}


def can_exchange(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and (is_regional(user) or institutions_for_user(user)))


@dataclass
class Exported:
    name: str
    content_type: str
    content: bytes
    rows: int


def export_file(fmt: str, institution: Institution | None, user: Any = None) -> Exported:
    """The directory (of ``institution`` or all) as a file; logged on the institution(s) exported."""
    tables = export_tables(institution)
    content = write_zip(tables) if fmt == "csv" else write_xlsx(tables)
    content_type, extension = FORMATS[fmt]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    scope = institution.slug if institution else "all"
    rows = sum(len(rows) for rows in tables.values())
    for target in [institution] if institution else Institution.objects.all():
        log(instance=target, action=EXPORT_ACTION, user=user,
            data={"format": fmt, "scope": scope, "rows": rows})
    return Exported(f"hsds-{scope}-{stamp}.{extension}", content_type, content, rows)


def import_file(name: str, content: bytes, user: Any = None, *, allowed: set[int] | None | str = "user",
                institution: Institution | None = None, dry_run: bool = False,
                categories: bool | None = None) -> tuple[Result, list[Problem]]:
    """Validate and import a file. ``allowed`` defaults to what ``user`` may change; ``institution`` owns
    new organisations whose rows name none. Raises ImportRejected with every problem; returns the counts
    and the warnings (skipped files, sheets)."""
    upload = read_upload(name, content)
    permitted: set[int] | None = allowed_institutions(user) if isinstance(allowed, str) else allowed
    if institution is None and permitted is not None and len(permitted) == 1:
        institution = Institution.objects.get(pk=min(permitted))
    importer = Importer(upload, permitted, institution, user=user,
                        categories=categories)
    warnings = [Problem(*warning) for warning in upload.warnings]
    return importer.run(dry_run=dry_run), warnings
