"""Sections of a page: the headings an editor can choose, the body between them, and the same section on a
translated page."""

from __future__ import annotations

from typing import Any

import pytest

from otwarta.portal.models import ArticlePage
from otwarta.portal.services import publish
from otwarta.printing.sections import (
    find_section_index,
    matching_index,
    section_blocks,
    section_headings,
)

pytestmark = pytest.mark.django_db

POLISH_BODY: list[dict[str, Any]] = [
    {"type": "text", "value": "<p>Wstęp bez nagłówka.</p><h2>Kto  składa\n wniosek</h2><p>Ty sam.</p>"
                              "<h3>Wyjątek</h3><p>Dzieci przez rodzica.</p><h2>Gdzie</h2><p>W urzędzie.</p>"},
    {"type": "warning", "value": {"title": "Uwaga", "text": "<p>Termin jest ważny.</p>"}},
    {"type": "steps", "value": {"heading": "Krok po kroku", "steps": [
        {"title": "Przygotuj dokumenty", "text": "<p>Paszport.</p>"}]}},
    {"type": "documents", "value": {"heading": "", "items": ["Paszport"], "note": ""}},
    {"type": "children", "value": {"heading": "Dla dzieci: nowa karta", "text": "<p>Mama idzie do urzędu.</p>",
                                   "pictogram": "id"}},
    {"type": "questions", "value": {"heading": "Pytania", "questions": [
        {"question": "Ile to trwa?", "answer": "<p>Miesiąc.</p>"}]}},
]


def article(language: str = "pl") -> ArticlePage:
    return ArticlePage.objects.get(slug="karta-pobytu", locale__language_code=language)


def set_body(page: ArticlePage, body: list[dict[str, Any]]) -> ArticlePage:
    page.body = body  # type: ignore[assignment]
    page.save()
    return publish(page).specific


def texts(parts: list[Any]) -> str:
    out = []
    for part in parts:
        if part.rich_text is not None:
            out.append(part.rich_text)
        else:
            value = part.block.value
            text = getattr(value.get("text"), "source", "") if hasattr(value, "get") else ""
            out.append(f"[{part.block_type}:{value}{text}]")
    return " ".join(out)


def test_headings_in_body_order_whitespace_normalised(portal: Any) -> None:
    page = set_body(article(), POLISH_BODY)
    assert section_headings(page) == ["Kto składa wniosek", "Gdzie", "Krok po kroku", "Dla dzieci: nowa karta",
                                      "Pytania"]
    # the demo article: block headings of steps, documents and questions
    assert section_headings(ArticlePage.objects.get(slug="pesel", locale__language_code="pl")) == []


def test_section_runs_to_the_next_heading(portal: Any) -> None:
    page = set_body(article(), POLISH_BODY)
    first = section_blocks(page, 0)
    assert [p.block_type for p in first] == ["text"]
    assert "Ty sam." in texts(first) and "<h3>Wyjątek</h3>" in texts(first) and "Gdzie" not in texts(first)
    assert "Wstęp" not in texts(first)
    second = section_blocks(page, 1)  # the rest of the text block and the warning after it
    assert [p.block_type for p in second] == ["text", "warning"]
    assert texts(second).startswith("<h2>Gdzie</h2>")
    steps = section_blocks(page, 2)  # the documents block without a heading belongs to the steps' section
    assert [p.block_type for p in steps] == ["steps", "documents"]
    assert [p.block_type for p in section_blocks(page, 3)] == ["children"]
    assert [p.block_type for p in section_blocks(page, 4)] == ["questions"]
    assert section_blocks(page, 5) == [] and section_blocks(page, -1) == []


def test_find_section_index_ignores_case_and_spaces(portal: Any) -> None:
    page = set_body(article(), POLISH_BODY)
    assert find_section_index(page, "  kto SKŁADA   wniosek ") == 0
    assert find_section_index(page, "pytania") == 4
    assert find_section_index(page, "Nie ma takiego") is None
    assert find_section_index(page, "") is None
    # asked on a translation, the Polish headings count
    assert find_section_index(article("en"), "Gdzie") == 1


def test_same_index_on_a_translated_page(portal: Any) -> None:
    polish = set_body(article(), POLISH_BODY)
    # a translation with new block ids (as the demo loader makes them): matched by index
    english_body = [
        {"type": "text", "value": "<p>Introduction.</p><h2>Who applies</h2><p>You do.</p><h2>Where</h2>"
                                  "<p>At the office.</p>"},
        {"type": "warning", "value": {"title": "Note", "text": "<p>The deadline matters.</p>"}},
        {"type": "steps", "value": {"heading": "Step by step", "steps": [
            {"title": "Prepare documents", "text": "<p>Passport.</p>"}]}},
        {"type": "documents", "value": {"heading": "", "items": ["Passport"], "note": ""}},
        {"type": "children", "value": {"heading": "For children: a new card", "text": "<p>Mum goes.</p>",
                                       "pictogram": "id"}},
        {"type": "questions", "value": {"heading": "Questions", "questions": [
            {"question": "How long?", "answer": "<p>A month.</p>"}]}},
    ]
    english = set_body(article("en"), english_body)
    index = find_section_index(polish, "Dla dzieci: nowa karta")
    assert index == 3
    found = matching_index(polish, english, index)
    assert found == 3 and section_headings(english)[found] == "For children: a new card"
    assert "Mum goes." in texts(section_blocks(english, found))
    # a translation that lacks the section: no silent mix-up
    short = set_body(article("uk"), [{"type": "text", "value": "<h2>Хто</h2><p>Ви.</p>"}])
    assert matching_index(polish, short, 0) == 0
    assert matching_index(polish, short, 3) is None


def test_block_ids_kept_by_the_translation_win_over_the_index(portal: Any) -> None:
    polish = set_body(article(), POLISH_BODY)
    raw = [dict(block) for block in polish.body.raw_data]
    # the translator dropped the first text block's headings; the ids of the other blocks are kept
    raw[0] = {**raw[0], "value": "<p>Only an introduction.</p>"}
    raw[4] = {**raw[4], "value": {**raw[4]["value"], "heading": "Для дітей"}}
    translated = article("uk")
    translated.body = raw  # type: ignore[assignment]
    translated.save()
    translated = publish(translated).specific
    assert section_headings(translated)[:2] == ["Krok po kroku", "Для дітей"]
    assert matching_index(polish, translated, 3) == 1  # by block id, not index 3
    assert matching_index(polish, translated, 0) is None  # that heading is gone and index 0 is another block's
