"""The duty rota of the registers: who is on duty when (see docs/registers.md).

Rules (all times are local time in Poland, ``settings.TIME_ZONE``):

* a ``DutySlot`` recurs every ``weekday`` from ``starts_at`` to ``ends_at``; when ``ends_at`` is not after
  ``starts_at`` the duty ends the next day (it crosses midnight). ``valid_from``/``valid_to`` limit the
  dates on which a duty *starts*;
* an ``ABSENT`` exception on a date removes that time from the person's duties: the whole calendar day
  (no times) or only between its two times; a duty that is partly covered is split;
* an ``EXTRA`` exception adds a duty on its date between its two times (no hotline);
* only people shown publicly (``Person.objects.public()``) unless ``public_only=False``.

Arithmetic is done in UTC so the days the clocks change (last Sundays of March and October) are right: a
duty from 22:00 to 06:00 lasts 7 hours in March and 9 in October.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import DutyException, DutySlot, ExceptionKind, Hotline, Person, Register, WorkMode

UTC = dt.UTC


@dataclass(frozen=True)
class Duty:
    """One duty of one person; ``starts`` and ``ends`` are aware datetimes in Polish local time."""

    person: Person
    starts: dt.datetime
    ends: dt.datetime
    mode: str
    hotline: Hotline | None

    @property
    def crosses_midnight(self) -> bool:
        return self.ends.date() != self.starts.date() and self.ends.time() != dt.time(0)

    @property
    def duration(self) -> dt.timedelta:
        """The real length (Python subtracts datetimes of the same zone by wall time, so convert)."""
        return self.ends.astimezone(UTC) - self.starts.astimezone(UTC)

    def covers(self, moment: dt.datetime) -> bool:
        instant = _local(moment).astimezone(UTC)
        return self.starts.astimezone(UTC) <= instant < self.ends.astimezone(UTC)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=_zone())
    return moment.astimezone(_zone())


def _utc_at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=_zone()).astimezone(UTC)


def _subtract(intervals: list[tuple[dt.datetime, dt.datetime]],
              holes: Iterable[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    for hole_start, hole_end in holes:
        remaining = []
        for start, end in intervals:
            if hole_end <= start or hole_start >= end:
                remaining.append((start, end))
                continue
            if start < hole_start:
                remaining.append((start, hole_start))
            if hole_end < end:
                remaining.append((hole_end, end))
        intervals = remaining
    return intervals


def _people(register: Register | None, public_only: bool) -> Q:
    q = Q()
    if register is not None:
        q &= Q(person__register=register)
    if public_only:
        q &= Q(person__is_published=True, person__consent_given_at__isnull=False)
    return q


def duties_between(start: dt.datetime, end: dt.datetime, register: Register | None = None,
                   public_only: bool = True) -> list[Duty]:
    """The duties that overlap ``[start, end)`` (whole duties, not cut at the edges), by start time.
    Two queries whatever the number of people."""
    start_utc, end_utc = _local(start).astimezone(UTC), _local(end).astimezone(UTC)
    if end_utc <= start_utc:
        return []
    first_day = _local(start).date() - dt.timedelta(days=1)  # a duty from yesterday may still run
    last_day = _local(end).date()
    people = _people(register, public_only)
    slots = list(
        DutySlot.objects.filter(people)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last_day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first_day))
        .select_related("person", "hotline")
    )
    exceptions = list(DutyException.objects.filter(people, date__gte=first_day, date__lte=last_day)
                      .select_related("person"))
    absences: dict[object, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for exc in exceptions:
        if exc.kind != ExceptionKind.ABSENT:
            continue
        if exc.starts_at is None or exc.ends_at is None:
            absences[exc.person_id].append((_utc_at(exc.date, dt.time(0)),
                                            _utc_at(exc.date + dt.timedelta(days=1), dt.time(0))))
        else:
            absences[exc.person_id].append((_utc_at(exc.date, exc.starts_at), _utc_at(exc.date, exc.ends_at)))

    found: list[tuple[dt.datetime, dt.datetime, Person, str, Hotline | None]] = []
    day = first_day
    while day <= last_day:
        for slot in slots:
            if slot.weekday != day.weekday():
                continue
            if (slot.valid_from and day < slot.valid_from) or (slot.valid_to and day > slot.valid_to):
                continue
            end_day = day + dt.timedelta(days=1) if slot.crosses_midnight else day
            pieces = _subtract([(_utc_at(day, slot.starts_at), _utc_at(end_day, slot.ends_at))],
                               absences.get(slot.person_id, []))
            found.extend((a, b, slot.person, slot.mode, slot.hotline) for a, b in pieces)
        day += dt.timedelta(days=1)
    for exc in exceptions:
        if exc.kind == ExceptionKind.EXTRA and exc.starts_at is not None and exc.ends_at is not None:
            found.append((_utc_at(exc.date, exc.starts_at), _utc_at(exc.date, exc.ends_at), exc.person, exc.mode,
                          None))
    zone = _zone()
    same: dict[object, Person] = {}  # one Person object per person, so a prefetch on it serves every duty
    found = [(a, b, same.setdefault(person.pk, person), mode, hotline) for a, b, person, mode, hotline in found]
    duties = [Duty(person=person, starts=a.astimezone(zone), ends=b.astimezone(zone), mode=mode, hotline=hotline)
              for a, b, person, mode, hotline in found if a < end_utc and b > start_utc and a < b]
    return sorted(duties, key=lambda d: (d.starts.astimezone(UTC), d.person.display_name, d.ends.astimezone(UTC)))


def on_duty_now(now: dt.datetime | None = None, register: Register | None = None) -> list[Duty]:
    """The (public) duties running at ``now`` (default: the current time)."""
    moment = _local(now or timezone.now())
    return duties_between(moment, moment + dt.timedelta(microseconds=1), register)


def week(start: dt.date, register: Register | None = None) -> list[tuple[dt.date, list[Duty]]]:
    """Seven days from ``start``, each with the (public) duties starting that day (a night duty that
    began the day before ``start`` is listed on ``start``)."""
    days = [start + dt.timedelta(days=n) for n in range(7)]
    by_day: dict[dt.date, list[Duty]] = {day: [] for day in days}
    zone = _zone()
    window_start = dt.datetime.combine(start, dt.time(0), tzinfo=zone)
    window_end = dt.datetime.combine(start + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    for duty in duties_between(window_start, window_end, register):
        by_day[max(duty.starts.date(), start)].append(duty)
    return [(day, by_day[day]) for day in days]


def _serves(person: Person, county: object | None) -> bool:
    areas = list(person.areas.all())
    if not areas or county is None:
        return True
    county_id = getattr(county, "pk", None)
    return any(area.pk == county_id or area.parent_id == county_id for area in areas)


def matching_people(register: Register, language: str, specialisation: str | None = None,
                    at: dt.datetime | None = None, on_site: bool = False, county: object | None = None) -> list[Person]:
    """The people of ``register`` a request can go to: a language pair with ``language`` on either side,
    the ``specialisation`` when given, working on site in ``county`` (no areas: the whole region) when
    ``on_site``, else working remotely. Those on duty at ``at`` (default: now) come first, then by name.

    Publication does not matter here (consent covers the public listing, not the routing of requests)."""
    code = (language or "").strip().lower()
    people = list(
        Person.objects.filter(register=register)
        .filter(Q(language_pairs__source__iexact=code) | Q(language_pairs__target__iexact=code))
        .distinct().prefetch_related("areas", "language_pairs")
    )
    if specialisation:
        people = [p for p in people if specialisation in (p.specialisations or [])]
    if on_site:
        people = [p for p in people if p.work_mode in (WorkMode.ON_SITE, WorkMode.BOTH) and _serves(p, county)]
    else:
        people = [p for p in people if p.work_mode in (WorkMode.REMOTE, WorkMode.BOTH)]
    moment = _local(at or timezone.now())
    on_duty = {d.person.pk for d in duties_between(moment, moment + dt.timedelta(microseconds=1), register,
                                                   public_only=False)}
    return sorted(people, key=lambda p: (p.pk not in on_duty, p.display_name.lower()))
