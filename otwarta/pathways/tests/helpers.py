"""A test health pathway under the test portal's ``urzad`` institution page (real pages, no mocks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wagtail.models import Locale

from otwarta.directory import testing as f
from otwarta.directory.models import Service
from otwarta.pathways.models import PathwayPage
from otwarta.portal.models import InstitutionPage, TopicPage
from otwarta.portal.services import publish, translate_page
from otwarta.registers import testing as registers

SLUG = "do-lekarza"

SITUATIONS_PL: list[dict[str, Any]] = [
    {"type": "question", "value": {"key": "insurance", "question": "Ubezpieczenie zdrowotne", "options": [
        {"key": "nfz-work", "label": "mam z pracy"},
        {"key": "nfz-pesel-ukr", "label": "mam jako osoba z PESEL UKR"},
        {"key": "not-insured", "label": "nie mam ubezpieczenia"},
    ]}},
    {"type": "question", "value": {"key": "age", "question": "Dla kogo", "options": [
        {"key": "child", "label": "dziecko"},
        {"key": "adult", "label": "dorosły"},
    ]}},
]

SITUATIONS_EN: list[dict[str, Any]] = [
    {"type": "question", "value": {"key": "insurance", "question": "Health insurance", "options": [
        {"key": "nfz-work", "label": "through work"},
        {"key": "nfz-pesel-ukr", "label": "as a person with PESEL UKR"},
        {"key": "not-insured", "label": "not insured"},
    ]}},
    {"type": "question", "value": {"key": "age", "question": "For whom", "options": [
        {"key": "child", "label": "a child"},
        {"key": "adult", "label": "an adult"},
    ]}},
]


def step(title: str, *, when: Sequence[tuple[str, str]] = (), urgent: bool = False,
         services: Sequence[Service] = (), documents: Sequence[str] = (), cost: str = "",
         language_help: Sequence[str] = (), note: str = "") -> dict[str, Any]:
    return {"type": "step", "value": {
        "title": title, "text": f"<p>Opis: {title}.</p>",
        "services": [{"service": svc.pk, "note": "Tu zapiszesz się na wizytę."} for svc in services],
        "documents": list(documents), "cost": cost, "language_help": list(language_help), "language_note": note,
        "applies_when": [{"question": question, "answers": answers} for question, answers in when],
        "urgent": urgent,
    }}


def steps_pl(clinic: Service | None = None) -> list[dict[str, Any]]:
    return [
        step("Zapisz się do lekarza rodzinnego", services=[clinic] if clinic else [],
             documents=["Paszport", "Numer PESEL"], cost="Bezpłatnie w ramach NFZ.",
             language_help=["interpreter", "assistant"], note="Tłumacz może być obecny przez telefon."),
        step("Pokaż potwierdzenie ubezpieczenia", when=[("insurance", "nfz-work, nfz-pesel-ukr")]),
        step("Zapłać za wizytę albo znajdź bezpłatną pomoc", when=[("insurance", "not-insured")],
             cost="Około 200 zł za wizytę."),
        step("Zaszczep dziecko", when=[("age", "child"), ("insurance", "nfz-work, nfz-pesel-ukr")]),
        step("W nagłym wypadku dzwoń pod 112", urgent=True),
    ]


def make_pathway(with_clinic: bool = True, translate: bool = True) -> PathwayPage:
    """"Do lekarza" (pl; en when ``translate``): two questions, five steps (one urgent, three conditional,
    one with two conditions), the first step with a service card and language help (interpreters and
    assistants; only the interpreters' register exists)."""
    clinic = f.service("Przychodnia Rodzinna", hours=(("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"),)) \
        if with_clinic else None
    registers.register()  # the interpreters' register (slug "tlumacze")
    parent = InstitutionPage.objects.get(slug="urzad", locale__language_code="pl")
    page = PathwayPage(
        title="Do lekarza", slug=SLUG, summary="Jak dostać się do lekarza w Małopolsce.",
        topic=TopicPage.objects.get(slug="pobyt", locale__language_code="pl"),
        body=[{"type": "text", "value": "<p>Przygotuj dokument tożsamości.</p>"}],  # type: ignore[arg-type]
        situations=SITUATIONS_PL, steps=steps_pl(clinic), group="everyone",  # type: ignore[arg-type]
        locale=parent.locale,
    )
    parent.add_child(instance=page)
    page = publish(page).specific
    if translate:
        topic = TopicPage.objects.get(slug="pobyt", locale__language_code="en")
        translate_page(page, "en", {"title": "To the doctor", "summary": "How to see a doctor in Małopolska.",
                                    "situations": SITUATIONS_EN, "topic": topic})
    return page


def english(page: PathwayPage) -> PathwayPage:
    return page.get_translation(Locale.objects.get(language_code="en")).specific
