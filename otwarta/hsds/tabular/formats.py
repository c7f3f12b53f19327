"""Files: a ZIP of CSV files with a Frictionless ``datapackage.json`` (the HSDS tabular form) and an XLSX
workbook with one sheet per table; and reading them back, with limits on size and rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from .export import Tables
from .spec import BY_NAME, BY_PATH, TABLES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a ZIP (or XLSX) that unpacks to more is refused (zip bomb)
HSDS_PROFILE = "https://docs.openreferral.org/en/latest/hsds/"


def max_upload_bytes() -> int:
    return int(getattr(settings, "HSDS_IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "HSDS_IMPORT_MAX_ROWS", MAX_ROWS))


# --- writing -------------------------------------------------------------------------------------------
def datapackage(tables: Tables) -> dict[str, Any]:
    resources = []
    for spec in TABLES:
        resources.append({
            "name": spec.name, "path": spec.path, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": spec.description,
            "schema": {
                "fields": [
                    {"name": column, "type": "string",
                     **({"constraints": {"required": True}} if column in spec.hsds_required else {}),
                     **({"description": "Extension of Małopolska otwarta (not part of HSDS)."}
                        if column.startswith("otwarta_") or spec.extension else {})}
                    for column in spec.all_columns
                ],
                "primaryKey": "id",
            },
            "count": len(tables.get(spec.name, [])),
        })
    return {
        "name": "malopolska-otwarta-hsds", "title": "Małopolska otwarta: service directory (HSDS 3.1)",
        "profile": "tabular-data-package", "hsds_version": "3.1", "homepage": HSDS_PROFILE,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), "resources": resources,
    }


def csv_text(name: str, rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(BY_NAME[name].all_columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_zip(tables: Tables) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for spec in TABLES:
            archive.writestr(spec.path, csv_text(spec.name, tables.get(spec.name, [])).encode("utf-8"))
        archive.writestr("datapackage.json", json.dumps(datapackage(tables), ensure_ascii=False, indent=2))
    return buffer.getvalue()


def write_xlsx(tables: Tables) -> bytes:
    workbook = Workbook(write_only=True)
    for spec in TABLES:
        sheet = workbook.create_sheet(spec.sheet)
        sheet.append(list(spec.all_columns))
        for row in tables.get(spec.name, []):
            sheet.append([_text_cell(sheet, row[column]) for column in spec.all_columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    """Every cell is text: a value starting with "=" stays text, never a formula."""
    cell = WriteOnlyCell(sheet, value=value or None)
    if value:
        cell.data_type = "s"
    return cell


# --- reading -------------------------------------------------------------------------------------------
@dataclass
class RawTable:
    name: str
    source: str  # the file or sheet, as the report names it
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, column → text)


@dataclass
class Upload:
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[tuple[str, int | None, str, str]] = field(default_factory=list)  # file, row, column, message
    warnings: list[tuple[str, int | None, str, str]] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(table.rows) for table in self.tables.values())


def read_upload(name: str, content: bytes) -> Upload:
    upload = Upload()
    if len(content) > max_upload_bytes():
        upload.problems.append((name, None, "", _("The file is larger than %(size)s.")
                                % {"size": filesizeformat(max_upload_bytes())}))
        return upload
    lower = name.lower()
    try:
        if lower.endswith(".xlsx"):
            _read_xlsx(name, content, upload)
        elif lower.endswith(".zip"):
            _read_zip(name, content, upload)
        elif lower.endswith(".csv"):
            spec = BY_PATH.get(name.rsplit("/", 1)[-1]) or BY_NAME.get(name.rsplit("/", 1)[-1][:-4])
            if spec is None:
                upload.problems.append((name, None, "", _(
                    "A single CSV file must be named after its HSDS table, e.g. services.csv.")))
            else:
                _read_csv(spec.name, name, content, upload)
        else:
            upload.problems.append((name, None, "", _(
                "Upload a ZIP file of CSV files, a single CSV file or an XLSX workbook.")))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        upload.problems.append((name, None, "", _("The file cannot be read: %(error)s") % {"error": error}))
    if not upload.problems and upload.row_count > max_rows():
        upload.problems.append((name, None, "", _("The file has %(rows)d rows; at most %(limit)d can be imported "
                                                  "at once.") % {"rows": upload.row_count, "limit": max_rows()}))
    if not upload.problems and not upload.tables:
        upload.problems.append((name, None, "", _("The file contains no HSDS table.")))
    return upload


def _check_archive(name: str, archive: zipfile.ZipFile, upload: Upload) -> bool:
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNCOMPRESSED_BYTES:
        upload.problems.append((name, None, "", _("The file unpacks to more than %(size)s.")
                                % {"size": filesizeformat(MAX_UNCOMPRESSED_BYTES)}))
        return False
    return True


def _read_zip(name: str, content: bytes, upload: Upload) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if not _check_archive(name, archive, upload):
            return
        for info in archive.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or not base or base.startswith(".") or base == "datapackage.json":
                continue
            spec = BY_PATH.get(base)
            if spec is None:
                upload.warnings.append((info.filename, None, "", _("Not a table this directory imports; "
                                                                    "the file was skipped.")))
                continue
            _read_csv(spec.name, info.filename, archive.read(info), upload)


def _read_csv(table: str, source: str, content: bytes, upload: Upload) -> None:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        upload.problems.append((source, None, "", _("The file is not in UTF-8 encoding.")))
        return
    try:
        records = list(csv.reader(io.StringIO(decoded, newline="")))
    except csv.Error as error:
        upload.problems.append((source, None, "", _("The CSV file is broken: %(error)s") % {"error": error}))
        return
    _add_table(table, source, records, upload)


def _add_table(table: str, source: str, records: list[list[str]], upload: Upload) -> None:
    if table in upload.tables:
        upload.problems.append((source, None, "", _("The table %(table)s appears twice.") % {"table": table}))
        return
    if not records:
        upload.problems.append((source, None, "", _("The table is empty: it has no header row.")))
        return
    header = [column.strip() for column in records[0]]
    raw = RawTable(table, source, header)
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            upload.problems.append((source, 1, column, _("The column appears twice.")))
        seen.add(column)
    for index, values in enumerate(records[1:], start=2):
        if not any(value.strip() for value in values):
            continue  # blank lines are allowed
        if len(values) > len(header):
            upload.problems.append((source, index, "", _(
                "The row has %(found)d cells but the header has %(expected)d columns.")
                % {"found": len(values), "expected": len(header)}))
            continue
        raw.rows.append((index, {column: (values[i] if i < len(values) else "").strip()
                                 for i, column in enumerate(header) if column}))
    upload.tables[table] = raw


def _read_xlsx(name: str, content: bytes, upload: Upload) -> None:
    # XLSX is a ZIP of XML: refuse a zip bomb before openpyxl unpacks it; openpyxl parses the XML with
    # defusedxml (installed), and read_only mode streams the rows.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if not _check_archive(name, archive, upload):
            return
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            spec = BY_NAME.get(sheet.title) or BY_PATH.get(sheet.title)
            if spec is None:
                upload.warnings.append((sheet.title, None, "", _("Not a table this directory imports; "
                                                                  "the sheet was skipped.")))
                continue
            records = []
            for values in sheet.iter_rows(values_only=True):
                records.append([_cell_text(value) for value in values])
                if len(records) > max_rows() + 1:
                    break
            _add_table(spec.name, sheet.title, records, upload)
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
