"""Imposing A5 pages as a saddle-stitched booklet on A4 landscape sheets, for print shops.

The pages are padded with blank pages to a multiple of 4 (inserted before the last page, so that the back
cover stays at the back); each sheet carries four pages, two on each side (for ``n`` pages after padding,
sheet 1 front: ``[n, 1]``, back: ``[2, n-1]``; sheet 2 front: ``[n-2, 3]``, back: ``[4, n-3]``; ...).
Print duplex, flipping on the short edge, stack the sheets in order, fold them in the middle and staple
on the fold. A right-to-left booklet opens the other way: each side is mirrored (front
``[1, n]``, back ``[n-1, 2]``).

The imposed file keeps the text (it can still be searched and extracted) but not the tag structure of the
A5 pages: it is a file for printing, and the A4 PDF is the accessible one.
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

A4_LANDSCAPE = (841.89, 595.28)  # points (297 × 210 mm); two A5 pages (148 × 210 mm) leave 1 mm at each side


def booklet_order(page_count: int, right_to_left: bool = False) -> list[tuple[int | None, int | None]]:
    """The (left, right) page numbers (1-based; None for a blank page) of every sheet side in printing
    order: sheet 1 front, sheet 1 back, sheet 2 front, ..."""
    total = padded_page_count(page_count)

    def page(position: int) -> int | None:
        """The page at a position of the booklet: blank pages go before the last page (the back cover)."""
        if position == total and page_count > 1:
            return page_count
        return position if position < page_count or (position == page_count and page_count == 1) else None

    sides: list[tuple[int | None, int | None]] = []
    for sheet in range(total // 4):
        outer_low, outer_high = 1 + 2 * sheet, total - 2 * sheet
        front = (page(outer_high), page(outer_low))
        back = (page(outer_low + 1), page(outer_high - 1))
        if right_to_left:
            front, back = (front[1], front[0]), (back[1], back[0])
        sides.extend([front, back])
    return sides


def padded_page_count(page_count: int) -> int:
    """The number of pages of the booklet (a multiple of 4, blank pages included)."""
    return max(4, -(-page_count // 4) * 4)


def impose_booklet(pdf: bytes, right_to_left: bool = False,
                   sheet_size: tuple[float, float] = A4_LANDSCAPE) -> bytes:
    """``pdf`` (A5 pages) imposed two pages to a side of a ``sheet_size`` sheet (A4 landscape; larger when
    two pages do not fit), in saddle-stitch order, the pages meeting at the middle of the sheet (the fold)."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    if not pages:
        raise ValueError("the PDF has no pages to impose")
    width = float(pages[0].mediabox.width)
    height = float(pages[0].mediabox.height)
    sheet_width, sheet_height = max(sheet_size[0], 2 * width), max(sheet_size[1], height)
    fold, bottom = sheet_width / 2, (sheet_height - height) / 2
    writer = PdfWriter()
    forms: dict[int, IndirectObject] = {}  # page number → the page as a form XObject, made once
    for left, right in booklet_order(len(pages), right_to_left):
        sheet = writer.add_blank_page(width=sheet_width, height=sheet_height)
        xobjects, drawing = DictionaryObject(), []
        for number, offset in ((left, fold - width), (right, fold)):
            if number is None:
                continue
            if number not in forms:
                forms[number] = _page_as_form(writer, pages[number - 1])
            name = f"/P{number}"
            xobjects[NameObject(name)] = forms[number]
            box = pages[number - 1].mediabox
            drawing.append(f"q 1 0 0 1 {offset - float(box.left):.3f} {bottom - float(box.bottom):.3f} cm {name} Do Q")
        content = StreamObject()
        content.set_data(" ".join(drawing).encode("ascii"))
        sheet[NameObject("/Contents")] = writer._add_object(content.flate_encode())
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    if reader.metadata:
        writer.add_metadata({key: value for key, value in reader.metadata.items() if isinstance(value, str)})
    language = reader.root_object.get("/Lang")
    if language is not None:  # the document language stays set (for search and text-to-speech)
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(language))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_as_form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """``page`` as a form XObject of ``writer``: its content stream, drawn where the sheet places it.
    Placing forms is ~40× faster than merging pages (pypdf re-parses every operator to merge them); fonts
    and images shared by the pages are copied once (``clone`` remembers what it has copied)."""
    resources = page.get("/Resources")
    contents = page.get_contents()
    form = StreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    box = page.mediabox
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(box.left), FloatObject(box.bottom),
                                          FloatObject(box.right), FloatObject(box.top)]),
        NameObject("/Resources"): resources.get_object().clone(writer) if resources is not None
        else DictionaryObject(),
    })
    return writer._add_object(form.flate_encode())
