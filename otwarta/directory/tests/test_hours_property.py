"""Property test: the SQL "open now" filter and ``status()`` agree on generated services and moments."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otwarta.directory import hours
from otwarta.directory import testing as f
from otwarta.directory.models import WEEKDAYS, Closure, Schedule, Service, ServiceAtLocation, source_locale_id

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
# Ordinary days, public holidays (1 May is a Friday, 24 Dec a Thursday), both DST days (Sundays).
BASE_DAYS = [dt.date(2026, 5, 4), dt.date(2026, 5, 1), dt.date(2026, 3, 29), dt.date(2026, 10, 25),
             dt.date(2026, 12, 24), dt.date(2026, 5, 9)]

quarter = st.integers(min_value=0, max_value=95).map(lambda n: dt.time(n // 4, (n % 4) * 15))


@st.composite
def schedules(draw: st.DrawFn) -> dict:
    opens = draw(st.integers(min_value=0, max_value=46))
    length = draw(st.integers(min_value=1, max_value=47 - opens))
    day_offset = st.one_of(st.none(), st.integers(min_value=-3, max_value=3))
    return {
        "byday": ",".join(draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))),
        "opens_at": dt.time(opens // 2, (opens % 2) * 30),
        "closes_at": dt.time((opens + length) // 2, ((opens + length) % 2) * 30),
        "valid_from": draw(day_offset), "valid_to": draw(day_offset),
    }


@st.composite
def closures(draw: st.DrawFn) -> dict:
    start = draw(st.integers(min_value=-2, max_value=2))
    hours_given = draw(st.booleans())
    opens = draw(st.integers(min_value=0, max_value=46))
    closes = draw(st.integers(min_value=opens + 1, max_value=47))
    return {
        "starts_on": start, "ends_on": start + draw(st.integers(min_value=0, max_value=2)),
        "opens_at": dt.time(opens // 2, (opens % 2) * 30) if hours_given else None,
        "closes_at": dt.time(closes // 2, (closes % 2) * 30) if hours_given else None,
        "reason": "powód",
    }


places = st.fixed_dictionaries({
    "closed_on_public_holidays": st.booleans(),
    "location_schedules": st.lists(schedules(), max_size=2),
    "link_schedules": st.lists(schedules(), max_size=2),
    "closures": st.lists(closures(), max_size=1),
})
configs = st.fixed_dictionaries({
    "base": st.sampled_from(BASE_DAYS),
    "service_schedules": st.lists(schedules(), max_size=2),
    "service_closures": st.lists(closures(), max_size=2),
    "places": st.lists(places, max_size=2),
    "moments": st.lists(st.tuples(st.integers(min_value=-1, max_value=1), quarter, st.booleans()),
                        min_size=1, max_size=6),
})


def _dated(row: dict, base: dt.date, *names: str) -> dict:
    out = dict(row)
    for name in names:
        if out.get(name) is not None:
            out[name] = base + dt.timedelta(days=out[name])
    return out


def _build(config: dict) -> Service:
    base = config["base"]
    org = f.organization()
    svc = Service.objects.create(organization=org, institution=org.institution, name="Usługa", slug="usluga",
                                 description="Opis.", locale_id=source_locale_id())
    for row in config["service_schedules"]:
        Schedule.objects.create(service=svc, **_dated(row, base, "valid_from", "valid_to"))
    for row in config["service_closures"]:
        Closure.objects.create(service=svc, **_dated(row, base, "starts_on", "ends_on"))
    for n, place in enumerate(config["places"]):
        loc = f.location(org, name=f"Miejsce {n}", closed_on_public_holidays=place["closed_on_public_holidays"])
        link = ServiceAtLocation.objects.create(service=svc, location=loc)
        for row in place["location_schedules"]:
            Schedule.objects.create(location=loc, **_dated(row, base, "valid_from", "valid_to"))
        for row in place["link_schedules"]:
            Schedule.objects.create(service_at_location=link, **_dated(row, base, "valid_from", "valid_to"))
        for row in place["closures"]:
            Closure.objects.create(location=loc, **_dated(row, base, "starts_on", "ends_on"))
    return svc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(config=configs)
def test_sql_filter_agrees_with_status(portal, config):
    with transaction.atomic():
        svc = _build(config)
        prefetched = hours.prefetch_for_status(Service.objects.filter(pk=svc.pk)).get()
        for offset, time, in_utc in config["moments"]:
            moment = dt.datetime.combine(config["base"] + dt.timedelta(days=offset), time, tzinfo=WARSAW)
            if in_utc:
                moment = moment.astimezone(dt.UTC)
            in_python = hours.status(prefetched, now=moment).is_open
            in_sql = Service.objects.filter(pk=svc.pk).filter(hours.open_now_filter(moment)).exists()
            assert in_python == in_sql, (moment, config)
            if in_python:  # open now: the day's week entry has an interval around this moment
                local = moment.astimezone(WARSAW)
                day = hours.week(prefetched, start=local.date(), days=1)[0]
                assert any(a <= local.time().replace(tzinfo=None) < b for a, b in day.intervals)
        transaction.set_rollback(True)
