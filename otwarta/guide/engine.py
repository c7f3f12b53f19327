"""The situation guide's engine: the questions as a reader sees them, the answers read from a query string,
and the personal checklist those answers lead to (see ``otwarta.guide.checklist`` for what it holds).

The guide's ``questions`` and ``rules`` are read from their stored JSON once per guide object
(:func:`compiled`, kept on the object), so a request that shows the questions, reads the answers and builds
the checklist parses the blocks once. A rule fires when every one of its conditions holds for what the
reader answered (``matches(..., unanswered=False)``; a rule without conditions always fires). The fired
rules' recommendations become checklist items; the same item recommended twice (the same action text, page,
set of service categories or register) is kept once, with the best (lowest) priority. Each list is sorted by
priority, then title.

Database work is done only for what the fired rules need: two queries for all the pages to read, the
directory's queries per group of services (at most three cards each) and three for all the registers (which
exist, and who is on duty now). Answers are never stored: they come in and go out in URLs.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from otwarta.core.languages import in_private_section
from otwarta.core.situations import Answers, Condition, matches, parse_answers, split_keys
from otwarta.directory.models import ServiceAtLocation, ServiceStatus, TaxonomyTerm, source_locale_id
from otwarta.directory.search import (
    Filters,
    cards,
    local_text,
    ordered,
    translations_of,
    visible_services,
    with_card_data,
)
from otwarta.institutions.models import Area, AreaKind
from otwarta.portal.models import ArticlePage
from otwarta.registers import rota
from otwarta.registers.models import Register
from otwarta.registers.presentation import request_url

from .checklist import Action, Checklist, LanguageHelp, Reading, ServiceGroup
from .models import QuestionKind, RecommendationKind, SituationGuidePage

MAX_CARDS = 3
CACHE_ATTRIBUTE = "_otwarta_guide_compiled"


# --- the guide's blocks, parsed once ------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str
    kind: str
    multiple: bool
    options: tuple[tuple[str, str], ...]  # (key, label); empty for a "place" question (see CompiledGuide)


@dataclass(frozen=True)
class Recommendation:
    kind: str
    priority: int
    text: str
    page_id: int | None
    categories: tuple[str, ...]
    register: str


@dataclass(frozen=True)
class Rule:
    index: int
    name: str
    conditions: tuple[Condition, ...]
    recommendations: tuple[Recommendation, ...]


@dataclass
class CompiledGuide:
    """The guide's questions and rules as plain Python values (no block objects, no queries)."""

    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    source: tuple[Any, ...] = ()  # the StreamValues read, to notice a field replaced on the guide object
    _counties: list[Area] | None = field(default=None, repr=False)

    def counties(self) -> list[Area]:
        """Małopolska's counties and cities with county rights (one query per guide object)."""
        if self._counties is None:
            self._counties = list(Area.objects.filter(kind__in=[AreaKind.COUNTY, AreaKind.CITY_COUNTY]))
        return self._counties

    def option_keys(self, question: Question) -> tuple[str, ...]:
        if question.kind == QuestionKind.PLACE:
            return tuple(area.teryt for area in self.counties())
        return tuple(key for key, _label in question.options)

    def allowed(self) -> dict[str, tuple[str, ...]]:
        return {question.key: self.option_keys(question) for question in self.questions}


def _items(value: Any) -> list[Any]:
    """The values of a ListBlock's raw data: ``[{"type": "item", "value": ..., "id": ...}]``, or a plain old
    list (Wagtail's own test, ``ListBlock._item_is_in_block_format``: without an id an item is a value)."""
    result = []
    for item in value or []:
        if isinstance(item, Mapping) and item.get("type") == "item" and "value" in item and "id" in item:
            result.append(item["value"])
        else:
            result.append(item)
    return result


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _recommendation(raw: Mapping[str, Any]) -> Recommendation:
    return Recommendation(
        kind=str(raw.get("kind") or RecommendationKind.DO_FIRST),
        priority=_int(raw.get("priority"), 50),
        text=str(raw.get("text") or "").strip(),
        page_id=_int(raw.get("page"), 0) or None,
        categories=split_keys(str(raw.get("categories") or "")),
        register=str(raw.get("register") or ""),
    )


def compile_guide(guide: SituationGuidePage) -> CompiledGuide:
    questions = []
    for item in guide.questions.raw_data:
        raw = item.get("value") or {}
        kind = str(raw.get("kind") or QuestionKind.CHOICE)
        options: dict[str, str] = {}
        if kind != QuestionKind.PLACE:
            for option in _items(raw.get("options")):
                key = str(option.get("key") or "")
                if key and key not in options:
                    options[key] = str(option.get("label") or key)
        questions.append(Question(
            key=str(raw.get("key") or ""), text=str(raw.get("question") or ""), help=str(raw.get("help_text") or ""),
            kind=kind, multiple=bool(raw.get("multiple")) and kind != QuestionKind.PLACE,
            options=tuple(options.items()),
        ))
    rules = []
    for index, item in enumerate(guide.rules.raw_data):
        raw = item.get("value") or {}
        conditions = tuple(Condition(str(c.get("question") or ""), split_keys(str(c.get("answers") or "")))
                           for c in _items(raw.get("when")))
        recommendations = tuple(_recommendation(r) for r in _items(raw.get("recommendations")))
        rules.append(Rule(index=index, name=str(raw.get("name") or ""), conditions=conditions,
                          recommendations=recommendations))
    return CompiledGuide(questions=tuple(q for q in questions if q.key), rules=tuple(rules),
                         source=(guide.questions, guide.rules))


def compiled(guide: SituationGuidePage) -> CompiledGuide:
    """The guide's blocks parsed once per guide object (a request's page object parses them once)."""
    found = getattr(guide, CACHE_ATTRIBUTE, None)
    if found is None or found.source[0] is not guide.questions or found.source[1] is not guide.rules:
        found = compile_guide(guide)
        setattr(guide, CACHE_ATTRIBUTE, found)
    return found


# --- questions and answers ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionView:
    key: str
    text: str
    help: str
    multiple: bool
    options: list[tuple[str, str]]  # (key, label)
    kind: str = QuestionKind.CHOICE


def sort_key(text: str) -> str:
    """A sort key that puts Polish letters next to their base letters (ł after l, ś after s)."""
    text = text.casefold().replace("ł", "l\uffff")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def place_options(guide: SituationGuidePage) -> list[tuple[str, str]]:
    """(TERYT code, name in the active language) of the counties, sorted by name."""
    options = [(area.teryt, str(area)) for area in compiled(guide).counties()]
    return sorted(options, key=lambda option: (sort_key(option[1]), option[0]))


def questions(guide: SituationGuidePage) -> list[QuestionView]:
    """The guide's questions as the reader sees them (labels of counties in the active language)."""
    result = []
    for question in compiled(guide).questions:
        options = place_options(guide) if question.kind == QuestionKind.PLACE else list(question.options)
        result.append(QuestionView(key=question.key, text=question.text, help=question.help,
                                   multiple=question.multiple, options=options, kind=question.kind))
    return result


def parse(guide: SituationGuidePage, query: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The reader's answers in ``query`` (a QueryDict or a dict of lists): known questions and options only;
    a single-choice question keeps one answer (the first in the question's order of options)."""
    guide_data = compiled(guide)
    allowed = guide_data.allowed()
    answers = parse_answers(query, allowed)
    for question in guide_data.questions:
        chosen = answers.get(question.key)
        if chosen and len(chosen) > 1 and not question.multiple:
            answers[question.key] = (next(key for key in allowed[question.key] if key in chosen),)
    return answers


def query_string(answers: Answers, keys: Iterable[str] | None = None) -> str:
    """The answers as a query string (only ``keys`` when given), in a stable order."""
    wanted = list(answers) if keys is None else [key for key in keys if key in answers]
    return urlencode([(key, value) for key in wanted for value in answers[key]])


# --- rules ---------------------------------------------------------------------------------------------------
def matches_rule(rule: Rule, answers: Answers) -> bool:
    """All the rule's conditions hold for what the reader answered (a rule without conditions: always)."""
    return matches(rule.conditions, answers, unanswered=False)


def fired_rules(guide: SituationGuidePage, answers: Answers) -> list[Rule]:
    return [rule for rule in compiled(guide).rules if matches_rule(rule, answers)]


def item_key(recommendation: Recommendation) -> tuple[str, Any] | None:
    """What makes two recommendations the same checklist item (a page is resolved to its translation key by
    the callers), or None for an incomplete recommendation, which gives nothing."""
    kind = recommendation.kind
    if kind == RecommendationKind.DO_FIRST:
        return ("do", recommendation.text) if recommendation.text else None
    if kind == RecommendationKind.READ:
        return ("read", recommendation.page_id) if recommendation.page_id else None
    if kind == RecommendationKind.SERVICES:
        return ("services", tuple(sorted(set(recommendation.categories)))) if recommendation.categories else None
    if kind == RecommendationKind.LANGUAGE_HELP:
        return ("language", recommendation.register) if recommendation.register else None
    return None


@dataclass
class Chosen:
    """The best recommendation for one checklist item, and the rule it came from."""

    recommendation: Recommendation
    rule: Rule


def choose(fired: Iterable[Rule], key_of: Any = item_key) -> dict[tuple[str, Any], Chosen]:
    """One recommendation per item: the best priority wins, the earlier rule on a tie."""
    chosen: dict[tuple[str, Any], Chosen] = {}
    for rule in fired:
        for recommendation in rule.recommendations:
            key = key_of(recommendation)
            if key is None:
                continue
            current = chosen.get(key)
            if current is None or recommendation.priority < current.recommendation.priority:
                chosen[key] = Chosen(recommendation, rule)
    return chosen


def _ordered(items: Iterable[Any], title: str = "title") -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda item: (item.priority, sort_key(getattr(item, title)))))


# --- pages to read -------------------------------------------------------------------------------------------
def page_keys(page_ids: Iterable[int]) -> dict[int, Any]:
    """Page id → translation key (one query)."""
    ids = set(page_ids)
    return dict(Page.objects.filter(pk__in=ids).values_list("pk", "translation_key")) if ids else {}


def readable_pages(translation_keys: Iterable[Any], language: str) -> dict[Any, Any]:
    """Translation key → the live, public article or pathway in ``language``, else the Polish one (one query;
    a pathway's own fields come with it)."""
    keys = set(translation_keys)
    if not keys:
        return {}
    languages = {language, settings.LANGUAGE_CODE}
    rows = (ArticlePage.objects.live().exclude(in_private_section())
            .filter(translation_key__in=keys, locale__language_code__in=languages)
            .select_related("locale", "pathwaypage"))
    found: dict[Any, Any] = {}
    for page in rows:
        current = found.get(page.translation_key)
        if current is None or page.locale.language_code == language:
            found[page.translation_key] = page
    return found


def _pathway(page: Any) -> Any:
    try:
        return page.pathwaypage
    except ObjectDoesNotExist:
        return None


def pathway_questions(pathway: Any) -> list[tuple[str, tuple[str, ...]]]:
    """(question key, option keys) of a pathway's situation questions, from their stored JSON."""
    result = []
    for item in pathway.situations.raw_data:
        raw = item.get("value") or {}
        options = tuple(str(o.get("key") or "") for o in _items(raw.get("options")))
        result.append((str(raw.get("key") or ""), options))
    return result


def pathway_query(pathway: Any, answers: Answers) -> str:
    """The reader's answers to the questions the pathway shares with the guide (its known options only)."""
    pairs: list[tuple[str, str]] = []
    for key, options in pathway_questions(pathway):
        pairs.extend((key, value) for value in answers.get(key, ()) if value in options)
    return urlencode(pairs)


def _readings(chosen: list[Chosen], answers: Answers, language: str, request: HttpRequest | None) -> list[Reading]:
    keys = page_keys(item.recommendation.page_id for item in chosen if item.recommendation.page_id)
    pages = readable_pages(keys.values(), language)
    best: dict[Any, Chosen] = {}  # two pages chosen in two languages may be the same page
    for item in chosen:
        key = keys.get(item.recommendation.page_id or 0)
        if key is None or key not in pages:
            continue
        if key not in best or item.recommendation.priority < best[key].recommendation.priority:
            best[key] = item
    readings = []
    for key, item in best.items():
        page = pages[key]
        pathway = _pathway(page)
        url = page.get_url(request=request) or ""
        if pathway is not None:
            query = pathway_query(pathway, answers)
            if query:
                url = f"{url}?{query}"
        readings.append(Reading(
            title=page.title, url=url, summary=page.summary, language=page.locale.language_code,
            is_pathway=pathway is not None, priority=item.recommendation.priority, note=item.recommendation.text,
            rule=item.rule.name,
        ))
    return readings


# --- services near the reader --------------------------------------------------------------------------------
def known_categories(codes: Iterable[str]) -> list[Any]:
    """The directory's (Polish) category rows with these codes (one query)."""
    codes = set(codes)
    if not codes:
        return []
    return list(TaxonomyTerm.objects.filter(locale_id=source_locale_id(), code__in=codes)
                .order_by("sort_order", "name", "pk"))


def services_of(terms: list[Any], county: str) -> QuerySet[Any]:
    """The visible services in any of ``terms`` (or their narrower terms), located in ``county`` when given:
    available ones first, then by the name the reader sees."""
    keys = [term.translation_key for term in terms]
    in_terms = TaxonomyTerm.objects.filter(Q(translation_key__in=keys) | Q(parent__translation_key__in=keys),
                                           services=OuterRef("pk"))
    services = visible_services().filter(Exists(in_terms))
    if county:
        services = services.filter(Exists(ServiceAtLocation.objects.filter(
            service=OuterRef("pk"), location__county__teryt=county)))
    services = ordered(services)
    unavailable_last = Case(When(status=ServiceStatus.INACTIVE, then=Value(1)), default=Value(0),
                            output_field=IntegerField())
    return services.order_by(unavailable_last, *services.query.order_by)


def search_url(terms: list[Any], county: str) -> str:
    """The directory's search with the same filters (its category filter takes one: the group's first)."""
    filters = Filters(category=str(terms[0].translation_key) if terms else "", county=county)
    params = filters.as_params()
    url = reverse("directory:search")
    return f"{url}?{urlencode(params)}" if params else url


def _service_groups(chosen: list[Chosen], county: str, now: dt.datetime | None) -> list[ServiceGroup]:
    terms = known_categories(code for item in chosen for code in item.recommendation.categories)
    if not terms:
        return []
    names = translations_of(TaxonomyTerm, terms)
    groups = []
    for item in chosen:
        codes = item.recommendation.categories
        group_terms = sorted((term for term in terms if term.code in codes),
                             key=lambda term: (codes.index(term.code), term.pk))
        if not group_terms:
            continue
        services = list(with_card_data(services_of(group_terms, county))[:MAX_CARDS])
        title = ", ".join(dict.fromkeys(
            str(local_text(term, names.get(term.translation_key), "name")) for term in group_terms))
        groups.append(ServiceGroup(
            categories=codes, title=title, cards=tuple(cards(services, now=now)),
            search_url=search_url(group_terms, county), priority=item.recommendation.priority,
            note=item.recommendation.text, rule=item.rule.name,
        ))
    return groups


# --- language help -------------------------------------------------------------------------------------------
def existing_registers(kinds: Iterable[str]) -> dict[str, Any]:
    kinds = set(kinds)
    return {register.kind: register for register in Register.objects.filter(kind__in=kinds)} if kinds else {}


def _language_help(chosen: list[Chosen], language: str, now: dt.datetime | None) -> list[LanguageHelp]:
    registers = existing_registers(item.recommendation.register for item in chosen)
    if not registers:
        return []
    on_duty = Counter(register_id for register_id, _person in
                      {(duty.person.register_id, duty.person.pk) for duty in rota.on_duty_now(now)})
    wanted = language if language != settings.LANGUAGE_CODE else None
    result = []
    for item in chosen:
        register = registers.get(item.recommendation.register)
        if register is None:
            continue
        result.append(LanguageHelp(
            register=register.kind, title=str(register), url=reverse("registers:register", args=[register.slug]),
            request_url=request_url(register.kind, wanted), on_duty_now=on_duty.get(register.pk, 0),
            priority=item.recommendation.priority, note=item.recommendation.text, rule=item.rule.name,
        ))
    return result


# --- the checklist -------------------------------------------------------------------------------------------
def evaluate(guide: SituationGuidePage, answers: Answers, language: str, *, request: HttpRequest | None = None,
             now: dt.datetime | None = None) -> Checklist:
    """The checklist for ``answers`` in ``language`` (texts, links and service cards in that language)."""
    fired = fired_rules(guide, answers)
    chosen = choose(fired)
    by_kind: dict[str, list[Chosen]] = {kind: [] for kind in RecommendationKind.values}
    for key, item in chosen.items():
        by_kind[key[0]].append(item)
    place = next((q.key for q in compiled(guide).questions if q.kind == QuestionKind.PLACE), None)
    county = (answers.get(place) or ("",))[0] if place else ""
    with translation.override(language):
        actions = [Action(text=item.recommendation.text, priority=item.recommendation.priority, rule=item.rule.name)
                   for item in by_kind[RecommendationKind.DO_FIRST]]
        readings = _readings(by_kind[RecommendationKind.READ], answers, language, request)
        services = _service_groups(by_kind[RecommendationKind.SERVICES], county, now)
        language_help = _language_help(by_kind[RecommendationKind.LANGUAGE_HELP], language, now)
    return Checklist(
        answers=dict(answers),
        actions=_ordered(actions, "text"),
        readings=_ordered(readings),
        services=_ordered(services),
        language_help=_ordered(language_help),
        fired_rules=tuple(rule.name for rule in fired),
    )
