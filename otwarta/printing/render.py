"""Laying a ``PrintDocument`` out as a PDF with WeasyPrint.

The document (``printing/pdf/document.html`` with ``pdf_static/print.css``): a cover (portal name, pack type,
title, subtitle, language, "valid as of DATE", the cover image), the introduction, a notice listing the parts
that are not translated, a table of contents with page numbers, then each part starting on a new page with
its title and a QR code of its live page (the address printed under it for people without a QR reader).
Parts in another language than the PDF's are marked ``lang``/``dir`` and carry a notice in the PDF's
language. Footer: "valid as of DATE" and the page number.

Formats:

- A4 (``PackFormat.A4``): the accessible file. Tagged PDF/UA-1 (``pdf_variant="pdf/ua-1"``: structure tree,
  ``/Lang`` from ``<html lang>``, title shown as the window title), fonts embedded (Debian's Noto fonts, found
  by fontconfig; DejaVu as the fallback).
- A5 booklet (``PackFormat.A5_BOOKLET``): laid out on A5 pages, then imposed two to an A4 landscape sheet for
  duplex printing and folding (``imposition.impose_booklet``). For print shops: the text stays extractable but
  the tag structure does not survive imposition, so the A4 file is the one to offer to screen-reader users.

WeasyPrint never goes to the network: ``LocalFetcher`` serves only files under the project's static
directories and media root (addressed by their URL on the portal or as ``file:`` paths there), and ``data:``
URLs; every other address is refused (the resource is left out, never fetched).
"""

from __future__ import annotations

import io
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from otwarta.core.languages import direction

from .document import PrintDocument, RenderedPdf, Section
from .models import PackFormat, PackType, PrintPack

logger = logging.getLogger(__name__)

PDF_STATIC = Path(__file__).resolve().parent / "pdf_static"
PORTAL_NAME = "Małopolska otwarta"


# --- no network -------------------------------------------------------------------------------------------------
def _static_roots() -> list[Path]:
    roots = [Path(str(d[1] if isinstance(d, (tuple, list)) else d)) for d in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT))
    roots.append(PDF_STATIC)
    return [root.resolve() for root in roots]


def _inside(path: Path, roots: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in roots)


def _under(url: str, prefix: str) -> str | None:
    """The rest of ``url`` after ``prefix`` (a URL path or an absolute URL), or None."""
    if not prefix:
        return None
    if not urlsplit(prefix).scheme:
        prefix = settings.SITE_URL + ("" if prefix.startswith("/") else "/") + prefix
    return url[len(prefix):] if url.startswith(prefix) else None


def local_path(url: str) -> Path | None:
    """The file behind ``url`` when it is one of the project's own static or media files, else None."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = Path(url2pathname(unquote(parts.path)))
        roots = [*_static_roots(), Path(settings.MEDIA_ROOT).resolve()]
        for finder_root in _app_static_roots():
            roots.append(finder_root)
        return path if path.is_file() and _inside(path, roots) else None
    clean = url.split("#")[0].split("?")[0]
    rest = _under(clean, settings.STATIC_URL)
    if rest is not None:
        relative = unquote(rest)
        if ".." in Path(relative).parts:
            return None
        found = finders.find(relative)
        candidate = Path(found if isinstance(found, str) else Path(settings.STATIC_ROOT) / relative)
        return candidate if candidate.is_file() else None
    rest = _under(clean, settings.MEDIA_URL)
    if rest is not None:
        relative = unquote(rest)
        media = Path(settings.MEDIA_ROOT).resolve()
        candidate = media / relative
        return candidate if ".." not in Path(relative).parts and candidate.is_file() and _inside(
            candidate, [media]) else None
    return None


def _app_static_roots() -> list[Path]:
    roots: list[Path] = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return roots


class LocalFetcher(URLFetcher):
    """WeasyPrint's fetcher restricted to the project's own files: never a network request."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)  # decoded in memory, no network
        path = local_path(url)
        if path is None:
            raise ValueError(f"Print packs use only the portal's own files; refused: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": content_type})


# --- the HTML -----------------------------------------------------------------------------------------------
def qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code of ``url``; ``title`` becomes the figure's alternative text in the tagged PDF."""
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", xmldecl=False, svgns=True, nl=False, border=2, scale=1, title=title,
              svgclass="qr-code", lineclass="qr-line", omitsize=True)
    return buffer.getvalue().decode("utf-8")


def language_name(code: str) -> str:
    """The language's own name ("Українська"), as readers look for it on a cover."""
    from django.conf.locale import LANG_INFO

    info = LANG_INFO.get(code) or {}
    name = str(info.get("name_local") or dict(settings.LANGUAGES).get(code) or code)
    return name[:1].upper() + name[1:]


def _cover(doc: PrintDocument) -> tuple[str, str]:
    """(absolute URL, alternative text) of the pack's cover image (a rendition in the media root)."""
    pack = PrintPack.objects.filter(translation_key=doc.pack_key, locale__language_code=settings.LANGUAGE_CODE) \
        .select_related("cover_image").first()
    image = pack.cover_image if pack is not None else None
    if image is None:
        return "", ""
    try:
        rendition = image.get_rendition("max-1600x1000")
    except Exception:  # a missing or broken original: the cover without an image
        logger.exception("Could not make the cover image of the print pack %s", doc.slug)
        return "", ""
    from .assemble import absolute_url

    alt = str(getattr(image, "description", "") or image.title or "")
    return absolute_url(rendition.url), alt


@dataclass(frozen=True)
class _Part:
    number: int
    section: Section
    foreign: bool  # in another language than the document
    dir: str
    qr: str
    notice: str


def _notice(language: str) -> str:
    if language == settings.LANGUAGE_CODE:
        return gettext("This part is in Polish because it is not yet translated.")
    return gettext("This part is in %(language)s because it is not yet translated.") % {
        "language": language_name(language)}


def render_html(doc: PrintDocument) -> str:
    """The document as HTML for WeasyPrint, in the document's language (labels, dates)."""
    with translation.override(doc.language):
        parts = []
        for number, section in enumerate(doc.sections, start=1):
            foreign = section.language != doc.language
            qr = qr_svg(section.live_url, gettext("QR code of the page on the portal: %(url)s")
                        % {"url": section.live_url}) if section.live_url else ""
            parts.append(_Part(number=number, section=section, foreign=foreign, dir=direction(section.language),
                               qr=qr, notice=_notice(section.language) if foreign else ""))
        cover_url, cover_alt = _cover(doc)
        date = formats.date_format(doc.valid_as_of, "DATE_FORMAT")
        pack_types = dict(PackType.choices)
        texts_fallback = any(f.part == doc.title and f.language != doc.language for f in doc.fallbacks)
        context = {
            "doc": doc,
            "parts": parts,
            "portal_name": PORTAL_NAME,
            "site_url": settings.SITE_URL,
            "pack_type_label": str(pack_types.get(doc.pack_type, "")),
            "language_name": language_name(doc.language),
            "valid_line": gettext("Valid as of %(date)s") % {"date": date},
            "fallbacks": [{"part": f.part, "language": f.language, "language_name": language_name(f.language)}
                          for f in doc.fallbacks],
            "texts_fallback": texts_fallback,
            "cover_url": cover_url,
            "cover_alt": cover_alt,
        }
        return render_to_string("printing/pdf/document.html", context)


# --- the PDF ------------------------------------------------------------------------------------------------
def stylesheets(fmt: str) -> list[CSS]:
    sheets = [CSS(filename=str(PDF_STATIC / "print.css"))]
    if fmt == PackFormat.A5_BOOKLET:
        sheets.append(CSS(filename=str(PDF_STATIC / "a5.css")))
    return sheets


def render_pages(doc: PrintDocument, tagged: bool) -> tuple[bytes, int]:
    """The PDF of ``doc`` on its own pages (A4 or A5), and its page count."""
    html = HTML(string=render_html(doc), base_url=settings.SITE_URL + "/", url_fetcher=LocalFetcher())
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    document = html.render(stylesheets=stylesheets(doc.format), **options)
    data = document.write_pdf(**options)
    return bytes(data), len(document.pages)


def render_pdf(doc: PrintDocument) -> RenderedPdf:
    """A4: the tagged PDF/UA-1 file. A5 booklet: A5 pages imposed on A4 landscape sheets; its page_count is
    the number of pages of the folded booklet (A5 pages, blank ones included: a multiple of 4)."""
    if doc.format == PackFormat.A5_BOOKLET:
        from .imposition import impose_booklet, padded_page_count

        pages, count = render_pages(doc, tagged=False)
        imposed = impose_booklet(pages, right_to_left=doc.direction == "rtl")
        return RenderedPdf(data=imposed, page_count=padded_page_count(count))
    data, count = render_pages(doc, tagged=True)
    return RenderedPdf(data=data, page_count=count)
