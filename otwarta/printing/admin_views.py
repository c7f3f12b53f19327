"""Admin views of print packs beyond the snippet views: "Files and problems" of a pack (what an editor must
fix, the generated PDFs per language and format, "Generate again") and the report of packs to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from . import permissions
from .document import Problem
from .models import FileStatus, PackFile, PackFormat, PrintPack

REGENERATE_ACTION = "printing.regenerate"
# The public address of a PDF (otwarta/printing/urls.py, under the language prefix): URL name, format kwarg.
PUBLIC_FILE_URLS = (("printing:file", "format"), ("printing:download", "fmt"))


def edit_url(pack: PrintPack) -> str:
    return reverse("wagtailsnippets_printing_printpack:edit", args=[pack.pk])


def status_url(pack: PrintPack) -> str:
    return reverse("printing_admin:status", args=[pack.pk])


def _pack(request: HttpRequest, pk: int, action: str) -> PrintPack:
    """The pack, 404 when there is none, 403 when ``request.user`` may not ``action`` it."""
    pack = get_object_or_404(PrintPack.objects.select_related("institution", "locale"), pk=pk)
    if not permissions.can(request.user, action, pack):
        raise PermissionDenied
    return pack


# --- what an editor sees -------------------------------------------------------------------------------
def problems_of(pack: PrintPack) -> list[Problem]:
    """What the editors must fix in ``pack`` (its source row's parts), in the admin's language."""
    from . import assemble

    return list(assemble.pack_problems(pack.source_pack()))


def public_url(packfile: PackFile) -> str:
    """The public address of the file (under its language's prefix); "" when the file is not available."""
    if not packfile.available:
        return ""
    with translation.override(packfile.language):
        for name, format_kwarg in PUBLIC_FILE_URLS:
            try:
                return reverse(name, kwargs={"slug": packfile.pack.slug, format_kwarg: packfile.format})
            except NoReverseMatch:
                continue
    return ""  # the public views are not installed


@dataclass
class FileRow:
    file: PackFile
    language_name: str
    format_name: str
    url: str
    fallbacks: list[dict[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.file.status == FileStatus.FAILED


def language_name(code: str) -> str:
    """The language's name in the admin's language (e.g. "Ukrainian", "ukraiński")."""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


def file_rows(pack: PrintPack) -> list[FileRow]:
    """The generated files of ``pack`` (its source row), by the portal's language order, then format."""
    language_order = {code: index for index, (code, _name) in enumerate(settings.LANGUAGES)}
    format_order = {value: index for index, value in enumerate(PackFormat.values)}
    formats = dict(PackFormat.choices)
    files = sorted(PackFile.objects.filter(pack=pack.source_pack()).select_related("pack"),
                   key=lambda row: (language_order.get(row.language, 99), format_order.get(row.format, 99)))
    return [FileRow(file=row, language_name=language_name(row.language),
                    format_name=str(formats.get(row.format, row.format)), url=public_url(row),
                    fallbacks=fallbacks_of(row))
            for row in files]


def fallbacks_of(packfile: PackFile) -> list[dict[str, str]]:
    """The parts of the file shown in another language: [{"part": title, "language": language name}]."""
    return [{"part": str(item.get("part", "")), "language": language_name(str(item.get("language", "")))}
            for item in (packfile.fallbacks or []) if isinstance(item, dict)]


def status_context(request: HttpRequest, pack: PrintPack) -> dict[str, Any]:
    """What the edit view and the "Files and problems" view show about ``pack``."""
    source = pack.source_pack()
    return {
        "pack": pack, "source": source, "is_translation": source.pk != pack.pk,
        "source_edit_url": edit_url(source), "status_url": status_url(pack),
        "problems": problems_of(source), "files": file_rows(source),
        "can_regenerate": permissions.can(request.user, "change", source),
        "regenerate_url": reverse("printing_admin:regenerate", args=[source.pk]),
        "next": request.get_full_path(),
    }


def status(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(request, pk, "view")
    context = {"status": status_context(request, pack), "page_title": _("Files and problems"),
               "page_subtitle": str(pack), "edit_url": edit_url(pack)}
    return TemplateResponse(request, "printing/admin/status.html", context)


@require_POST
def regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    """"Generate again": every language and format of the pack, even when its content did not change."""
    from . import services

    source = _pack(request, pk, "change").source_pack()
    if not permissions.can(request.user, "change", source):
        raise PermissionDenied
    rows = services.request_generation(source, force=True)
    log(instance=source, action=REGENERATE_ACTION, user=request.user, data={"files": len(rows)})
    messages.success(request, gettext_now(
        "The PDFs of “%(pack)s” will be generated again in the background. Reload this page in a few "
        "minutes to see them.") % {"pack": source})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = status_url(source)
    return HttpResponseRedirect(target)


# --- Packs to fix ----------------------------------------------------------------------------------------
@dataclass
class PackToFix:
    pack: PrintPack
    problems: list[Problem]
    failed: list[PackFile]
    edit_url: str
    status_url: str


def packs_to_fix(user: Any) -> list[PackToFix]:
    """The Polish packs ``user`` maintains that have problems or files whose generation failed."""
    packs = (permissions.packs_for(user, "change").filter(pk__in=PrintPack.sources().values("pk"))
             .select_related("institution", "locale").order_by("title"))
    found = []
    for pack in packs:
        problems = problems_of(pack)
        failed = list(pack.files.filter(status=FileStatus.FAILED))
        if problems or failed:
            found.append(PackToFix(pack, problems, failed, edit_url(pack), status_url(pack)))
    return found


def to_fix(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_packs(request.user):
        raise PermissionDenied
    return TemplateResponse(request, "printing/admin/to_fix.html", {
        "page_title": _("Print packs to fix"), "rows": packs_to_fix(request.user),
    })
