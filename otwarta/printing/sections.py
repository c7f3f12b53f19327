"""Sections of a page: the parts an editor can put into a print pack on their own.

A *section heading* of an article (``ArticlePage``) is, in body order:

- an ``<h2>`` inside a ``text`` (rich text) block;
- the ``heading`` of a ``steps``, ``documents`` or ``questions`` block (when it is filled in);
- the ``heading`` of a ``children`` block ("For children").

They are all of the same level (they are ``<h2>`` on the page), so a section runs from its heading to the
next section heading, or to the end of the body. What comes before the first heading belongs to no section.
``<h3>`` headings are sub-headings and stay inside their section.

A section is returned as a list of :class:`BodyPart`: the body's blocks, where a ``text`` block that is cut
by an ``<h2>`` contributes only the part of its rich-text source that belongs to the section (Wagtail's
stored rich-text format, links still unresolved: render it with ``wagtail.rich_text.expand_db_html``).

Translations: a pack item stores the heading as written on the Polish page. Its section on a translated
page is the section with the *same index* (wagtail-localize keeps the block structure of the source);
``matching_index`` prefers the block with the same block id when the translation has it, and returns None
when the translation has no such section (the caller then falls back to the Polish text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Tag
from django.conf import settings

# Blocks whose own ``heading`` starts a section.
HEADED_BLOCKS = ("steps", "documents", "questions", "children")
TEXT_BLOCK = "text"

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Plain text with its white space collapsed (what an editor sees and types)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def _key(text: str) -> str:
    return normalise(text).casefold()


@dataclass(frozen=True)
class Heading:
    """One section heading of a page body."""

    index: int  # position among the page's section headings (0-based)
    text: str  # plain, white-space normalised
    block_index: int  # position of its block in the body
    block_id: str | None  # the StreamField block id (kept by wagtail-localize in translations)
    position: int  # 0: the block's own ``heading``; n >= 1: the n-th <h2> inside a rich-text block


@dataclass(frozen=True)
class BodyPart:
    """A block of the body, or the part of a rich-text block that belongs to a section.

    ``block`` is Wagtail's ``StreamValue.StreamChild`` (``block_type``, ``value``, ``id``); ``rich_text`` is
    None for the whole block, else the rich-text source (Wagtail's database format) of the part."""

    block: Any
    rich_text: str | None = None

    @property
    def block_type(self) -> str:
        return str(self.block.block_type)


def _body(page: Any) -> list[Any]:
    body = getattr(page, "body", None)
    if body is None:
        specific = getattr(page, "specific", page)
        body = getattr(specific, "body", None)
    return list(body) if body is not None else []


def _rich_source(value: Any) -> str:
    return str(getattr(value, "source", value) or "")


def _split_rich_text(source: str) -> list[tuple[str | None, str]]:
    """The rich-text ``source`` cut before each top-level ``<h2>``: [(heading text or None, source), ...].
    The first chunk (heading None) is what comes before the first ``<h2>`` (possibly empty)."""
    soup = BeautifulSoup(source, "html.parser")
    chunks: list[tuple[str | None, list[str]]] = [(None, [])]
    for node in soup.contents:
        if isinstance(node, Tag) and node.name == "h2":
            chunks.append((normalise(node.get_text(" ")), [str(node)]))
        else:
            chunks[-1][1].append(str(node))
    return [(heading, "".join(parts)) for heading, parts in chunks]


def _block_heading(child: Any) -> str:
    if child.block_type not in HEADED_BLOCKS:
        return ""
    value = child.value
    try:
        return normalise(str(value.get("heading") or ""))
    except AttributeError:
        return ""


def headings(page: Any) -> list[Heading]:
    """Every section heading of ``page``'s body, in body order (empty for pages without a body)."""
    found: list[Heading] = []
    for block_index, child in enumerate(_body(page)):
        block_id = getattr(child, "id", None)
        if child.block_type == TEXT_BLOCK:
            for position, (text, _source) in enumerate(_split_rich_text(_rich_source(child.value))):
                if text is not None and text:
                    found.append(Heading(len(found), text, block_index, block_id, position))
        else:
            text = _block_heading(child)
            if text:
                found.append(Heading(len(found), text, block_index, block_id, 0))
    return found


def section_headings(page: Any) -> list[str]:
    """The headings an editor can choose as a section of ``page``, plain text, in body order."""
    return [heading.text for heading in headings(page)]


def _parts(page: Any) -> list[tuple[Heading | None, BodyPart]]:
    """The whole body as parts, each with the section heading it falls under (None: before the first)."""
    result: list[tuple[Heading | None, BodyPart]] = []
    current: Heading | None = None
    all_headings = headings(page)
    by_place = {(h.block_index, h.position): h for h in all_headings}
    for block_index, child in enumerate(_body(page)):
        if child.block_type == TEXT_BLOCK:
            chunks = _split_rich_text(_rich_source(child.value))
            if len(chunks) == 1:
                result.append((current, BodyPart(child)))
                continue
            for position, (_text, source) in enumerate(chunks):
                current = by_place.get((block_index, position), current)
                if source.strip():
                    result.append((current, BodyPart(child, source)))
        else:
            current = by_place.get((block_index, 0), current)
            result.append((current, BodyPart(child)))
    return result


def body_parts(page: Any) -> list[BodyPart]:
    """The whole body of ``page`` as parts (each block whole)."""
    return [BodyPart(child) for child in _body(page)]


def section_blocks(page: Any, index: int) -> list[BodyPart]:
    """The part of ``page``'s body from section heading #``index`` (see ``section_headings``) to the next
    section heading; an empty list when the page has no such section."""
    if index < 0:
        return []
    return [part for heading, part in _parts(page) if heading is not None and heading.index == index]


def _polish(page: Any) -> Any:
    locale = getattr(page, "locale", None)
    if locale is None or locale.language_code == settings.LANGUAGE_CODE:
        return page
    from wagtail.models import Locale

    try:
        source = page.get_translation_or_none(Locale.objects.get(language_code=settings.LANGUAGE_CODE))
    except Locale.DoesNotExist:
        return page
    return source.specific if source is not None else page


def find_section_index(page: Any, heading_text: str) -> int | None:
    """The index of the section headed ``heading_text`` on the Polish version of ``page`` (case and white
    space do not matter); the first one when several have that heading; None when none has it."""
    wanted = _key(heading_text)
    if not wanted:
        return None
    for heading in headings(_polish(page)):
        if _key(heading.text) == wanted:
            return heading.index
    return None


def matching_index(source_page: Any, translated_page: Any, index: int) -> int | None:
    """The index, on ``translated_page``, of section #``index`` of ``source_page`` (its Polish version).

    When the translation has the block of that heading (same block id: wagtail-localize keeps the ids), the
    heading at the same place in it, or None when it has none there; otherwise (a body written anew, with
    new ids) the same index when the translation has that many sections, else None."""
    source_headings = headings(source_page)
    if not 0 <= index < len(source_headings):
        return None
    wanted = source_headings[index]
    translated = headings(translated_page)
    if wanted.block_id and wanted.block_id in {getattr(child, "id", None) for child in _body(translated_page)}:
        for heading in translated:
            if heading.block_id == wanted.block_id and heading.position == wanted.position:
                return heading.index
        return None  # the block is there, its heading is not: the translation has no such section
    return index if index < len(translated) else None
