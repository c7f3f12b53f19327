"""The public print section: every listed pack in the reader's language with its PDFs, and the PDFs
themselves. Both only read ``PackFile`` rows: a request never waits for a rendering (see ``services``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from otwarta.core.languages import spoken_language_name

from .models import PackFile, PackFormat, PackType, PrintPack

CACHE_SECONDS = 3600

GROUP_HEADINGS: dict[str, str | Promise] = {
    PackType.WELCOME: _("Welcome packs"),
    PackType.TOPIC: _("Topic brochures"),
    PackType.CHILDREN: _("For children"),
    PackType.GROUP: _("For specific groups of people"),
}


@dataclass(frozen=True)
class FallbackPart:
    part: str
    language: str  # code
    language_name: str  # in the reader's language


@dataclass
class Download:
    format: str
    label: str | Promise
    url: str
    available: bool
    size_bytes: int = 0
    page_count: int = 0
    valid_as_of: dt.date | None = None


@dataclass
class PackEntry:
    slug: str
    title: str
    subtitle: str
    text_language: str  # language of the title and subtitle ("" when the reader's)
    downloads: list[Download] = field(default_factory=list)
    fallbacks: list[FallbackPart] = field(default_factory=list)

    @property
    def any_available(self) -> bool:
        return any(d.available for d in self.downloads)


def download_filename(slug: str, language: str, fmt: str) -> str:
    return f"{slug}-{language}-{fmt}.pdf"


def _fallbacks(files: list[PackFile], language: str) -> list[FallbackPart]:
    seen: dict[tuple[str, str], FallbackPart] = {}
    for packfile in files:
        for item in packfile.fallbacks or []:
            part, code = str(item.get("part", "")), str(item.get("language", ""))
            if part and code and code != language and (part, code) not in seen:
                seen[(part, code)] = FallbackPart(part, code, spoken_language_name(code))
    return list(seen.values())


def pack_entries(language: str) -> list[tuple[str | Promise, list[PackEntry]]]:
    """(group heading, packs) for the listed packs, the welcome packs first; three queries."""
    sources = list(PrintPack.sources().filter(listed=True))
    translated = {
        pack.translation_key: pack
        for pack in PrintPack.objects.filter(translation_key__in=[s.translation_key for s in sources],
                                             locale__language_code=language)
    }
    files: dict[tuple[int, str], PackFile] = {
        (f.pack_id, f.format): f for f in PackFile.objects.filter(pack__in=sources, language=language)
    }
    groups: dict[str, list[PackEntry]] = {str(value): [] for value in PackType.values}
    for source in sources:
        shown = translated.get(source.translation_key)
        text_language = "" if shown is not None or language == settings.LANGUAGE_CODE else settings.LANGUAGE_CODE
        shown = shown or source
        entry = PackEntry(slug=source.slug, title=shown.title, subtitle=shown.subtitle, text_language=text_language)
        available_files = []
        for fmt, label in PackFormat.choices:
            packfile = files.get((source.pk, fmt))
            if packfile is not None and packfile.available:
                available_files.append(packfile)
                entry.downloads.append(Download(
                    format=fmt, label=label, url=reverse("printing:download", args=[source.slug, fmt]),
                    available=True, size_bytes=packfile.size_bytes, page_count=packfile.page_count,
                    valid_as_of=packfile.valid_as_of))
            else:
                entry.downloads.append(Download(format=fmt, label=label, url="", available=False))
        entry.fallbacks = _fallbacks(available_files, language)
        groups.setdefault(source.pack_type, []).append(entry)
    return [(GROUP_HEADINGS.get(kind, kind), sorted(entries, key=lambda e: e.title.casefold()))
            for kind, entries in groups.items() if entries]


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return render(request, "printing/print_section.html", {"groups": pack_entries(language)})


def _not_found() -> Http404:
    return Http404("No such print file.")


@require_safe
def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    """The last good PDF of the pack in the language of the address. Its ETag is the content hash."""
    language = translation.get_language() or ""
    if fmt not in PackFormat.values or language not in {code for code, _name in settings.LANGUAGES}:
        raise _not_found()
    packfile = (PackFile.objects.filter(pack__slug=slug, pack__locale__language_code=settings.LANGUAGE_CODE,
                                        language=language, format=fmt).first())
    if packfile is None or not packfile.available or not packfile.content_hash:
        raise _not_found()
    etag = f'"{packfile.content_hash}"'
    # whole seconds, as HTTP dates are (else If-Modified-Since would never match)
    last_modified = int(packfile.generated_at.timestamp()) if packfile.generated_at else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _with_cache_headers(not_modified, etag, packfile)
    try:
        handle = packfile.file.open("rb")
    except (FileNotFoundError, OSError):
        raise _not_found() from None
    response = FileResponse(handle, content_type="application/pdf", as_attachment=False,
                            filename=download_filename(slug, language, fmt))
    return _with_cache_headers(response, etag, packfile)


def _with_cache_headers(response: HttpResponseBase, etag: str, packfile: PackFile) -> HttpResponseBase:
    from django.utils.http import http_date

    response.headers["ETag"] = etag
    if packfile.generated_at:
        response.headers["Last-Modified"] = http_date(packfile.generated_at.timestamp())
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    response.headers["Content-Language"] = packfile.language
    return response


def sitemap_entries(base: str) -> list[dict[str, Any]]:
    """sitemap.xml entries of the print section in every language (added by otwarta.core.sitemap);
    nothing while no pack is listed."""
    if not PrintPack.sources().filter(listed=True).exists():
        return []
    urls = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls.append((code, base + reverse("printing:index")))
    x_default = urls[0][1]
    return [{"loc": url, "lastmod": None, "alternates": urls, "x_default": x_default} for _code, url in urls]
