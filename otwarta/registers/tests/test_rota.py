"""The duty rota: weekly slots, validity, midnight, exceptions, DST, public-only, matching people."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from otwarta.institutions.models import Area
from otwarta.registers import rota
from otwarta.registers import testing as r
from otwarta.registers.models import DutySlot, RegisterKind, WorkMode

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = dt.date(2026, 5, 4)


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=WARSAW)


def spans(duties: list[rota.Duty]) -> list[tuple[str, str, str]]:
    return [(d.person.display_name, d.starts.strftime("%m-%d %H:%M"), d.ends.strftime("%m-%d %H:%M"))
            for d in duties]


def test_weekly_slots_and_validity(portal):
    reg = r.register()
    anna = r.person(reg, "Anna", slots=((0, "08:00", "12:00"), (2, "14:00", "18:00")))
    DutySlot.objects.create(person=anna, weekday=1, starts_at=dt.time(9), ends_at=dt.time(10),
                            valid_from=dt.date(2026, 5, 12))
    found = rota.duties_between(local("2026-05-04T00:00"), local("2026-05-11T00:00"), reg)
    assert spans(found) == [("Anna", "05-04 08:00", "05-04 12:00"), ("Anna", "05-06 14:00", "05-06 18:00")]
    later = rota.duties_between(local("2026-05-12T00:00"), local("2026-05-13T00:00"), reg)
    assert spans(later) == [("Anna", "05-12 09:00", "05-12 10:00")]
    assert all(d.starts.tzinfo is not None and d.hotline is None for d in found)


def test_slot_crossing_midnight_and_the_dst_nights(portal):
    reg = r.register()
    r.person(reg, "Nocny", slots=((5, "22:00", "06:00"),))  # Saturday night
    sunday_morning = rota.on_duty_now(local("2026-05-10T03:00"), reg)
    assert spans(sunday_morning) == [("Nocny", "05-09 22:00", "05-10 06:00")]
    assert sunday_morning[0].crosses_midnight
    spring = rota.duties_between(local("2026-03-28T00:00"), local("2026-03-30T00:00"), reg)
    autumn = rota.duties_between(local("2026-10-24T00:00"), local("2026-10-26T00:00"), reg)
    assert spring[0].duration == dt.timedelta(hours=7) and autumn[0].duration == dt.timedelta(hours=9)
    assert spring[0].ends == local("2026-03-29T06:00") and autumn[0].ends == local("2026-10-25T06:00")
    # 01:30 UTC on 29 March is 03:30 CEST: still on duty; "now" in any zone is converted.
    assert rota.on_duty_now(dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), reg)
    assert not rota.on_duty_now(dt.datetime(2026, 3, 29, 4, 30, tzinfo=dt.UTC), reg)  # 06:30 CEST


def test_absences_split_or_remove_duties_and_extras_add_them(portal):
    reg = r.register()
    anna = r.person(reg, "Anna", slots=((0, "08:00", "16:00"),))
    bogdan = r.person(reg, "Bogdan", slots=((0, "08:00", "16:00"), (6, "20:00", "02:00")))
    r.exception(anna, MONDAY, "absent", "10:00", "12:00")
    r.exception(bogdan, MONDAY, "absent")  # the whole day, including the end of Sunday's night duty
    r.exception(bogdan, MONDAY + dt.timedelta(days=1), "extra", "18:00", "20:00", mode=WorkMode.ON_SITE)
    found = rota.duties_between(local("2026-05-03T00:00"), local("2026-05-06T00:00"), reg)
    assert spans(found) == [
        ("Bogdan", "05-03 20:00", "05-04 00:00"),
        ("Anna", "05-04 08:00", "05-04 10:00"),
        ("Anna", "05-04 12:00", "05-04 16:00"),
        ("Bogdan", "05-05 18:00", "05-05 20:00"),
    ]
    assert found[-1].mode == WorkMode.ON_SITE
    assert [d.person.display_name for d in rota.on_duty_now(local("2026-05-04T11:00"), reg)] == []
    assert [d.person.display_name for d in rota.on_duty_now(local("2026-05-04T12:00"), reg)] == ["Anna"]


def test_public_only_hides_people_without_consent_or_unpublished(portal):
    reg = r.register()
    r.person(reg, "Jawna", slots=((0, "08:00", "16:00"),))
    hidden = r.person(reg, "Ukryta", public=False, slots=((0, "08:00", "16:00"),))
    now = local("2026-05-04T09:00")
    assert [d.person.display_name for d in rota.on_duty_now(now, reg)] == ["Jawna"]
    both = rota.duties_between(now, now + dt.timedelta(minutes=1), reg, public_only=False)
    assert {d.person.display_name for d in both} == {"Jawna", "Ukryta"}
    hidden.is_published = True  # published but without consent: still hidden
    hidden.save()
    assert [d.person.display_name for d in rota.on_duty_now(now, reg)] == ["Jawna"]


def test_registers_are_separate_and_hotline_is_kept(portal):
    interpreters, mediators = r.register(), r.register(RegisterKind.MEDIATOR)
    line = r.hotline(interpreters)
    anna = r.person(interpreters, "Anna", slots=((0, "08:00", "16:00"),))
    anna.duty_slots.update(hotline=line)
    r.person(mediators, "Marta", slots=((0, "08:00", "16:00"),))
    now = local("2026-05-04T09:00")
    assert [d.hotline for d in rota.on_duty_now(now, interpreters)] == [line]
    assert {d.person.display_name for d in rota.on_duty_now(now)} == {"Anna", "Marta"}


def test_week_groups_by_day_in_two_queries(portal):
    reg = r.register()
    for n in range(10):
        r.person(reg, f"Osoba {n:02}", slots=((n % 7, "09:00", "11:00"), (6, "23:00", "01:00")))
    with CaptureQueriesContext(connection) as queries:
        days = rota.week(MONDAY, reg)
    assert len(queries) == 2
    assert [day for day, _duties in days] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    assert len(days[0][1]) == 2 + 10  # Monday's slots and the night duties that began on Sunday
    assert len(days[6][1]) == 1 + 10


def test_matching_people(portal):
    reg = r.register()
    krakow = Area.objects.get(teryt="1261")
    other_county = Area.objects.exclude(pk=krakow.pk).filter(kind="county").first()
    remote = r.person(reg, "A Zdalna", languages=("uk",), work_mode=WorkMode.REMOTE, specialisations=["medical"])
    anywhere = r.person(reg, "B Wszędzie", languages=("uk", "ru"), work_mode=WorkMode.BOTH,
                        specialisations=["medical", "legal"], slots=((0, "08:00", "16:00"),))
    local_only = r.person(reg, "C Lokalna", languages=("uk",), work_mode=WorkMode.ON_SITE,
                          specialisations=["medical"])
    local_only.areas.set([krakow])
    r.person(reg, "D Gruzińska", languages=("ka",), work_mode=WorkMode.BOTH)
    hidden = r.person(reg, "E Niepubliczna", languages=("uk",), public=False)
    at = local("2026-05-04T09:00")
    assert rota.matching_people(reg, "uk", at=at) == [anywhere, remote, hidden]
    assert rota.matching_people(reg, "uk", "legal", at=at) == [anywhere]
    assert rota.matching_people(reg, "uk", "medical", at=at, on_site=True, county=krakow) == [anywhere, local_only]
    assert rota.matching_people(reg, "uk", "medical", at=at, on_site=True, county=other_county) == [anywhere]
    assert rota.matching_people(reg, "uk", at=local("2026-05-05T09:00")) == [remote, anywhere, hidden]
    assert rota.matching_people(reg, "RU", at=at) == [anywhere]
    assert rota.matching_people(r.register(RegisterKind.MEDIATOR), "uk") == []
