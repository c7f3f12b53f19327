"""What one PDF contains, before layout: the contract between assembling (``assemble``), rendering
(``render``), delivery (``services``, ``tasks``) and the editors' problem list (admin).

A ``PrintDocument`` is plain data in one language; its ``content_hash`` decides whether a PDF must be
generated again (see ``services.generate``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field

# Bump when templates, CSS, fonts or imposition change the output for the same content.
RENDERER_VERSION = "2"


@dataclass(frozen=True)
class Fallback:
    """A part shown in another language than the PDF's, because it is not translated (or not published)."""

    part: str  # the part's title, as printed
    language: str  # the language code actually used for it


@dataclass(frozen=True)
class Problem:
    """Something an editor must fix: an item that refers to a deleted or unpublished page, a section
    heading that no longer exists, a children's edition page without text for children, ..."""

    item_id: int | None
    message: str  # translated, in the language active when it was made
    blocking: bool = False  # True: the part is left out of the PDF


@dataclass(frozen=True)
class Section:
    kind: str  # ItemKind value
    title: str
    html: str  # sanitised body HTML for print (headings demoted below the section title)
    language: str  # language of this section's text
    live_url: str  # absolute URL of the live page in the same language ("" for none); QR code target
    item_id: int | None = None


@dataclass(frozen=True)
class PrintDocument:
    pack_key: str  # str(translation_key)
    slug: str
    pack_type: str
    language: str  # the PDF's language
    direction: str  # "ltr" or "rtl"
    format: str  # PackFormat value
    title: str
    subtitle: str
    introduction_html: str
    valid_as_of: dt.date
    sections: tuple[Section, ...]
    fallbacks: tuple[Fallback, ...] = ()
    cover_image: str = ""  # "<image id>:<file hash>" of the cover, so that a new cover changes the hash
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    def content_hash(self) -> str:
        """SHA-256 of everything that shapes the PDF (not the problems list, which is for editors)."""
        data = asdict(self)
        data.pop("problems")
        data["valid_as_of"] = self.valid_as_of.isoformat()
        data["renderer"] = RENDERER_VERSION
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int
