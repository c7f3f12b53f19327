"""How register data reads on the public pages: language names, labels, request links."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from otwarta.core.languages import spoken_language_name as language_name

from .models import Hotline, Person, RegisterKind, Specialisation, WorkMode
from .rota import Duty

StrOrPromise = str | Promise

REQUEST_LABELS: dict[str, StrOrPromise] = {
    RegisterKind.INTERPRETER: _("Request an interpreter"),
    RegisterKind.ASSISTANT: _("Request an intercultural assistant"),
    RegisterKind.MEDIATOR: _("Request an intercultural mediator"),
}
DESCRIPTIONS: dict[str, StrOrPromise] = {
    RegisterKind.INTERPRETER: _("Interpreters for visits to offices, doctors, schools and courts, on site or "
                                "by phone and video."),
    RegisterKind.ASSISTANT: _("Intercultural assistants help foreigners, institutions and employers understand "
                              "each other: at school, at the office, at work."),
    RegisterKind.MEDIATOR: _("Intercultural mediators help resolve misunderstandings and conflicts, for "
                             "example at work, between foreign employees and employers."),
}


@dataclass(frozen=True)
class Language:
    code: str
    name: str


def languages_of(person: Person) -> list[Language]:
    return [Language(code, language_name(code)) for code in person.language_codes]


def hotline_languages(hotline: Hotline) -> list[Language]:
    return [Language(code, language_name(code)) for code in hotline.language_codes]


def request_url(kind: str, language: str | None = None) -> str:
    query = {"register": kind}
    if language:
        query["language"] = language
    return reverse("assistance:request") + "?" + urlencode(query)


@dataclass
class PersonCard:
    """A person as shown publicly (never the private e-mail or phone)."""

    person: Person
    languages: list[Language]
    specialisations: list[str]
    mode: str
    areas: list[str]
    request_url: str
    duties: list[Duty] = field(default_factory=list)


def card(person: Person, kind: str, language: str | None = None) -> PersonCard:
    languages = languages_of(person)
    chosen = language if language in person.language_codes else (languages[0].code if languages else None)
    labels = dict(Specialisation.choices)
    return PersonCard(
        person=person,
        languages=languages,
        specialisations=[str(labels[s]) for s in person.specialisations or [] if s in labels],
        mode=str(WorkMode(person.work_mode).label) if person.work_mode in WorkMode.values else "",
        areas=[area.name for area in person.areas.all()],
        request_url=request_url(kind, chosen),
    )
