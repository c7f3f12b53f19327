"""The directory's "Import / export" admin view: export the records as HSDS tables; import a file in two
steps (preview with the counts and the error report, then confirm)."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otwarta.institutions.models import Institution

from .tabular import ImportRejected, Problem, Result, can_exchange, export_file, import_file
from .tabular.spec import BY_NAME
from .tabular_forms import ExportForm, ImportForm

STAGED_SECONDS = 3600
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _check(request: HttpRequest) -> None:
    if not can_exchange(request.user):
        raise PermissionDenied


def staging_dir() -> Path:
    path = Path(getattr(settings, "HSDS_IMPORT_STAGING_DIR", Path(settings.VAR_DIR) / "hsds-imports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _clean_staging(directory: Path) -> None:
    limit = time.time() - STAGED_SECONDS
    for stale in directory.glob("*.*"):
        if stale.stat().st_mtime < limit:
            stale.unlink(missing_ok=True)


def _stage(request: HttpRequest, meta: dict[str, Any], content: bytes | None) -> str:
    directory = staging_dir()
    _clean_staging(directory)
    token = secrets.token_hex(16)
    if content is not None:
        (directory / f"{token}.bin").write_bytes(content)
    (directory / f"{token}.json").write_text(json.dumps({**meta, "user": request.user.pk}), encoding="utf-8")
    return token


class NotStaged(Exception):
    """No file or report under this token for this user (never, no longer, or someone else's)."""


def _staged(request: HttpRequest, token: str) -> tuple[dict[str, Any], Path]:
    if not TOKEN.match(token):
        raise NotStaged
    directory = staging_dir()
    meta_path = directory / f"{token}.json"
    if not meta_path.exists():
        raise NotStaged
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user") != request.user.pk or meta_path.stat().st_mtime < time.time() - STAGED_SECONDS:
        raise NotStaged
    return meta, directory / f"{token}.bin"


def _gone(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("The checked file is no longer available. Check it again."))
    return redirect("otwarta_hsds_exchange:index")


def _problem_rows(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"file": p.file, "row": p.row, "column": p.column, "message": p.message} for p in problems]


def _count_rows(result: Result) -> list[dict[str, Any]]:
    return [{"table": name, "path": BY_NAME[name].path, **vars(counts)}
            for name, counts in result.counts.items() if counts.created or counts.updated or counts.deleted
            or counts.unchanged]


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> TemplateResponse:
    context.setdefault("page_title", _("Directory: import / export (HSDS)"))
    return TemplateResponse(request, template, context)


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    _check(request)
    export_form = ExportForm(user=request.user, prefix="export")
    if request.method == "POST":
        export_form = ExportForm(request.POST, user=request.user, prefix="export")
        if export_form.is_valid():
            institution = export_form.cleaned_data["institution"]
            exported = export_file(export_form.cleaned_data["format"], institution, user=request.user)
            response = HttpResponse(exported.content, content_type=exported.content_type)
            response["Content-Disposition"] = f'attachment; filename="{exported.name}"'
            return response
    return _render(request, "hsds/exchange.html", {
        "export_form": export_form, "import_form": ImportForm(user=request.user, prefix="import")})


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """Check the file and count what the import would do (a trial run that is rolled back)."""
    _check(request)
    form = ImportForm(request.POST, request.FILES, user=request.user, prefix="import")
    if not form.is_valid():
        return _render(request, "hsds/exchange.html", {
            "export_form": ExportForm(user=request.user, prefix="export"), "import_form": form})
    upload = form.cleaned_data["file"]
    institution: Institution | None = form.cleaned_data["institution"]
    content = upload.read()
    meta = {"name": upload.name, "institution": institution.pk if institution else None}
    try:
        result, warnings = import_file(upload.name, content, request.user, institution=institution, dry_run=True)
    except ImportRejected as rejected:
        token = _stage(request, {**meta, "problems": _problem_rows(rejected.problems)}, None)
        return _render(request, "hsds/preview.html", {
            "file_name": upload.name, "problems": rejected.problems, "report_token": token,
            "import_form": ImportForm(user=request.user, prefix="import")})
    token = _stage(request, meta, content)
    return _render(request, "hsds/preview.html", {
        "file_name": upload.name, "counts": _count_rows(result), "changed": result.changed, "warnings": warnings,
        "token": token, "institution": institution})


@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    _check(request)
    try:
        meta, content_path = _staged(request, request.POST.get("token", ""))
    except NotStaged:
        return _gone(request)
    if not content_path.exists():
        return _gone(request)
    institution_id = meta.get("institution")
    institution = Institution.objects.filter(pk=int(institution_id)).first() if institution_id else None
    try:
        result, _warnings = import_file(meta["name"], content_path.read_bytes(), request.user,
                                        institution=institution)
    except ImportRejected as rejected:  # the directory changed since the preview
        token = _stage(request, {**meta, "problems": _problem_rows(rejected.problems)}, None)
        return _render(request, "hsds/preview.html", {
            "file_name": meta["name"], "problems": rejected.problems, "report_token": token,
            "import_form": ImportForm(user=request.user, prefix="import")})
    finally:
        content_path.unlink(missing_ok=True)
    created = sum(c.created for c in result.counts.values())
    updated = sum(c.updated for c in result.counts.values())
    deleted = sum(c.deleted for c in result.counts.values())
    messages.success(request, _("“%(name)s” imported: %(created)d rows added, %(updated)d changed, %(deleted)d "
                                "removed.") % {"name": meta["name"], "created": created, "updated": updated,
                                               "deleted": deleted})
    return redirect("otwarta_hsds_exchange:index")


@require_GET
def report(request: HttpRequest, token: str) -> HttpResponse:
    """The error report of a rejected file as CSV (file, row, column, problem)."""
    _check(request)
    try:
        meta, _content = _staged(request, token)
    except NotStaged:
        return _gone(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("File"), _("Row"), _("Column"), _("Problem")])
    for problem in meta.get("problems", []):
        writer.writerow([problem["file"], problem["row"] or "", problem["column"], problem["message"]])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hsds-import-problems.csv"'
    return response
