"""Translation units: the wagtail-localize string segments of a Polish page, and their inline markup.

A unit is one (string, context) pair of the page's current ``TranslationSource``: exactly what
wagtail-localize's own translation editor shows as one field and stores as one ``StringTranslation``.
Its id is ``<translation key>:<context path>:<12 hex digits of the string's hash>``:

* the translation key names the page in every locale;
* the context path names the field (``title``, ``body.<block id>.heading`` …); a rich-text field has
  several strings (one per paragraph or list item) in the same context, hence
* the string hash: an id changes when the Polish text changes, so a file exported before the change
  cannot overwrite the translation of the new text (the unit is reported as unknown).

Segment text is wagtail-localize's inline HTML: text with ``<b>``, ``<i>``, ``<strong>``, ``<em>``,
``<code>``, ``<abbr>``, ``<acronym>``, ``<br>`` and ``<a id="a1">`` (the link's address is kept aside
by wagtail-localize and restored from the id). :func:`inline_spec` gives every inline element of a
source string an id: links keep wagtail-localize's id, other elements are numbered 1, 2, … in order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource
from wagtail_localize.strings import StringValue, validate_translation_links

# wagtail-localize's inline tags and the XLIFF 1.2 ctype of each (<g> for the paired ones, <x> for <br>).
PAIRED_CTYPES = {
    "b": "bold", "i": "italic", "a": "link", "strong": "x-html-strong", "em": "x-html-em",
    "code": "x-html-code", "abbr": "x-html-abbr", "acronym": "x-html-acronym",
}
EMPTY_CTYPES = {"br": "lb"}
SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
# Characters XML 1.0 cannot carry (C0 controls other than tab, line feed, carriage return).
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class MarkupError(ValueError):
    """A translation's inline markup does not match its source."""


@dataclass(frozen=True)
class InlineElement:
    """One inline element of a source string: its XLIFF id, element (``g`` or ``x``) and ctype, and
    the HTML tag and attributes it stands for."""

    xliff_id: str
    kind: str
    ctype: str
    tag: str
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass
class Unit:
    unit_id: str
    string_id: int
    context_id: int
    context_path: str
    field_path: str
    source: str  # wagtail-localize inline HTML
    translation: str | None = None
    translation_type: str = ""
    inline: dict[str, InlineElement] = field(default_factory=dict)

    @property
    def is_slug(self) -> bool:
        return self.context_path == "slug"


def unit_id(translation_key: Any, context_path: str, data_hash: Any) -> str:
    return f"{translation_key}:{context_path}:{str(data_hash).replace('-', '')[:12]}"


def units_by_source(sources: list[TranslationSource], locale: Locale) -> dict[int, list[Unit]]:
    """The units of several sources in one query, in page order, each with its current translation
    into ``locale`` (if any, and without errors)."""
    translations = StringTranslation.objects.filter(
        translation_of_id=OuterRef("string_id"), locale_id=locale.pk, context_id=OuterRef("context_id"),
        has_error=False,
    )
    segments: QuerySet[Any] = (
        StringSegment.objects.filter(source__in=sources)
        .select_related("string", "context")
        .annotate(translation=Subquery(translations.values("data")[:1]),
                  translation_type=Subquery(translations.values("translation_type")[:1]))
        .order_by("source_id", "order")
    )
    keys = {source.pk: source.object_id for source in sources}
    result: dict[int, list[Unit]] = {source.pk: [] for source in sources}
    seen: set[tuple[int, int, int]] = set()
    for segment in segments:
        # The same string twice in one field shares one translation: one unit.
        key = (segment.source_id, segment.string_id, segment.context_id)
        if key in seen:
            continue
        seen.add(key)
        source = segment.string.data
        result[segment.source_id].append(Unit(
            unit_id=unit_id(keys[segment.source_id], segment.context.path, segment.string.data_hash),
            string_id=segment.string_id,
            context_id=segment.context_id,
            context_path=segment.context.path,
            field_path=segment.context.field_path or segment.context.path,
            source=source,
            translation=segment.translation,
            translation_type=segment.translation_type or "",
            inline=inline_spec(source),
        ))
    return result


# --- inline markup -------------------------------------------------------------------------------------
def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def inline_spec(html: str) -> dict[str, InlineElement]:
    """The inline elements of a source string by XLIFF id (see the module docstring)."""
    spec: dict[str, InlineElement] = {}
    number = 0
    for element in _soup(html).descendants:
        if not isinstance(element, Tag):
            continue
        attrs = tuple((name, str(value)) for name, value in element.attrs.items())
        if element.name == "a" and element.get("id"):
            xliff_id = str(element["id"])
        else:
            number += 1
            xliff_id = str(number)
        if element.name in EMPTY_CTYPES:
            spec[xliff_id] = InlineElement(xliff_id, "x", EMPTY_CTYPES[element.name], element.name, attrs)
        else:
            ctype = PAIRED_CTYPES.get(element.name, f"x-html-{element.name}")
            spec[xliff_id] = InlineElement(xliff_id, "g", ctype, element.name, attrs)
    return spec


@dataclass
class Piece:
    """Inline content as a tree: text, or an element (by XLIFF id) with children."""

    text: str = ""
    element: InlineElement | None = None
    children: list[Piece] = field(default_factory=list)


def html_to_pieces(html: str, spec: dict[str, InlineElement]) -> list[Piece] | None:
    """Inline HTML (a source string or a stored translation) as pieces whose elements carry the source's
    XLIFF ids: links by their id, other elements by tag in order of appearance (the 2nd ``<b>`` of the
    translation is the 2nd ``<b>`` of the source). ``None`` when the markup does not fit the source."""
    by_tag: dict[str, list[InlineElement]] = {}
    for element in spec.values():
        if not (element.tag == "a" and dict(element.attrs).get("id")):
            by_tag.setdefault(element.tag, []).append(element)
    used: set[str] = set()

    def convert(node: Any) -> list[Piece] | None:
        pieces: list[Piece] = []
        for child in node.children:
            if isinstance(child, NavigableString):
                pieces.append(Piece(text=str(child)))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name == "a" and child.get("id"):
                match = spec.get(str(child["id"]))
            else:
                queue = by_tag.get(child.name, [])
                match = queue.pop(0) if queue else None
            if match is None or match.tag != child.name or match.xliff_id in used:
                return None
            used.add(match.xliff_id)
            inner = convert(child)
            if inner is None:
                return None
            pieces.append(Piece(element=match, children=inner))
        return pieces

    return convert(_soup(html))


def pieces_to_html(pieces: list[Piece]) -> str:
    from html import escape

    parts: list[str] = []
    for piece in pieces:
        if piece.element is None:
            parts.append(escape(piece.text, quote=False))
            continue
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in piece.element.attrs)
        if piece.element.kind == "x":
            parts.append(f"<{piece.element.tag}{attrs}/>")
        else:
            parts.append(f"<{piece.element.tag}{attrs}>{pieces_to_html(piece.children)}</{piece.element.tag}>")
    return "".join(parts)


def normalised_translation(unit: Unit, html: str) -> str:
    """A translation in wagtail-localize's stored form, after the checks wagtail-localize itself makes
    (allowed tags, link ids). Raises :class:`MarkupError` with a message for the report."""
    try:
        data = StringValue.from_translated_html(html).data
        validate_translation_links(unit.source, data)
    except ValueError as error:
        raise MarkupError(str(error)) from error
    check_same_markup(unit, data)
    if unit.is_slug and not SLUG_PATTERN.match(data):
        raise MarkupError(_("The page address (slug) may contain only Latin letters, digits, hyphens and "
                            "underscores, for example “residence-card”."))
    return data


def _markup_signature(html: str) -> Counter[tuple[str, str]]:
    signature: Counter[tuple[str, str]] = Counter()
    for element in _soup(html).descendants:
        if isinstance(element, Tag):
            signature[(element.name, str(element.get("id", "")))] += 1
    return signature


def describe(items: Counter[tuple[str, str]]) -> str:
    return ", ".join(
        (f"<{tag} id=\"{ident}\">" if ident else f"<{tag}>") + (f" ×{count}" if count > 1 else "")
        for (tag, ident), count in sorted(items.items())
    )


def check_same_markup(unit: Unit, data: str) -> None:
    """The translation has the same inline elements (tag and link id, as many of each) as the source."""
    source, translated = _markup_signature(unit.source), _markup_signature(data)
    if source == translated:
        return
    problems = []
    if missing := source - translated:
        problems.append(_("missing inline markup: %(items)s") % {"items": describe(missing)})
    if extra := translated - source:
        problems.append(_("inline markup that is not in the source: %(items)s") % {"items": describe(extra)})
    raise MarkupError("; ".join(problems))


def xml_safe(text: str) -> str:
    return XML_INVALID.sub("", text)
