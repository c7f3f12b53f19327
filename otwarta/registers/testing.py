"""Real-row factories for tests of the registers (and of apps that use them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from otwarta.institutions.models import Institution

from .models import DutyException, DutySlot, Hotline, LanguagePair, Person, Register, RegisterKind

SLUGS = {RegisterKind.INTERPRETER: "tlumacze", RegisterKind.ASSISTANT: "asystenci",
         RegisterKind.MEDIATOR: "mediatorzy"}


def register(kind: str = RegisterKind.INTERPRETER, institution: str = "urzad", **fields: Any) -> Register:
    found, _created = Register.objects.update_or_create(
        kind=kind, defaults={"slug": SLUGS[RegisterKind(kind)],
                             "institution": Institution.objects.get(slug=institution),
                             "coordinator_email": f"{kind}@example.org", "coordinator_name": "Koordynator",
                             **fields},
    )
    return found


def hotline(reg: Register, number: str = "+48 12 345 67 89", **fields: Any) -> Hotline:
    return Hotline.objects.create(register=reg, number=number, **fields)


def person(reg: Register, name: str = "Olena Kowalska", *, languages: tuple[str, ...] = ("uk",),
           public: bool = True, slots: tuple[tuple[int, str, str], ...] = (), **fields: Any) -> Person:
    """A person with ``pl``–language pairs and weekly slots ``(weekday, "HH:MM", "HH:MM")``."""
    fields.setdefault("email", f"{name.split()[0].lower()}@example.org")
    created = Person.objects.create(register=reg, display_name=name, is_published=public,
                                    consent_given_at=timezone.now() if public else None, **fields)
    for code in languages:
        LanguagePair.objects.create(person=created, source="pl", target=code)
    for weekday, starts, ends in slots:
        DutySlot.objects.create(person=created, weekday=weekday, starts_at=dt.time.fromisoformat(starts),
                                ends_at=dt.time.fromisoformat(ends))
    return created


def exception(who: Person, date: dt.date, kind: str = "absent", starts: str | None = None, ends: str | None = None,
              **fields: Any) -> DutyException:
    return DutyException.objects.create(
        person=who, date=date, kind=kind, starts_at=dt.time.fromisoformat(starts) if starts else None,
        ends_at=dt.time.fromisoformat(ends) if ends else None, **fields,
    )
