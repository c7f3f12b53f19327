"""Real rows for the request e-service tests: the interpreters' register of the `urzad` institution, with
people who match a Ukrainian request (one on duty at the requested time, one not), one who does not
(Russian only), and a Ukrainian interpreter of another register."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from otwarta.assistance import services
from otwarta.assistance.forms import form_timestamp
from otwarta.assistance.models import AssistanceRequest
from otwarta.institutions.models import Area, Institution
from otwarta.registers.models import DutySlot, LanguagePair, Person, Register, WorkMode


def next_monday_at(hour: int) -> dt.datetime:
    """Local (Polish) time, next week's Monday, so it is always in the future."""
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time(hour, 0)), timezone.get_default_timezone())


def make_person(register: Register, name: str, email: str, languages: tuple[str, ...], *,
                on_duty_monday: tuple[int, int] | None = None, mode: str = WorkMode.BOTH,
                specialisations: tuple[str, ...] = ("medical",)) -> Person:
    person = Person.objects.create(register=register, display_name=name, email=email, phone="+48 600 000 000",
                                   public_phone="+48 12 000 11 22", specialisations=list(specialisations),
                                   work_mode=mode, consent_given_at=timezone.now(), is_published=True)
    for code in languages:
        LanguagePair.objects.create(person=person, source="pl", target=code)
    if on_duty_monday:
        DutySlot.objects.create(person=person, weekday=0, starts_at=dt.time(on_duty_monday[0], 0),
                                ends_at=dt.time(on_duty_monday[1], 0), mode=WorkMode.REMOTE)
    return person


@dataclass
class World:
    register: Register
    other_register: Register
    on_duty: Person
    off_duty: Person
    russian: Person
    other_register_person: Person
    when: dt.datetime


@pytest.fixture
def world(portal: Any) -> World:
    urzad = Institution.objects.get(slug="urzad")
    fundacja = Institution.objects.get(slug="fundacja")
    register, _ = Register.objects.update_or_create(
        kind="interpreter", defaults={"slug": "tlumacze", "institution": urzad,
                                      "coordinator_email": "koordynator@example.org",
                                      "coordinator_name": "Anna Koordynator"})
    other, _ = Register.objects.update_or_create(
        kind="mediator", defaults={"slug": "mediatorzy", "institution": fundacja,
                                   "coordinator_email": "mediacje@example.org"})
    return World(
        register=register, other_register=other,
        on_duty=make_person(register, "Olena Dyżurna", "olena@example.org", ("uk",), on_duty_monday=(8, 16)),
        off_duty=make_person(register, "Iryna Wolna", "iryna@example.org", ("uk", "ru")),
        russian=make_person(register, "Boris Rosyjski", "boris@example.org", ("ru",), on_duty_monday=(8, 16)),
        other_register_person=make_person(other, "Taras Mediator", "taras@example.org", ("uk",),
                                          on_duty_monday=(8, 16)),
        when=next_monday_at(10),
    )


def request_fields(world: World, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "register": world.register, "language": "uk", "specialisation": "medical",
        "description": "Wizyta u lekarza rodzinnego.", "starts_at": world.when, "duration_minutes": 60,
        "on_site": False, "requester_type": "immigrant", "requester_name": "Mykola Petrenko",
        "email": "mykola@example.com", "phone": "+48 601 222 333", "message_language": "uk",
    }
    fields.update(overrides)
    return fields


def make_request(world: World, **overrides: Any) -> tuple[AssistanceRequest, str]:
    return services.create_request(**request_fields(world, **overrides))


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    """What a person types into the public form (sent a minute after the form was shown)."""
    data: dict[str, Any] = {
        "register": "interpreter", "language": "uk", "specialisation": "medical",
        "description": "Wizyta u lekarza rodzinnego.", "date": world.when.date().isoformat(), "time": "10:00",
        "duration_minutes": "60", "on_site": "remote", "address": "", "county": "",
        "requester_type": "immigrant", "requester_name": "Mykola Petrenko", "organisation": "",
        "email": "mykola@example.com", "phone": "+48 601 222 333", "message_language": "uk", "consent": "on",
        "website": "", "started": form_timestamp(time.time() - 60),
    }
    data.update(overrides)
    return data


def county(teryt: str = "1261") -> Area:
    return Area.objects.get(teryt=teryt)
