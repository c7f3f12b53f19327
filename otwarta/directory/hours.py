"""Opening hours of directory services: the week, today's status, closures ahead and the "open now" filter.

Every time here is local time in Poland (``settings.TIME_ZONE``); a ``now`` given in another zone is
converted first, a naive ``now`` is taken as Polish local time.

Which opening hours apply (``schedules_for``): for a service at one location, the schedules of that
service-at-location when it has any, else the schedules of the service, else those of the location. For a
service without a location given, the service is considered at each of its locations (the union of what
applies at each); a service without any location uses its own schedules.

One day at one place (``_day``) is decided in this order:

1. an all-day ``Closure`` of the service or of the location covering the day: closed, with its reason;
2. a Polish public holiday when the location is ``closed_on_public_holidays``: closed, with the holiday's
   name (a service without a location is not closed on public holidays);
3. the regular intervals of the applicable schedules (weekday in ``byday``, ``valid_from``/``valid_to``
   covering the day);
4. on a day that is open at all by 3., a ``Closure`` with times (shortened or changed hours) covering the
   day replaces the regular intervals (several such closures: their union). Changed hours never open a day
   that is closed by the regular schedule.

``open_now_filter`` expresses exactly the same rules in SQL (``Exists`` subqueries, per service at a
location), so that the directory's "open now" filter agrees with ``status()``; a property-based test
checks this on generated cases. Schedules are within one day (``opens_at < closes_at``), so no interval
crosses midnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation

from .models import WEEKDAYS, Closure, Location, Schedule, Service, ServiceAtLocation

Interval = tuple[dt.time, dt.time]

# Languages the ``holidays`` package names Polish holidays in (portal code -> holidays code).
HOLIDAY_LANGUAGES = {"pl": "pl", "en": "en_US", "uk": "uk"}
# How far ahead ``status()`` looks for the next opening.
NEXT_OPENING_HORIZON_DAYS = 120


@dataclass(frozen=True)
class DayHours:
    """The opening hours of one day. ``closed_reason`` says why the day is closed (a holiday's name or a
    closure's reason); when ``intervals`` is not empty it is the reason for changed (shortened) hours."""

    date: dt.date
    intervals: list[Interval]
    closed_reason: str
    is_today: bool
    is_holiday: bool

    @property
    def is_closed(self) -> bool:
        return not self.intervals


@dataclass(frozen=True)
class OpeningStatus:
    """The status at one moment: open (and until when) or closed (why today, and when it opens next).
    ``closes_at`` and ``next_opens_at`` are aware datetimes in Polish local time."""

    is_open: bool
    closes_at: dt.datetime | None
    next_opens_at: dt.datetime | None
    reason: str


@dataclass(frozen=True)
class ClosureAhead:
    """A closure (``intervals`` empty) or changed hours (``intervals`` given) between two dates."""

    start: dt.date
    end: dt.date
    reason: str
    intervals: list[Interval] = field(default_factory=list)


# --- time helpers ------------------------------------------------------------------------------------------
def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (default: the current time) as an aware datetime in Polish local time."""
    zone = local_zone()
    if now is None:
        now = timezone.now()
    if timezone.is_naive(now):
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def local_today() -> dt.date:
    return local_now().date()


def at(day: dt.date, time: dt.time) -> dt.datetime:
    """The aware local datetime of ``time`` on ``day``."""
    return dt.datetime.combine(day, time, tzinfo=local_zone())


@lru_cache(maxsize=64)
def _holidays(language: str, year: int) -> dict[dt.date, str]:
    return dict(holidays.Poland(years=year, language=language).items())  # type: ignore[attr-defined]


def public_holiday(day: dt.date, language: str | None = None) -> str | None:
    """The name of the Polish public holiday on ``day`` (in ``language``, default the active language,
    where the ``holidays`` package has it, else in Polish), or None on an ordinary day."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return _holidays(HOLIDAY_LANGUAGES.get(code, "pl"), day.year).get(day)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for opens, closes in sorted(intervals):
        if merged and opens <= merged[-1][1]:
            if closes > merged[-1][1]:
                merged[-1] = (merged[-1][0], closes)
        else:
            merged.append((opens, closes))
    return merged


def _valid_on(row: Schedule, day: dt.date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or row.valid_to >= day)


# --- which schedules and closures apply ----------------------------------------------------------------------
@dataclass
class _Place:
    """A service at one location (or at none): the rows that decide its opening hours."""

    location: Location | None
    schedules: list[Schedule]
    closures: list[Closure]

    @property
    def closed_on_public_holidays(self) -> bool:
        return self.location is not None and self.location.closed_on_public_holidays


def _places(service: Service, location: Location | None = None) -> list[_Place]:
    """Uses only ``.all()`` on related managers, so ``prefetch_for_status`` makes this query-free."""
    service_schedules = list(service.schedules.all())
    service_closures = list(service.closures.all())
    links = list(service.service_at_locations.all())
    if location is not None:
        chosen = [link for link in links if link.location_id == location.pk]
        if not chosen:  # a location the service is not linked to: its own rows still apply
            return [_Place(location, service_schedules or list(location.schedules.all()),
                           service_closures + list(location.closures.all()))]
        links = chosen
    if not links:
        return [_Place(None, service_schedules, service_closures)]
    places = []
    for link in links:
        loc = link.location
        schedules = list(link.schedules.all()) or service_schedules or list(loc.schedules.all())
        places.append(_Place(loc, schedules, service_closures + list(loc.closures.all())))
    return places


def schedules_for(service: Service, location: Location | None = None) -> list[Schedule]:
    """The schedules that give the regular hours of ``service`` at ``location`` (or at each of its
    locations): service-at-location schedules, else the service's, else the location's."""
    seen: dict[object, Schedule] = {}
    for place in _places(service, location):
        for row in place.schedules:
            seen.setdefault(row.pk, row)
    return sorted(seen.values(), key=lambda row: (row.opens_at, row.closes_at, str(row.pk)))


def _covering(closures: Sequence[Closure], day: dt.date) -> list[Closure]:
    return [c for c in closures if c.starts_on <= day <= c.ends_on]


def _regular(place: _Place, day: dt.date) -> list[Interval]:
    code = WEEKDAYS[day.weekday()]
    return _merge((row.opens_at, row.closes_at) for row in place.schedules
                  if code in row.days and _valid_on(row, day))


def _day(place: _Place, day: dt.date, language: str | None = None) -> tuple[list[Interval], str]:
    """The intervals of ``day`` at ``place`` and the reason for a closure or changed hours."""
    closures = _covering(place.closures, day)
    for closure in closures:
        if closure.opens_at is None:
            return [], closure.reason
    if place.closed_on_public_holidays:
        name = public_holiday(day, language)
        if name:
            return [], name
    regular = _regular(place, day)
    changed = [c for c in closures if c.opens_at is not None and c.closes_at is not None]
    if regular and changed:
        return (_merge((c.opens_at, c.closes_at) for c in changed),  # type: ignore[misc]
                next((c.reason for c in changed if c.reason), ""))
    return regular, ""


def _combined_day(places: Sequence[_Place], day: dt.date, language: str | None = None) -> tuple[list[Interval], str]:
    intervals: list[Interval] = []
    reasons: list[str] = []
    for place in places:
        found, reason = _day(place, day, language)
        intervals.extend(found)
        if reason:
            reasons.append(reason)
    return _merge(intervals), (reasons[0] if reasons else "")


# --- public API ------------------------------------------------------------------------------------------------
def week(service: Service, location: Location | None = None, start: dt.date | None = None,
         days: int = 7) -> list[DayHours]:
    """The opening hours of ``days`` days from ``start`` (default: today in Poland)."""
    today = local_today()
    start = start or today
    places = _places(service, location)
    result = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        intervals, reason = _combined_day(places, day)
        result.append(DayHours(date=day, intervals=intervals, closed_reason=reason, is_today=day == today,
                               is_holiday=public_holiday(day) is not None))
    return result


def status(service: Service, location: Location | None = None, now: dt.datetime | None = None) -> OpeningStatus:
    """Open or closed at ``now`` (default: the current time)."""
    moment = local_now(now)
    today, time = moment.date(), moment.time().replace(tzinfo=None)
    places = _places(service, location)
    intervals, reason = _combined_day(places, today)
    for opens, closes in intervals:
        if opens <= time < closes:
            return OpeningStatus(is_open=True, closes_at=at(today, closes), next_opens_at=None, reason="")
    if intervals:  # open today at another time: not closed "because of" anything
        reason = ""
    next_opens = next((at(today, opens) for opens, _closes in intervals if opens > time), None)
    day = today
    while next_opens is None and day < today + dt.timedelta(days=NEXT_OPENING_HORIZON_DAYS):
        day += dt.timedelta(days=1)
        following, _reason = _combined_day(places, day)
        if following:
            next_opens = at(day, following[0][0])
    return OpeningStatus(is_open=False, closes_at=None, next_opens_at=next_opens, reason=reason)


def closures_ahead(service: Service, location: Location | None = None, days: int = 60,
                   today: dt.date | None = None) -> list[ClosureAhead]:
    """Closures and changed hours of the service or its location(s) from ``today`` for ``days`` days, and
    the public holidays on which a place closed on public holidays would otherwise be open."""
    today = today or local_today()
    last = today + dt.timedelta(days=days)
    places = _places(service, location)
    found: dict[object, ClosureAhead] = {}
    for place in places:
        for closure in place.closures:
            if closure.ends_on < today or closure.starts_on > last or closure.pk in found:
                continue
            intervals: list[Interval] = []
            if closure.opens_at is not None and closure.closes_at is not None:
                intervals = [(closure.opens_at, closure.closes_at)]
            found[closure.pk] = ClosureAhead(closure.starts_on, closure.ends_on, closure.reason, intervals)
    holiday_days: dict[dt.date, str] = {}
    day = today
    while day <= last:
        name = public_holiday(day)
        if name:
            for place in places:
                all_day = any(c.opens_at is None for c in _covering(place.closures, day))
                if place.closed_on_public_holidays and not all_day and _regular(place, day):
                    holiday_days[day] = name
        day += dt.timedelta(days=1)
    ahead = list(found.values()) + [ClosureAhead(d, d, name, []) for d, name in holiday_days.items()]
    return sorted(ahead, key=lambda c: (c.start, c.end, c.reason))


def prefetch_for_status(qs: QuerySet[Service]) -> QuerySet[Service]:
    """``qs`` with everything ``status()``, ``week()``, ``closures_ahead()`` and ``schedules_for()`` read,
    so a list page makes a fixed number of queries whatever its length."""
    links = ServiceAtLocation.objects.select_related("location").prefetch_related(
        "schedules", "location__schedules", "location__closures",
    )
    return qs.prefetch_related("schedules", "closures", Prefetch("service_at_locations", queryset=links))


# --- the same rules in SQL -------------------------------------------------------------------------------------
def _schedule_rows(code: str, day: dt.date, time: dt.time | None) -> Q:
    q = (Q(byday__icontains=code) & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
         & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))
    if time is not None:
        q &= Q(opens_at__lte=time, closes_at__gt=time)
    return q


def open_now_filter(now: dt.datetime | None = None) -> Q:
    """A filter on (source) ``Service`` rows: open at ``now`` by the rules of this module.

    Evaluated per service at a location (``Exists`` over ``ServiceAtLocation``), or on the service's own
    schedules and closures for a service without a location; pure SQL for SQLite and PostgreSQL."""
    moment = local_now(now)
    day, time = moment.date(), moment.time().replace(tzinfo=None)
    code = WEEKDAYS[day.weekday()]
    covers = Q(starts_on__lte=day, ends_on__gte=day)

    def schedules(owner: Q, at_time: bool) -> Exists:
        return Exists(Schedule.objects.filter(owner, _schedule_rows(code, day, time if at_time else None)))

    # -- at each location of the service
    link_schedules = Q(service_at_location=OuterRef("pk"))
    service_schedules = Q(service=OuterRef("service_id"))
    location_schedules = Q(location=OuterRef("location_id"))
    has_link = Exists(Schedule.objects.filter(link_schedules))
    has_service = Exists(Schedule.objects.filter(service_schedules))

    def regular(at_time: bool) -> Q:
        return (Q(has_link & schedules(link_schedules, at_time))
                | Q(~has_link & has_service & schedules(service_schedules, at_time))
                | Q(~has_link & ~has_service & schedules(location_schedules, at_time)))

    place_closures = Closure.objects.filter(Q(service=OuterRef("service_id")) | Q(location=OuterRef("location_id")),
                                            covers)
    all_day = Exists(place_closures.filter(opens_at__isnull=True))
    changed = Exists(place_closures.filter(opens_at__isnull=False))
    changed_now = Exists(place_closures.filter(opens_at__lte=time, closes_at__gt=time))
    at_location = ~Q(all_day) & ((~Q(changed) & regular(True)) | (Q(changed_now) & regular(False)))
    if public_holiday(day, "pl"):
        at_location &= Q(location__closed_on_public_holidays=False)
    links = ServiceAtLocation.objects.filter(at_location, service=OuterRef("pk"))

    # -- a service without a location
    own_closures = Closure.objects.filter(covers, service=OuterRef("pk"))
    own_regular_now = Exists(Schedule.objects.filter(Q(service=OuterRef("pk")), _schedule_rows(code, day, time)))
    own_regular_day = Exists(Schedule.objects.filter(Q(service=OuterRef("pk")), _schedule_rows(code, day, None)))
    own_rules = (~Q(Exists(own_closures.filter(opens_at__isnull=True)))
                 & ((~Q(Exists(own_closures.filter(opens_at__isnull=False))) & Q(own_regular_now))
                    | (Q(Exists(own_closures.filter(opens_at__lte=time, closes_at__gt=time)))
                       & Q(own_regular_day))))
    without_location = ~Q(Exists(ServiceAtLocation.objects.filter(service=OuterRef("pk")))) & own_rules
    return Q(Exists(links)) | without_location
