"""The guide's engine: questions, answers from the query string, rules → checklist (actions, pages to read with
the Polish fallback and pathway answers, services in the reader's county, language help on duty now)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import PageViewRestriction

from otwarta.directory import testing as directory
from otwarta.directory.models import ServiceStatus
from otwarta.guide import engine
from otwarta.guide.models import SituationGuidePage
from otwarta.institutions.models import Area, AreaKind
from otwarta.pathways.models import PathwayPage
from otwarta.portal.models import ArticlePage, HomePage, InstitutionPage
from otwarta.portal.services import publish, translate_page
from otwarta.registers import testing as registers
from otwarta.registers.models import RegisterKind

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY_10 = dt.datetime(2026, 5, 4, 10, 0, tzinfo=WARSAW)
KRAKOW, KRAKOWSKI = "1261", "1206"
RESIDENCE = ["pesel-ukr", "residence-card", "visa", "eu-citizen"]
NEED = ["doctor", "pregnancy", "housing"]


# --- building guides (also used by test_coverage and test_admin) ----------------------------------------------
def item(value: dict[str, Any]) -> dict[str, Any]:
    """A ListBlock item as Wagtail stores it (without an id, Wagtail reads the whole dict as the value)."""
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def question(key: str, text: str, options: list[str] | None = None, *, multiple: bool = False,
             kind: str = "choice") -> dict[str, Any]:
    return {"type": "question", "value": {
        "key": key, "question": text, "help_text": "", "kind": kind, "multiple": multiple,
        "options": [item({"key": option, "label": option.replace("-", " ").capitalize()})
                    for option in options or []],
    }}


def standard_questions() -> list[dict[str, Any]]:
    return [question("residence", "Residence", RESIDENCE), question("need", "Needs", NEED, multiple=True),
            question("place", "Place", kind="place")]


def rec(kind: str, priority: int = 50, text: str = "", page: int | None = None, categories: str = "",
        register: str = "") -> dict[str, Any]:
    return item({"kind": kind, "priority": priority, "text": text, "page": page, "categories": categories,
                 "register": register})


def when(question_key: str, answers: str) -> dict[str, Any]:
    return item({"question": question_key, "answers": answers})


def rule(name: str, conditions: list[dict[str, Any]], recommendations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "rule", "value": {"name": name, "when": conditions, "recommendations": recommendations}}


def make_guide(rules: list[dict[str, Any]], questions: list[dict[str, Any]] | None = None,
               thin_below: int = 3, slug: str = "przewodnik-testowy") -> SituationGuidePage:
    """A published guide under the test portal's Polish home page."""
    home = HomePage.objects.get(locale__language_code="pl")
    page = SituationGuidePage(title="Przewodnik testowy", slug=slug, thin_below=thin_below,
                              questions=json.dumps(questions if questions is not None else standard_questions()),
                              rules=json.dumps(rules))
    home.add_child(instance=page)
    publish(page)
    return SituationGuidePage.objects.get(pk=page.pk)


def article(slug: str, language: str = "pl") -> ArticlePage:
    return ArticlePage.objects.get(slug=slug, locale__language_code=language)


def make_pathway() -> PathwayPage:
    """A Polish pathway (translated into Ukrainian) that asks about residence and insurance."""
    parent = InstitutionPage.objects.get(slug="urzad", locale__language_code="pl")
    situations = [
        {"type": "question", "value": {"key": "residence", "question": "Pobyt?", "options": [
            item({"key": "pesel-ukr", "label": "PESEL UKR"}), item({"key": "visa", "label": "Wiza"})]}},
        {"type": "question", "value": {"key": "insurance", "question": "Ubezpieczenie?", "options": [
            item({"key": "nfz-work", "label": "Praca"}), item({"key": "not-insured", "label": "Brak"})]}},
    ]
    steps = [{"type": "step", "value": {"title": "Idź do lekarza", "text": "<p>Zapisz się.</p>", "services": [],
                                        "documents": [], "cost": "", "language_help": [], "language_note": "",
                                        "applies_when": [], "urgent": False}}]
    pathway = PathwayPage(title="Ciąża i poród", slug="ciaza", summary="Opieka w ciąży krok po kroku.",
                          body=json.dumps([{"type": "text", "value": "<p>Zanim zaczniesz.</p>"}]),
                          situations=json.dumps(situations), steps=json.dumps(steps), locale=parent.locale)
    parent.add_child(instance=pathway)
    publish(pathway)
    translate_page(pathway, "uk", {"title": "Вагітність і пологи", "summary": "Догляд під час вагітності."})
    return PathwayPage.objects.get(pk=pathway.pk)


def actions_of(checklist: Any) -> list[tuple[str, int, str]]:
    return [(action.text, action.priority, action.rule) for action in checklist.actions]


# --- questions and answers --------------------------------------------------------------------------------------
def test_questions_offer_the_counties_of_malopolska_for_a_place_question(portal: Any) -> None:
    guide = make_guide([])
    with translation.override("en"):
        views = engine.questions(guide)
    assert [(q.key, q.multiple, q.kind) for q in views] == [
        ("residence", False, "choice"), ("need", True, "choice"), ("place", False, "place")]
    assert views[0].options[:2] == [("pesel-ukr", "Pesel ukr"), ("residence-card", "Residence card")]
    place = views[2].options
    counties = Area.objects.filter(kind__in=[AreaKind.COUNTY, AreaKind.CITY_COUNTY])
    assert {key for key, _label in place} == {area.teryt for area in counties} and len(place) == 22
    assert ("1261", "Kraków") in place and ("1206", "krakowski county") in place
    labels = [label for _key, label in place]
    assert labels == sorted(labels, key=engine.sort_key)
    assert labels.index("nowotarski county") < labels.index("Nowy Sącz") < labels.index("olkuski county")
    assert labels.index("olkuski county") < labels.index("oświęcimski county") < labels.index("proszowicki county")


def test_parse_keeps_known_answers_and_one_answer_to_a_single_choice_question(portal: Any) -> None:
    guide = make_guide([])
    query = QueryDict("residence=visa&residence=pesel-ukr&need=housing&need=doctor&need=bogus"
                      "&place=1261&place=9999&other=x")
    assert engine.parse(guide, query) == {"residence": ("pesel-ukr",), "need": ("doctor", "housing"),
                                          "place": ("1261",)}
    assert engine.parse(guide, {"place": ["0000"], "residence": "visa"}) == {"residence": ("visa",)}


def test_the_blocks_are_parsed_once_per_guide_object(portal: Any) -> None:
    guide = make_guide([rule("Wszyscy", [], [rec("do", text="Zadzwoń.")])])
    first = engine.compiled(guide)
    with CaptureQueriesContext(connection) as queries:
        engine.questions(guide)
        engine.parse(guide, QueryDict("place=1261"))
        engine.evaluate(guide, {"place": ("1261",)}, "pl")
    assert engine.compiled(guide) is first
    assert len(queries) == 1  # the counties, once: the rule gives only an action
    guide.rules = json.dumps([rule("Inna", [], [rec("do", text="Inna rzecz.")])])
    assert [rule.name for rule in engine.compiled(guide).rules] == ["Inna"]


# --- rules ----------------------------------------------------------------------------------------------------------
def test_rules_fire_when_all_conditions_hold_any_of_the_listed_answers_and_always_without_conditions(
        portal: Any) -> None:
    guide = make_guide([
        rule("Wszyscy", [], [rec("do", 90, "Zapisz numer alarmowy 112.")]),
        rule("Wiza lub karta", [when("residence", "visa, residence-card")], [rec("do", 20, "Sprawdź termin.")]),
        rule("Wiza i lekarz", [when("residence", "visa"), when("need", "doctor")],
             [rec("do", 10, "Wykup ubezpieczenie.")]),
    ])
    fired = lambda answers: engine.evaluate(guide, answers, "pl").fired_rules  # noqa: E731
    assert fired({}) == ("Wszyscy",)
    assert fired({"residence": ("residence-card",)}) == ("Wszyscy", "Wiza lub karta")
    assert fired({"residence": ("visa",), "need": ("doctor", "housing")}) == ("Wszyscy", "Wiza lub karta",
                                                                              "Wiza i lekarz")
    assert fired({"need": ("doctor",)}) == ("Wszyscy",)  # an unanswered condition does not hold
    assert fired({"residence": ("pesel-ukr",), "need": ("doctor",)}) == ("Wszyscy",)
    checklist = engine.evaluate(guide, {"residence": ("visa",), "need": ("doctor",)}, "pl")
    assert actions_of(checklist) == [("Wykup ubezpieczenie.", 10, "Wiza i lekarz"),
                                     ("Sprawdź termin.", 20, "Wiza lub karta"),
                                     ("Zapisz numer alarmowy 112.", 90, "Wszyscy")]
    assert checklist.size == 3 and checklist.answers == {"residence": ("visa",), "need": ("doctor",)}


def test_the_same_item_from_two_rules_is_kept_once_with_the_best_priority_and_lists_are_sorted(
        portal: Any) -> None:
    registers.register(RegisterKind.INTERPRETER)
    card = article("karta-pobytu")
    guide = make_guide([
        rule("Pierwsza", [], [rec("do", 40, "Zapisz się do lekarza."), rec("do", 20, "Bravo"),
                              rec("read", 60, page=card.pk), rec("language", 70, register="interpreter")]),
        rule("Druga", [when("need", "doctor")], [rec("do", 10, "Zapisz się do lekarza."), rec("do", 20, "Alfa"),
                                                 rec("read", 30, page=card.pk, text="Najpierw to."),
                                                 rec("language", 80, register="interpreter")]),
    ])
    checklist = engine.evaluate(guide, {"need": ("doctor",)}, "pl")
    assert actions_of(checklist) == [("Zapisz się do lekarza.", 10, "Druga"), ("Alfa", 20, "Druga"),
                                     ("Bravo", 20, "Pierwsza")]
    assert [(r.title, r.priority, r.rule, r.note) for r in checklist.readings] == [
        ("Karta pobytu czasowego", 30, "Druga", "Najpierw to.")]
    assert [(h.register, h.priority, h.rule) for h in checklist.language_help] == [("interpreter", 70, "Pierwsza")]
    assert checklist.size == 5


def test_incomplete_recommendations_give_nothing(portal: Any) -> None:
    guide = make_guide([rule("Puste", [], [rec("do", text="  "), rec("read"), rec("services"), rec("language"),
                                           rec("services", categories="no-such-category"),
                                           rec("language", register="mediator")])])
    checklist = engine.evaluate(guide, {}, "pl")
    assert checklist.size == 0 and checklist.fired_rules == ("Puste",)


# --- pages to read --------------------------------------------------------------------------------------------------
def test_a_page_is_read_in_the_readers_language_else_in_polish_marked_so(portal: Any) -> None:
    card, pesel = article("karta-pobytu"), article("pesel")
    guide = make_guide([rule("Czytaj", [], [rec("read", 10, page=card.pk), rec("read", 20, page=pesel.pk)])])
    checklist = engine.evaluate(guide, {}, "uk")
    assert [(r.title, r.url, r.language, r.is_pathway) for r in checklist.readings] == [
        ("Посвідка на тимчасове проживання", "/uk/instytucje/urzad/karta-pobytu/", "uk", False),
        ("Numer PESEL dla obywateli Ukrainy", "/pl/instytucje/fundacja/pesel/", "pl", False),
    ]
    assert checklist.readings[0].summary == article("karta-pobytu", "uk").summary
    # An unpublished translation falls back to Polish; a page in a private section is left out.
    article("karta-pobytu", "uk").unpublish()
    PageViewRestriction.objects.create(page=pesel, restriction_type=PageViewRestriction.LOGIN)
    checklist = engine.evaluate(guide, {}, "uk")
    assert [(r.url, r.language) for r in checklist.readings] == [("/pl/instytucje/urzad/karta-pobytu/", "pl")]


def test_a_pathway_link_carries_the_answers_to_the_questions_it_shares(portal: Any) -> None:
    pathway = make_pathway()
    questions = [*standard_questions(), question("insurance", "Insurance", ["nfz-work", "nfz-pesel-ukr"])]
    guide = make_guide([rule("Ciąża", [when("need", "pregnancy")], [rec("read", 10, page=pathway.pk)])],
                       questions=questions)
    answers = {"residence": ("pesel-ukr",), "need": ("pregnancy",), "place": (KRAKOW,),
               "insurance": ("nfz-pesel-ukr",)}  # an insurance answer the pathway does not offer
    reading = engine.evaluate(guide, answers, "pl").readings[0]
    assert (reading.url, reading.is_pathway, reading.language) == (
        "/pl/instytucje/urzad/ciaza/?residence=pesel-ukr", True, "pl")
    answers["insurance"] = ("nfz-work",)
    reading = engine.evaluate(guide, answers, "uk").readings[0]
    assert reading.url == "/uk/instytucje/urzad/ciaza/?residence=pesel-ukr&insurance=nfz-work"
    assert (reading.title, reading.language) == ("Вагітність і пологи", "uk")
    assert engine.evaluate(guide, {"need": ("pregnancy",)}, "pl").readings[0].url == "/pl/instytucje/urzad/ciaza/"


# --- services near the reader ---------------------------------------------------------------------------------------
def _clinics() -> Any:
    doctor = directory.term("doctor", "Lekarz rodzinny")
    children = directory.term("child-doctor", "Pediatra")
    children.parent = doctor
    children.save()
    housing = directory.term("housing", "Mieszkanie")
    org = directory.organization()
    krakow = directory.location(org, "Kraków")
    wieliczka = directory.location(org, "Skawina", teryt=KRAKOWSKI, municipality="Skawina", city="Skawina")
    directory.service("Przychodnia Alfa", org, terms=(doctor,), at=krakow)
    directory.service("Przychodnia Beta", org, terms=(children,), at=krakow)
    directory.service("Przychodnia Gamma", org, terms=(doctor,), at=krakow, status=ServiceStatus.INACTIVE,
                      slug="gamma")
    directory.service("Ambulatorium Aa", org, terms=(doctor,), at=krakow, status=ServiceStatus.INACTIVE,
                      slug="aa")
    directory.service("Ośrodek w Skawinie", org, terms=(doctor,), at=wieliczka)
    directory.service("Hostel", org, terms=(housing,), at=wieliczka)
    directory.service("Dawna przychodnia", org, terms=(doctor,), at=wieliczka, status=ServiceStatus.DEFUNCT,
                      slug="dawna")
    return doctor


def test_services_in_the_readers_county_else_in_the_region(portal: Any) -> None:
    doctor = _clinics()
    directory.translate(doctor, "uk", name="Сімейний лікар")
    guide = make_guide([rule("Lekarz", [when("need", "doctor")], [rec("services", 30, categories="doctor")])])
    group = engine.evaluate(guide, {"need": ("doctor",), "place": (KRAKOWSKI,)}, "pl").services[0]
    assert [str(card.service.name) for card in group.cards] == ["Ośrodek w Skawinie"]
    assert group.search_url == f"/pl/uslugi/?category={doctor.translation_key}&county={KRAKOWSKI}"
    assert (group.categories, group.title, group.priority, group.rule) == (("doctor",), "Lekarz rodzinny", 30,
                                                                             "Lekarz")
    group = engine.evaluate(guide, {"need": ("doctor",), "place": (KRAKOW,)}, "pl").services[0]
    # Available services first (by name), the temporarily unavailable after them; at most three cards.
    assert [str(card.service.name) for card in group.cards] == ["Przychodnia Alfa", "Przychodnia Beta",
                                                                 "Ambulatorium Aa"]
    group = engine.evaluate(guide, {"need": ("doctor",)}, "uk").services[0]
    assert [str(card.service.name) for card in group.cards] == ["Ośrodek w Skawinie", "Przychodnia Alfa",
                                                                 "Przychodnia Beta"]
    assert group.search_url == f"/uk/uslugi/?category={doctor.translation_key}"
    assert group.title == "Сімейний лікар"


# --- language help ---------------------------------------------------------------------------------------------------
def test_language_help_links_the_register_and_counts_who_is_on_duty_now(portal: Any) -> None:
    interpreters = registers.register(RegisterKind.INTERPRETER)
    assistants = registers.register(RegisterKind.ASSISTANT)
    registers.person(interpreters, "Anna Nowak", slots=((0, "08:00", "16:00"),))
    registers.person(interpreters, "Borys Kowal", slots=((0, "09:00", "11:00"), (1, "09:00", "11:00")))
    registers.person(interpreters, "Cyryl Ukryty", public=False, slots=((0, "08:00", "16:00"),))
    registers.person(interpreters, "Dora Później", slots=((0, "12:00", "16:00"),))
    registers.person(assistants, "Ewa Asystentka", slots=((0, "08:00", "16:00"),))
    guide = make_guide([rule("Tłumacz", [], [rec("language", 40, register="interpreter"),
                                             rec("language", 45, register="mediator")])])
    checklist = engine.evaluate(guide, {}, "pl", now=MONDAY_10)
    with translation.override("pl"):
        polish_name = str(RegisterKind.INTERPRETER.label)
    assert [(h.register, h.url, h.request_url, h.on_duty_now, h.title) for h in checklist.language_help] == [
        ("interpreter", "/pl/tlumacze/tlumacze/", "/pl/zamow-tlumacza/?register=interpreter", 2, polish_name)]
    help_uk = engine.evaluate(guide, {}, "uk", now=MONDAY_10 + dt.timedelta(hours=4)).language_help[0]
    assert (help_uk.url, help_uk.request_url, help_uk.on_duty_now) == (
        "/uk/tlumacze/tlumacze/", "/uk/zamow-tlumacza/?register=interpreter&language=uk", 2)
    assert help_uk.title not in (polish_name, "Interpreters")  # the register's name in Ukrainian
    assert engine.evaluate(guide, {}, "pl", now=MONDAY_10 + dt.timedelta(days=1, hours=3)
                           ).language_help[0].on_duty_now == 0


# --- cost -------------------------------------------------------------------------------------------------------------
def test_only_the_groups_needed_are_queried(portal: Any, django_assert_max_num_queries: Any,
                                            django_assert_num_queries: Any) -> None:
    _clinics()
    registers.register(RegisterKind.INTERPRETER)
    card = article("karta-pobytu")
    guide = make_guide([
        rule("Wszyscy", [], [rec("do", 10, "Zadzwoń.")]),
        rule("Lekarz", [when("need", "doctor")], [rec("read", 20, page=card.pk),
                                                  rec("services", 30, categories="doctor"),
                                                  rec("services", 35, categories="housing"),
                                                  rec("language", 40, register="interpreter")]),
    ])
    engine.compiled(guide)
    with django_assert_num_queries(0):
        assert engine.evaluate(guide, {"need": ("housing",)}, "uk").size == 1
    # Pages 4 (2 + the site's root paths, cached afterwards), categories 2, per group of services up to 14
    # (services, card data, texts in the reader's language), registers 3.
    with django_assert_max_num_queries(32):
        checklist = engine.evaluate(guide, {"need": ("doctor",), "place": (KRAKOW,)}, "uk", now=MONDAY_10)
    assert (len(checklist.actions), len(checklist.readings), len(checklist.services),
            len(checklist.language_help)) == (1, 1, 2, 1)
