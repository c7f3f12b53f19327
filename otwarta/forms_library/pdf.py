"""A tiny, valid one-page PDF with lines of text (for demonstration copies of forms; no dependency).

Text is set in the standard Helvetica font, which every PDF reader has; letters outside Latin-1 (Polish
ą, ł, …) are written without their diacritics, which is enough for a labelled demonstration copy."""

from __future__ import annotations

import unicodedata

_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "–": "-", "—": "-", "„": '"', "”": '"', "’": "'"})


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in folded if ord(ch) < 128 and not unicodedata.combining(ch))


def _escape(text: str) -> str:
    return _ascii(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(lines: list[tuple[str, int]]) -> bytes:
    """A4 page with ``lines``: (text, font size) from the top, wrapped by the caller."""
    ops = ["BT", "/F1 12 Tf", "50 800 Td"]
    previous = 0
    for text, size in lines:
        step = previous + 6 if previous else 0
        ops.append(f"/F1 {size} Tf 0 -{step} Td ({_escape(text)}) Tj")
        previous = size
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def wrap(text: str, width: int = 90) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines
