"""Branching of a health pathway (which steps a reader sees, in which order, labelled how) and the editor's
checks of its questions and conditions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation

from otwarta.core.testing import signed_in_client
from otwarta.pathways.models import PathwayPage
from otwarta.pathways.services import reader_answers, situation_questions, visible_steps

from .helpers import make_pathway, step

pytestmark = pytest.mark.django_db

ALL = ["W nagłym wypadku dzwoń pod 112", "Zapisz się do lekarza rodzinnego", "Pokaż potwierdzenie ubezpieczenia",
       "Zapłać za wizytę albo znajdź bezpłatną pomoc", "Zaszczep dziecko"]


@pytest.fixture
def pathway(portal: Any) -> PathwayPage:
    return make_pathway(with_clinic=False, translate=False)


def titles(page: PathwayPage, query: str = "") -> list[str]:
    return [s.title for s in visible_steps(page, reader_answers(page, QueryDict(query)), resolve=False)]


def test_questions_of_the_page(pathway: PathwayPage) -> None:
    questions = situation_questions(pathway)
    assert [q["key"] for q in questions] == ["insurance", "age"]
    assert questions[0]["question"] == "Ubezpieczenie zdrowotne"
    assert [o["key"] for o in questions[0]["options"]] == ["nfz-work", "nfz-pesel-ukr", "not-insured"]


def test_unanswered_shows_every_alternative_labelled_urgent_first(pathway: PathwayPage) -> None:
    with translation.override("en"):
        steps = visible_steps(pathway, {}, resolve=False)
    assert [s.title for s in steps] == ALL  # the urgent step (last in the editor's order) first
    assert [s.number for s in steps] == [1, 2, 3, 4, 5]
    assert steps[0].urgent and not steps[0].conditional and steps[0].situation == ""
    assert steps[1].situation == ""
    assert steps[2].situation == "Ubezpieczenie zdrowotne — mam z pracy or mam jako osoba z PESEL UKR"
    assert steps[3].situation == "Ubezpieczenie zdrowotne — nie mam ubezpieczenia"
    assert steps[4].situation == ("Dla kogo — dziecko; "
                                  "Ubezpieczenie zdrowotne — mam z pracy or mam jako osoba z PESEL UKR")


def test_answered_hides_the_steps_of_other_situations(pathway: PathwayPage) -> None:
    assert titles(pathway, "insurance=not-insured") == [ALL[0], ALL[1], ALL[3]]
    assert titles(pathway, "insurance=nfz-pesel-ukr") == [ALL[0], ALL[1], ALL[2], ALL[4]]
    # numbered in the order shown: no gap where a step was left out
    answers = reader_answers(pathway, QueryDict("insurance=not-insured"))
    assert [s.number for s in visible_steps(pathway, answers, resolve=False)] == [1, 2, 3]


def test_several_conditions_must_all_hold(pathway: PathwayPage) -> None:
    vaccinate = ALL[4]
    assert vaccinate in titles(pathway, "age=child")  # insurance not answered yet: still possible
    assert vaccinate in titles(pathway, "age=child&insurance=nfz-work")
    assert vaccinate not in titles(pathway, "age=child&insurance=not-insured")
    assert vaccinate not in titles(pathway, "age=adult&insurance=nfz-work")
    assert vaccinate not in titles(pathway, "age=adult")


def test_answers_from_the_guide_unknown_keys_and_values_ignored(pathway: PathwayPage) -> None:
    query = QueryDict("insurance=not-insured&residence=pesel-ukr&with=children&age=martian&utm_source=x")
    assert reader_answers(pathway, query) == {"insurance": ("not-insured",)}
    assert reader_answers(pathway, QueryDict("insurance=nfz-work&insurance=not-insured")) == {
        "insurance": ("nfz-work", "not-insured")}
    # several answers to one question: a step matching any of them is shown
    assert titles(pathway, "insurance=nfz-work&insurance=not-insured") == ALL


# --- the editor's checks -------------------------------------------------------------------------------------
def error_data(error: ValidationError, field: str) -> dict[str, Any]:
    data: dict[str, Any] = error.error_dict[field][0].as_json_data()  # type: ignore[attr-defined]
    return data


def test_conditions_naming_unknown_questions_or_answers_are_refused(pathway: PathwayPage) -> None:
    pathway.full_clean()  # the test pathway itself is valid
    pathway.steps = [*pathway.steps.raw_data,  # type: ignore[assignment]
                     step("Zły warunek", when=[("insurence", "not-insured")]),
                     step("Zła odpowiedź", when=[("age", "child"), ("insurance", "not-insured, uninsured")])]
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        pathway.full_clean()
    data = error_data(caught.value, "steps")
    question = data["blockErrors"][5]["blockErrors"]["applies_when"]["blockErrors"][0]["blockErrors"]["question"]
    assert question["messages"] == ["“insurence” is not a question of this pathway. Question keys: insurance, age."]
    answers = data["blockErrors"][6]["blockErrors"]["applies_when"]["blockErrors"][1]["blockErrors"]["answers"]
    assert answers["messages"] == ["“uninsured” is not an answer to the question “insurance”. "
                                   "Its answer keys: nfz-work, nfz-pesel-ukr, not-insured."]
    assert 0 not in data["blockErrors"][6]["blockErrors"]["applies_when"]["blockErrors"]  # age=child is fine
    assert data["messages"] == [  # the summary above the steps names the step and the condition
        "Step 6 (“Zły warunek”), condition 1: “insurence” is not a question of this pathway. "
        "Question keys: insurance, age.",
        "Step 7 (“Zła odpowiedź”), condition 2: “uninsured” is not an answer to the question “insurance”. "
        "Its answer keys: nfz-work, nfz-pesel-ukr, not-insured.",
    ]


def test_question_keys_must_be_unique(pathway: PathwayPage) -> None:
    raw = pathway.situations.raw_data
    duplicate = {"type": "question", "value": {"key": "age", "question": "Wiek", "options": [
        {"key": "senior", "label": "senior"}, {"key": "senior", "label": "osoba starsza"}]}}
    pathway.situations = [*raw, duplicate]  # type: ignore[assignment]
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        pathway.full_clean()
    data = error_data(caught.value, "situations")
    assert data["blockErrors"][2]["blockErrors"]["key"]["messages"] == [
        "Another question has the key “age”: each question needs its own key."]
    assert data["blockErrors"][2]["blockErrors"]["options"]["messages"] == [
        "The answer key “senior” is used twice: each answer needs its own key."]
    assert "steps" not in caught.value.error_dict


def test_the_articles_own_checks_still_apply(pathway: PathwayPage) -> None:
    pathway.review_interval_days = 1
    pathway.steps = [*pathway.steps.raw_data, step("Zły", when=[("nope", "x")])]  # type: ignore[assignment]
    with pytest.raises(ValidationError) as caught:
        pathway.full_clean()
    assert set(caught.value.error_dict) == {"review_interval_days", "steps"}


def test_editor_opens_the_pathway_in_the_admin(pathway: PathwayPage) -> None:
    response = signed_in_client("urzad-editor").get(f"/admin/pages/{pathway.pk}/edit/")
    assert response.status_code == 200
    assert b"Before you start" in response.content
