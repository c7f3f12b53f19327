"""Rendering print packs: tagged PDF/UA with the document language, extractable text in Latin, Cyrillic and
Georgian script with embedded fonts, right-to-left layout, the A5 booklet's imposition, and no network.

Each WeasyPrint run takes about a second, so the tests are few and each checks several things."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfReader
from pypdf._page import PageObject
from pypdf.generic import ContentStream

from otwarta.printing.assemble import build_document
from otwarta.printing.document import PrintDocument, Section
from otwarta.printing.imposition import booklet_order, impose_booklet
from otwarta.printing.models import ItemKind, PackFormat, PackType
from otwarta.printing.render import LocalFetcher, local_path, render_html, render_pdf

from .test_assemble import CHILDREN_BLOCK, add_blocks, article, make_pack, page_item

pytestmark = pytest.mark.django_db

A4_WIDTH, A4_HEIGHT = 595.28, 841.89


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def all_text(pdf: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in pdf.pages)


def font_files(pdf: PdfReader) -> dict[str, bool]:
    """Every font used on the pages: whether its program is embedded (FontFile, FontFile2 or FontFile3)."""
    found: dict[str, bool] = {}
    for page in pdf.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")]
            descriptors += [d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
            embedded = any(d is not None and any(k in d.get_object() for k in ("/FontFile", "/FontFile2",
                                                                                "/FontFile3"))
                           for d in descriptors)
            found[str(font["/BaseFont"])] = embedded
    return found


def text_runs(page: PageObject) -> list[tuple[float, str]]:
    """(x position in points from the left edge, text) of each text run on the page."""
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
        if text.strip():
            runs.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text))

    page.extract_text(visitor_text=visit)
    return runs


# --- A4: tagged, in every script, fonts embedded ----------------------------------------------------------------
def test_a4_is_tagged_pdf_ua_with_language_and_extractable_text_in_three_scripts(portal: Any) -> None:
    add_blocks(article(), CHILDREN_BLOCK)
    pack = make_pack(page_item("karta-pobytu"), page_item("pesel"))
    expected = {"pl": "Wniosek składasz w urzędzie wojewódzkim", "uk": "Заяву подають до воєводського управління",
                "ka": "განაცხადი შეგაქვთ სავოევოდო ოფისში"}
    for language, sentence in expected.items():
        doc = build_document(pack, language, PackFormat.A4)
        rendered = render_pdf(doc)
        pdf = reader(rendered.data)
        assert rendered.page_count == len(pdf.pages) >= 4
        root = pdf.trailer["/Root"]
        assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
        assert str(root["/Lang"]) == language
        assert pdf.metadata is not None and pdf.metadata.title == "Pakiet powitalny"
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"pdfuaid:part[^0-9]{0,3}1", xmp), "no PDF/UA identification"
        text = re.sub(r"\s+", " ", all_text(pdf))
        assert sentence in text, (language, text[:2000])
        assert "Numer PESEL dla obywateli Ukrainy" in text  # the Polish fallback part is printed …
        assert "Mama idzie do urzędu" not in text  # … and the text for children only in the children's edition
        fonts = font_files(pdf)
        assert fonts and all(fonts.values()), fonts
        if language == "ka":
            assert any("Georgian" in name for name in fonts), fonts


def test_html_marks_fallbacks_and_has_a_qr_code_per_part(portal: Any) -> None:
    pack = make_pack(page_item("karta-pobytu"), page_item("pesel"))
    html = render_html(build_document(pack, "uk", PackFormat.A4))
    assert '<html lang="uk" dir="ltr"' in html
    assert html.count('<svg') == 2 and html.count('class="qr-url"') == 2
    # the Polish part is marked for screen readers, and the notice lists it
    assert re.search(r'<section class="part part-page" id="part-2" lang="pl" dir="ltr">', html)
    assert "Numer PESEL dla obywateli Ukrainy" in html.split('class="fallbacks"')[1].split("</section>")[0]
    assert f"{settings.SITE_URL}/pl/instytucje/fundacja/pesel/" in html


# --- right to left ------------------------------------------------------------------------------------------------
def arabic_document(direction: str) -> PrintDocument:
    return PrintDocument(
        pack_key="00000000-0000-0000-0000-000000000000", slug="rtl", pack_type=PackType.TOPIC, language="ar",
        direction=direction, format=PackFormat.A4, title="دليل الترحيب", subtitle="", introduction_html="",
        valid_as_of=dt.date(2026, 1, 15),
        sections=(Section(kind=ItemKind.PAGE, title="الإقامة", html="<p>مرحبا بكم.</p>", language="ar",
                          live_url="", item_id=None),),
    )


def test_right_to_left_document_is_right_aligned(portal: Any) -> None:
    positions = {}
    for direction in ("rtl", "ltr"):
        pdf = reader(render_pdf(arabic_document(direction)).data)
        assert str(pdf.trailer["/Root"]["/Lang"]) == "ar"
        runs = [run for page in pdf.pages for run in text_runs(page)]
        paragraph = [x for x, text in runs if "مرحبا" in text or "ابحرم" in text]
        assert paragraph, runs
        positions[direction] = paragraph[0]
    # right-aligned: the short paragraph starts in the right half of the page (left-aligned when ltr)
    assert positions["rtl"] > A4_WIDTH / 2 > positions["ltr"]


# --- the A5 booklet -------------------------------------------------------------------------------------------------
def test_booklet_is_imposed_in_saddle_stitch_order_on_a4_landscape(portal: Any) -> None:
    # the cover, the contents, four parts (each starts a page), the back cover: 7 pages
    doc = PrintDocument(
        pack_key="00000000-0000-0000-0000-000000000000", slug="broszura", pack_type=PackType.TOPIC, language="pl",
        direction="ltr", format=PackFormat.A5_BOOKLET, title="Pakiet powitalny", subtitle="Na dobry początek",
        introduction_html="", valid_as_of=dt.date(2026, 1, 15),
        sections=tuple(Section(kind=ItemKind.PAGE, title=f"Część {n}", html=f"<p>Wniosek składasz {n}.</p>",
                               language="pl", live_url=f"{settings.SITE_URL}/pl/{n}/") for n in range(1, 5)),
    )
    rendered = render_pdf(doc)
    assert rendered.page_count == 8  # 7 pages and a blank one
    pdf = reader(rendered.data)
    assert len(pdf.pages) == 4 and len(pdf.pages) * 2 % 4 == 0
    for sheet in pdf.pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert abs(width - A4_HEIGHT) < 1 and abs(height - A4_WIDTH) < 1  # A4 landscape

    def side(page: PageObject) -> tuple[str, str]:
        """The text on the left and on the right half of a sheet: each A5 page is a form XObject drawn
        where a ``cm`` operator before its ``Do`` moves it (pypdf reads a form's text in its own space)."""
        halves: dict[str, list[str]] = {"left": [], "right": []}
        forms = page["/Resources"]["/XObject"]
        shift = 0.0
        for operands, operator in ContentStream(page.get_contents(), pdf).operations:
            if operator == b"cm":
                shift = float(operands[4])
            elif operator == b"Do":
                text = page.extract_xform_text(forms[operands[0]].get_object())
                halves["left" if shift < A4_HEIGHT / 2 - 10 else "right"].append(text)
        return " ".join(halves["left"]), " ".join(halves["right"])

    def page_number(text: str) -> int | None:
        if "Pakiet powitalny" in text and "Na dobry początek" in text and "/ 7" not in text:
            return 1  # the cover has no footer
        found = re.search(r"(\d+) / 7", text)
        return int(found.group(1)) if found else None

    # 8 pages: sheet 1 front [8 = the back cover (page 7), 1], back [2, blank]; sheet 2 front [6, 3], back [4, 5]
    expected = [(7, 1), (2, None), (6, 3), (4, 5)]
    assert booklet_order(7) == expected
    read = [tuple(page_number(half) for half in side(page)) for page in pdf.pages]
    assert read == expected
    assert "Wniosek składasz" in all_text(pdf)  # text still extractable after imposition


def test_imposition_pads_to_a_multiple_of_four_and_mirrors_right_to_left() -> None:
    assert booklet_order(1) == [(None, 1), (None, None)]
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert booklet_order(5, right_to_left=True) == [(1, 5), (None, 2), (3, None), (None, 4)]
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(5):
        writer.add_blank_page(width=419.53, height=595.28)
    out = io.BytesIO()
    writer.write(out)
    imposed = reader(impose_booklet(out.getvalue()))
    assert len(imposed.pages) == 4  # 8 page sides for 5 pages


# --- no network ----------------------------------------------------------------------------------------------------
def test_fetcher_serves_only_the_projects_own_files() -> None:
    pictogram = f"{settings.SITE_URL}{settings.STATIC_URL}img/pictograms/family.svg"
    path = local_path(pictogram)
    assert path is not None and path.name == "family.svg"
    assert LocalFetcher().fetch(pictogram).read().startswith(b"<svg")
    for refused in ("https://example.org/logo.png", "http://localhost:9999/static/x.png", "file:///etc/passwd",
                    f"{settings.SITE_URL}{settings.STATIC_URL}../../etc/passwd", "ftp://example.org/a"):
        assert local_path(refused) is None, refused
        with pytest.raises(ValueError):
            LocalFetcher().fetch(refused)
