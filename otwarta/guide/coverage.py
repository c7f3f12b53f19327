"""How well the guide's rules cover the readers' situations: every combination of answers, and the ones
whose checklist is empty or thin (fewer items than the page's ``thin_below``).

Combinations: each question is either unanswered or answered with one of its options. A multiple-choice
question is counted the same way — unanswered or each single option — and not with every subset of its
options (2^14 subsets of the "need" question alone would make the report unreadable and slow); a reader who
chooses several options gets at least the items of each single choice, so a combination listed as empty or
thin may be fuller for such a reader, never emptier. The count is therefore the product over the questions
of (number of options + 1); a "place" question has one option per county of Małopolska.

The report evaluates the rules only: no directory or register query per combination. A group of services
counts as one item and a register as one item; a page to read counts when it is live and public in the
report's language or in Polish, a group of services when at least one of its category codes exists in the
directory, a register when it exists (three queries for the whole report). Answers that the rules cannot
tell apart (the same rules hold for them) are evaluated together, and so are the remaining questions
wherever the same rules remain possible, so millions of combinations take a fraction of a second. The
combinations with an empty or thin checklist are also given as a few readable patterns
("Residence: visa / visa-free · Needs: housing").
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from .engine import (
    CompiledGuide,
    Recommendation,
    compiled,
    existing_registers,
    fired_rules,
    item_key,
    known_categories,
    page_keys,
    place_options,
    readable_pages,
)
from .models import QuestionKind, RecommendationKind, SituationGuidePage

# How many single combinations the report keeps as examples (the counts are always complete).
EXAMPLES_LIMIT = 200
# How many patterns are collected before they are joined (beyond that the report says it is incomplete).
MAX_PATTERNS = 5000
State = str | None  # an option key, or None: not answered


@dataclass(frozen=True)
class Pattern:
    """Combinations that lead to the same checklist size: each question listed takes any of its states
    (an option key, or None for "not answered"); a question not listed takes any state at all."""

    answers: dict[str, tuple[State, ...]]
    size: int
    count: int  # how many combinations the pattern stands for


@dataclass
class CoverageReport:
    total: int
    empty: list[dict[str, tuple[str, ...]]]  # examples (at most EXAMPLES_LIMIT); see empty_count
    thin: list[tuple[dict[str, tuple[str, ...]], int]]  # (answers, size) examples; see thin_count
    rules_never_firing: list[str]
    empty_count: int = 0
    thin_count: int = 0
    empty_patterns: list[Pattern] = field(default_factory=list)
    thin_patterns: list[Pattern] = field(default_factory=list)
    rules_without_items: list[str] = field(default_factory=list)  # they fire, but give nothing available
    thin_below: int = 0
    seconds: float = 0.0
    patterns_complete: bool = True


# --- combinations -------------------------------------------------------------------------------------------
def _states(guide_data: CompiledGuide) -> list[tuple[str, list[State]]]:
    return [(question.key, [None, *guide_data.option_keys(question)]) for question in guide_data.questions]


def combination_count(guide: SituationGuidePage) -> int:
    """The product over the questions of (number of options + 1)."""
    return math.prod(len(states) for _key, states in _states(compiled(guide)))


def combinations(guide: SituationGuidePage) -> Iterator[dict[str, tuple[str, ...]]]:
    """Every combination of answers: each question unanswered or one of its options (see the module's note on
    multiple-choice questions)."""
    questions = _states(compiled(guide))
    for combination in itertools.product(*(states for _key, states in questions)):
        yield {key: (state,) for (key, _states_of), state in zip(questions, combination, strict=True)
               if state is not None}


# --- what each rule gives -----------------------------------------------------------------------------------
def _available_keys(guide_data: CompiledGuide, language: str) -> list[frozenset[Any]]:
    """Per rule, the checklist items it gives that exist (pages by translation key, as the engine does)."""
    recommendations = [r for rule in guide_data.rules for r in rule.recommendations]
    keys = page_keys(r.page_id for r in recommendations if r.kind == RecommendationKind.READ and r.page_id)
    readable = set(readable_pages(keys.values(), language))
    codes = {term.code for term in known_categories(
        code for r in recommendations if r.kind == RecommendationKind.SERVICES for code in r.categories)}
    registers = set(existing_registers(
        r.register for r in recommendations if r.kind == RecommendationKind.LANGUAGE_HELP and r.register))

    def available(recommendation: Recommendation) -> Any:
        key = item_key(recommendation)
        if key is None:
            return None
        if key[0] == "read":
            translation_key = keys.get(recommendation.page_id or 0)
            return ("read", translation_key) if translation_key in readable else None
        if key[0] == "services":
            return key if set(recommendation.categories) & codes else None
        if key[0] == "language":
            return key if recommendation.register in registers else None
        return key

    result = []
    for rule in guide_data.rules:
        items = (available(r) for r in rule.recommendations)
        result.append(frozenset(item for item in items if item is not None))
    return result


def checklist_size(guide: SituationGuidePage, answers: Mapping[str, tuple[str, ...]], language: str = "pl") -> int:
    """The number of items ``answers`` give, counted as the report counts them (rules only)."""
    per_rule = _available_keys(compiled(guide), language)
    return len(frozenset().union(*(per_rule[rule.index] for rule in fired_rules(guide, answers))))


def _can_fire(guide_data: CompiledGuide, rule_index: int) -> bool:
    """Whether some answers make the rule fire (multiple-choice questions with several answers included)."""
    rule = guide_data.rules[rule_index]
    questions = {question.key: question for question in guide_data.questions}
    by_question: dict[str, list[set[str]]] = {}
    for condition in rule.conditions:
        if condition.question not in questions:
            return False
        by_question.setdefault(condition.question, []).append(set(condition.answers))
    for key, wanted in by_question.items():
        options = set(guide_data.option_keys(questions[key]))
        if questions[key].multiple:
            if any(not (answers & options) for answers in wanted):
                return False
        elif not set.intersection(options, *wanted):
            return False
    return True


# --- the report ---------------------------------------------------------------------------------------------
def _classes(guide_data: CompiledGuide) -> list[tuple[str, list[tuple[int, tuple[State, ...]]]]]:
    """Per question, its states grouped by the set of rules (a bit mask) whose conditions on the question
    they satisfy: states in one group lead to the same checklist whatever the other answers."""
    keys = {question.key for question in guide_data.questions}
    result = []
    for key, states in _states(guide_data):
        groups: dict[int, list[State]] = {}
        for state in states:
            mask = 0
            for rule in guide_data.rules:
                if any(c.question not in keys for c in rule.conditions):
                    continue  # a condition on no question of the guide: the rule never fires
                if all(state is not None and state in c.answers for c in rule.conditions if c.question == key):
                    mask |= 1 << rule.index
            groups.setdefault(mask, []).append(state)
        result.append((key, [(mask, tuple(group)) for mask, group in groups.items()]))
    return result


def _merge(patterns: dict[tuple[frozenset[State], ...], tuple[int, int]]
           ) -> dict[tuple[frozenset[State], ...], tuple[int, int]]:
    """Join patterns of the same size that differ in one question only, question by question, until nothing
    joins any more (each pattern stays a product of sets of states, so the result says exactly the same)."""
    width = len(next(iter(patterns))) if patterns else 0
    changed = True
    while changed:
        changed = False
        for position in range(width):
            joined: dict[tuple[Any, ...], tuple[set[State], int, int]] = {}
            for pattern, (size, count) in patterns.items():
                rest = (size, pattern[:position], pattern[position + 1:])
                states, _size, total = joined.get(rest, (set(), size, 0))
                joined[rest] = (states | pattern[position], size, total + count)
            if len(joined) < len(patterns):
                changed = True
                patterns = {(*before, frozenset(states), *after): (size, count)
                            for (size, before, after), (states, _size, count) in joined.items()}
    return patterns


def _as_patterns(raw: dict[tuple[frozenset[State], ...], tuple[int, int]], keys: list[str],
                 all_states: list[tuple[State, ...]]) -> list[Pattern]:
    result = []
    for pattern, (size, count) in _merge(raw).items():
        answers = {key: tuple(state for state in every if state in states)
                   for key, every, states in zip(keys, all_states, pattern, strict=True) if len(states) < len(every)}
        result.append(Pattern(answers=answers, size=size, count=count))
    return sorted(result, key=lambda p: (p.size, -p.count, len(p.answers)))


def coverage_report(guide: SituationGuidePage, language: str = "pl", limit: int = EXAMPLES_LIMIT) -> CoverageReport:
    """The report for ``guide`` (its rules as they are on this object: pass a revision to check a draft).

    The counts come from a dynamic programme over the questions: the checklist sizes reachable below a
    question depend only on which rules can still fire there (a bit mask), so each (question, mask) is
    worked out once. The patterns are the subtrees in which every combination has the same empty or thin
    size; at most ``MAX_PATTERNS`` are collected before joining them (the counts stay complete)."""
    started = time.perf_counter()
    guide_data = compiled(guide)
    per_rule = _available_keys(guide_data, language)
    thin_below = int(guide.thin_below or 0)
    classes = _classes(guide_data)
    keys = [key for key, _groups in classes]
    all_states = [tuple(states) for _key, states in _states(guide_data)]
    depth_max = len(classes)
    sizes: dict[int, int] = {}
    memo: dict[tuple[int, int], dict[int, int]] = {}

    def size_of(mask: int) -> int:
        if mask not in sizes:
            rules = (per_rule[index] for index in range(len(per_rule)) if mask >> index & 1)
            sizes[mask] = len(frozenset().union(*rules))
        return sizes[mask]

    def reported(size: int) -> bool:
        return size == 0 or size < thin_below

    def distribution(depth: int, mask: int) -> dict[int, int]:
        """Checklist size → number of combinations of the questions from ``depth`` on."""
        if depth == depth_max:
            return {size_of(mask): 1}
        found = memo.get((depth, mask))
        if found is None:
            found = {}
            for group_mask, states in classes[depth][1]:
                for size, count in distribution(depth + 1, mask & group_mask).items():
                    found[size] = found.get(size, 0) + count * len(states)
            memo[(depth, mask)] = found
        return found

    everything = (1 << len(guide_data.rules)) - 1
    totals = distribution(0, everything)
    report = CoverageReport(
        total=math.prod(len(states) for states in all_states), empty=[], thin=[], rules_never_firing=[],
        empty_count=totals.get(0, 0), thin_below=thin_below,
        thin_count=sum(count for size, count in totals.items() if 0 < size < thin_below),
    )
    empty_raw: dict[tuple[frozenset[State], ...], tuple[int, int]] = {}
    thin_raw: dict[tuple[frozenset[State], ...], tuple[int, int]] = {}

    def collect(depth: int, mask: int, chosen: list[tuple[State, ...]]) -> None:
        if len(empty_raw) + len(thin_raw) >= MAX_PATTERNS:
            return
        below = distribution(depth, mask)
        if not any(reported(size) for size in below):
            return
        if len(below) == 1:  # the same size whatever the remaining answers
            size, count = next(iter(below.items()))
            count *= math.prod(len(states) for states in chosen)
            full = [*chosen, *all_states[depth:]]
            pattern = tuple(frozenset(states) for states in full)
            if size == 0:
                empty_raw[pattern] = (0, count)
                report.empty.extend(_expand(keys, full, limit - len(report.empty)))
            else:
                thin_raw[pattern] = (size, count)
                report.thin.extend((answers, size) for answers in _expand(keys, full, limit - len(report.thin)))
            return
        for group_mask, states in classes[depth][1]:
            collect(depth + 1, mask & group_mask, [*chosen, states])

    collect(0, everything, [])
    report.patterns_complete = len(empty_raw) + len(thin_raw) < MAX_PATTERNS
    report.empty_patterns = _as_patterns(empty_raw, keys, all_states)
    report.thin_patterns = _as_patterns(thin_raw, keys, all_states)
    report.rules_never_firing = [rule.name for rule in guide_data.rules if not _can_fire(guide_data, rule.index)]
    report.rules_without_items = [rule.name for rule in guide_data.rules
                                  if not per_rule[rule.index] and rule.name not in report.rules_never_firing]
    report.seconds = time.perf_counter() - started
    return report


def _expand(keys: list[str], chosen: list[tuple[State, ...]], room: int) -> Iterator[dict[str, tuple[str, ...]]]:
    """At most ``room`` single combinations of a pattern."""
    if room <= 0:
        return
    for combination in itertools.islice(itertools.product(*chosen), room):
        yield {key: (state,) for key, state in zip(keys, combination, strict=True) if state is not None}


# --- readable answers ---------------------------------------------------------------------------------------
def labels(guide: SituationGuidePage, language: str | None = None) -> dict[str, tuple[str, dict[str, str]]]:
    """Question key → (question, option key → label), counties named in ``language`` (default: active)."""
    with translation.override(language or translation.get_language()):
        result = {}
        for question in compiled(guide).questions:
            options = place_options(guide) if question.kind == QuestionKind.PLACE else question.options
            result[question.key] = (question.text or question.key, dict(options))
        return result


def describe(guide: SituationGuidePage, answers: Mapping[str, Iterable[State]], language: str | None = None,
             alternatives: bool = False) -> str:
    """"Residence: PESEL UKR · Needs: doctor". With ``alternatives`` each question's states are alternatives
    (a :class:`Pattern`), joined by " / ", and None reads "not answered"; otherwise several answers to a
    multiple-choice question are joined by ", "."""
    names = labels(guide, language)
    parts = []
    for key, (question, options) in names.items():
        if key not in answers:
            continue
        shown = [options.get(state, state) if state is not None else gettext("not answered")
                 for state in answers[key]]
        parts.append(f"{question}: {(' / ' if alternatives else ', ').join(shown)}")
    if not parts:
        return gettext("any answers") if alternatives else gettext("no answers")
    return " · ".join(parts)
