"""The coverage report: every combination of answers, the empty and thin ones, rules that never fire."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest
from django.utils import translation

from otwarta.guide import coverage, engine
from otwarta.guide.tests.test_engine import (
    KRAKOW,
    NEED,
    RESIDENCE,
    article,
    make_guide,
    question,
    rec,
    rule,
    when,
)
from otwarta.registers import testing as registers
from otwarta.registers.models import RegisterKind

pytestmark = pytest.mark.django_db

COUNTIES = 22  # 19 counties and 3 cities with county rights


def test_combinations_are_the_product_of_options_plus_one(portal: Any) -> None:
    guide = make_guide([])
    expected = (len(RESIDENCE) + 1) * (len(NEED) + 1) * (COUNTIES + 1)
    assert coverage.combination_count(guide) == expected == 5 * 4 * 23
    found = list(coverage.combinations(guide))
    assert len(found) == expected
    assert len({tuple(sorted(c.items())) for c in found}) == expected  # all different
    assert {} in found and {"residence": ("visa",), "need": ("doctor",), "place": (KRAKOW,)} in found
    # A multiple-choice question: unanswered or one answer at a time (never two).
    assert all(len(c.get("need", ())) <= 1 for c in found)
    assert coverage.coverage_report(guide).total == expected
    no_questions = make_guide([], questions=[], slug="bez-pytan")
    assert list(coverage.combinations(no_questions)) == [{}] and coverage.combination_count(no_questions) == 1


def _thin_guide() -> Any:
    return make_guide([
        rule("PESEL", [when("residence", "pesel-ukr")],
             [rec("do", 10, "Jeden."), rec("do", 20, "Dwa."), rec("do", 30, "Trzy.")]),
        rule("Lekarz", [when("need", "doctor")], [rec("do", 10, "Zapisz się do lekarza.")]),
    ], thin_below=3)


def test_empty_and_thin_combinations_are_counted_and_described(portal: Any) -> None:
    guide = _thin_guide()
    report = coverage.coverage_report(guide)
    others = len(RESIDENCE)  # not answered, or any residence but PESEL UKR
    assert report.total == 5 * 4 * 23
    assert report.empty_count == others * 3 * 23  # and no need but "doctor"
    assert report.thin_count == others * 1 * 23  # a doctor, nothing else: 1 item
    assert len(report.empty) == coverage.EXAMPLES_LIMIT < report.empty_count  # examples only
    assert len(report.thin) == report.thin_count
    assert {"need": ("housing",)} in report.empty and ({"need": ("doctor",)}, 1) in report.thin
    assert all(c.get("residence") != ("pesel-ukr",) and c.get("need") != ("doctor",) for c in report.empty)
    # Joined into one readable pattern each; the place does not matter, so it is not listed.
    assert [(p.answers, p.size, p.count) for p in report.empty_patterns] == [
        ({"residence": (None, "residence-card", "visa", "eu-citizen"), "need": (None, "pregnancy", "housing")},
         0, report.empty_count)]
    assert [(p.answers, p.size, p.count) for p in report.thin_patterns] == [
        ({"residence": (None, "residence-card", "visa", "eu-citizen"), "need": ("doctor",)}, 1, report.thin_count)]
    with translation.override("en"):
        assert coverage.describe(guide, report.thin_patterns[0].answers, alternatives=True) == (
            "Residence: not answered / Residence card / Visa / Eu citizen · Needs: Doctor")
        answers = {"residence": ("pesel-ukr",), "need": ("doctor", "housing"), "place": (KRAKOW,)}
        assert coverage.describe(guide, answers) == "Residence: Pesel ukr · Needs: Doctor, Housing · Place: Kraków"
    # The same counts as evaluating the rules for every single combination.
    sizes = [coverage.checklist_size(guide, c) for c in coverage.combinations(guide)]
    assert sizes.count(0) == report.empty_count and sum(0 < s < 3 for s in sizes) == report.thin_count
    assert rule_sizes_match_the_engine(guide)


def rule_sizes_match_the_engine(guide: Any) -> bool:
    """checklist_size counts what evaluate gives (for rules whose items all exist)."""
    for answers in ({}, {"residence": ("pesel-ukr",)}, {"residence": ("pesel-ukr",), "need": ("doctor",)}):
        if coverage.checklist_size(guide, answers) != engine.evaluate(guide, answers, "pl").size:
            return False
    return True


def test_an_everyone_rule_leaves_nothing_empty_and_thin_below_moves_the_line(portal: Any) -> None:
    guide = make_guide([rule("Wszyscy", [], [rec("do", 90, "Zadzwoń pod 112.")]),
                        rule("Wiza", [when("residence", "visa")], [rec("do", 10, "Sprawdź termin wizy.")])],
                       thin_below=2)
    report = coverage.coverage_report(guide)
    assert report.empty_count == 0 and report.empty == [] and report.empty_patterns == []
    assert report.thin_count == report.total - 4 * 23  # all but residence=visa have one item
    guide.thin_below = 1
    assert coverage.coverage_report(guide).thin_count == 0


def test_rules_that_never_fire_and_rules_that_give_nothing(portal: Any) -> None:
    draft = article("pesel")
    draft.unpublish()
    registers.register(RegisterKind.INTERPRETER)
    guide = make_guide([
        rule("Nieznane pytanie", [when("age", "child")], [rec("do", text="A")]),
        rule("Nieznana odpowiedź", [when("residence", "tourist")], [rec("do", text="B")]),
        rule("Sprzeczność", [when("residence", "visa"), when("residence", "eu-citizen")], [rec("do", text="C")]),
        rule("Dwie potrzeby", [when("need", "doctor"), when("need", "housing")], [rec("do", text="D")]),
        rule("Kraków", [when("place", KRAKOW)], [rec("language", register="interpreter")]),
        rule("Nieopublikowana", [], [rec("read", page=draft.pk), rec("services", categories="nothing"),
                                     rec("language", register="mediator")]),
    ])
    report = coverage.coverage_report(guide)
    assert report.rules_never_firing == ["Nieznane pytanie", "Nieznana odpowiedź", "Sprzeczność"]
    assert report.rules_without_items == ["Nieopublikowana"]
    # "Dwie potrzeby" fires for a reader who chooses both, which the report's single answers never do.
    assert coverage.checklist_size(guide, {"need": ("doctor", "housing")}) == 1
    assert report.empty_count == report.total - 5 * 4  # only Kraków gets something
    assert report.thin_count == 5 * 4  # Kraków: one register, whatever the other answers


def test_thousands_of_combinations_without_directory_queries(portal: Any,
                                                            django_assert_max_num_queries: Any) -> None:
    card = article("karta-pobytu")
    registers.register(RegisterKind.INTERPRETER)
    needs = ["doctor", "emergency", "pregnancy", "child-health", "vaccinations", "mental-health",
             "disability-support", "seniors", "work", "school", "housing", "documents", "language-course",
             "legal-help"]
    questions = [
        question("residence", "Residence", ["pesel-ukr", "residence-card", "visa", "visa-free", "eu-citizen",
                                            "applying", "other"]),
        question("insurance", "Insurance", ["nfz-work", "nfz-pesel-ukr", "nfz-voluntary", "not-insured",
                                            "dont-know"]),
        question("with", "With", ["alone", "partner", "children", "pregnant", "older-person", "disabled-person"],
                 multiple=True),
        question("need", "Needs", needs, multiple=True),
        question("place", "Place", kind="place"),
        question("polish", "Polish", ["none", "basic", "good"]),
        question("age", "Age", ["child", "adult", "senior"]),
        question("work", "Work", ["employed", "looking", "student", "none"]),
    ]
    rules = [rule("Wszyscy", [], [rec("do", 90, "Zadzwoń pod 112.")])]
    for index, need in enumerate(needs):
        rules.append(rule(f"Potrzeba {need}", [when("need", need)],
                          [rec("do", 10 + index, f"Zrób {need}."), rec("services", 30, categories=need)]))
        rules.append(rule(f"Potrzeba {need} bez ubezpieczenia", [when("need", need), when("insurance", "not-insured")],
                          [rec("read", 20, page=card.pk)]))
    rules.append(rule("Słaby polski", [when("polish", "none, basic")], [rec("language", 40, register="interpreter")]))
    rules.append(rule("Kraków", [when("place", KRAKOW), when("with", "children")], [rec("do", 5, "Szkoła.")]))
    guide = make_guide(rules, questions=questions)
    engine.compiled(guide).counties()
    started = time.perf_counter()
    # Pages 2, categories 1 (+ the Polish locale, once per process), registers 1: none per combination.
    with django_assert_max_num_queries(5):
        report = coverage.coverage_report(guide)
    elapsed = time.perf_counter() - started
    assert report.total == math.prod([8, 6, 7, 15, 23, 4, 4, 5]) == 9_273_600
    assert elapsed < 2, elapsed
    assert report.empty_count == 0 and report.rules_never_firing == []
    assert report.thin_count > 0 and report.thin_patterns and report.patterns_complete
    assert sum(p.count for p in report.thin_patterns) == report.thin_count
    print(f"coverage: {report.total} combinations, {report.thin_count} thin, {len(report.thin_patterns)} "
          f"patterns in {elapsed * 1000:.0f} ms")
