"""The reader's checklist as a PDF (``…/wynik.pdf?<answers>``), laid out by WeasyPrint on every request.

A short document (one or two A4 pages, about 0.3 s) that is never stored: the answers arrive in the URL
and leave in the response. Like the print packs (``otwarta.printing.render``) it is a tagged PDF/UA-1
(structure tree, ``/Lang`` from ``<html lang>``, the title as the window title), its fonts are Debian's
Noto fonts found by fontconfig, and WeasyPrint fetches nothing from the network (``LocalFetcher``). Links
are printed as absolute addresses, and a QR code leads back to the same checklist on the portal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext
from weasyprint import CSS, HTML

from otwarta.core.languages import direction
from otwarta.printing.render import PORTAL_NAME, LocalFetcher, qr_svg

STYLESHEET = Path(__file__).resolve().parent / "templates" / "guide" / "pdf" / "checklist.css"
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


def render_html(context: dict[str, Any]) -> str:
    """The checklist as HTML for WeasyPrint, in the guide's language, with absolute links."""
    request = context["request"]
    language = context["language"]

    def absolute(url: str) -> str:
        return request.build_absolute_uri(url) if url else ""

    with translation.override(language):
        result_url = absolute(context["result_url"])
        pdf_context = {
            **context,
            "portal_name": PORTAL_NAME,
            "direction": direction(language),
            "absolute_result_url": result_url,
            "qr": qr_svg(result_url, gettext("QR code of this checklist on the portal: %(url)s") % {"url": result_url}),
            "date": formats.date_format(context["now"], "DATE_FORMAT"),
            "readings": [(r, foreign, absolute(r.url)) for r, foreign in context["readings"]],
            "services": [(group, [(card, absolute(card.url)) for card in group.cards], absolute(group.search_url))
                         for group in context["checklist"].services],
            "language_help": [(h, absolute(h.url), absolute(h.request_url))
                              for h in context["checklist"].language_help],
            "directory_url": absolute(_url("directory:search")),
            "registers_url": absolute(_url("registers:index")),
        }
        return render_to_string("guide/pdf/checklist.html", pdf_context)


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def render_checklist_pdf(context: dict[str, Any]) -> bytes:
    """The tagged PDF of the checklist whose page context (``views.checklist_context``) is ``context``."""
    html = HTML(string=render_html(context), base_url=settings.SITE_URL + "/", url_fetcher=LocalFetcher())
    document = html.render(stylesheets=[CSS(filename=str(STYLESHEET))], **PDF_OPTIONS)
    return bytes(document.write_pdf(**PDF_OPTIONS))
