"""Opening hours: week, status, closures, public holidays, precedence, DST and the SQL "open now" filter."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from freezegun import freeze_time

from otwarta.directory import hours
from otwarta.directory import testing as f
from otwarta.directory.models import Closure, Location, Schedule, Service

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
UTC = dt.UTC
T = dt.time.fromisoformat


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=WARSAW)


def is_open_sql(service: Service, now: dt.datetime) -> bool:
    return Service.objects.filter(pk=service.pk).filter(hours.open_now_filter(now)).exists()


def first_location(service: Service) -> Location:
    return service.service_at_locations.get().location


def test_week_of_an_office(portal):
    svc = f.service()  # MO–FR 08:00–16:00
    days = hours.week(svc, start=dt.date(2026, 5, 4))
    assert [d.date.weekday() for d in days] == list(range(7))
    assert [d.intervals for d in days] == [[(T("08:00"), T("16:00"))]] * 5 + [[], []]
    assert not any(d.is_holiday for d in days)
    with freeze_time("2026-05-06 12:00:00"):  # UTC: 14:00 in Poland, a Wednesday
        assert [d.is_today for d in hours.week(svc, start=dt.date(2026, 5, 4))] == [
            False, False, True, False, False, False, False]
        assert hours.week(svc)[0].date == dt.date(2026, 5, 6)


def test_status_open_closing_and_next_opening(portal):
    svc = f.service(hours=(("MO,TU,WE,TH,FR", "08:00", "12:00"), ("MO,TU,WE,TH,FR", "13:00", "16:00")))
    # 08:00 UTC is 10:00 in Poland in May: open until 12:00 local.
    open_ = hours.status(svc, now=dt.datetime(2026, 5, 4, 8, 0, tzinfo=UTC))
    assert open_.is_open and open_.closes_at == local("2026-05-04T12:00") and open_.reason == ""
    assert open_.closes_at.tzinfo is not None
    lunch = hours.status(svc, now=local("2026-05-04T12:30"))
    assert not lunch.is_open and lunch.next_opens_at == local("2026-05-04T13:00") and lunch.reason == ""
    edge = hours.status(svc, now=local("2026-05-04T16:00"))  # closing time itself is closed
    assert not edge.is_open and edge.next_opens_at == local("2026-05-05T08:00")
    friday = hours.status(svc, now=local("2026-05-08T18:00"))
    assert friday.next_opens_at == local("2026-05-11T08:00")
    naive = hours.status(svc, now=dt.datetime(2026, 5, 4, 8, 0))  # naive: Polish local time
    assert naive.is_open and naive.closes_at == local("2026-05-04T12:00")
    for moment, expected in [(local("2026-05-04T08:00"), True), (local("2026-05-04T12:00"), False),
                             (local("2026-05-04T15:59"), True), (local("2026-05-09T10:00"), False)]:
        assert hours.status(svc, now=moment).is_open is expected
        assert is_open_sql(svc, moment) is expected


def test_public_holiday_names_follow_the_language():
    assert hours.public_holiday(dt.date(2026, 5, 4)) is None
    assert hours.public_holiday(dt.date(2026, 4, 6), "pl") == "Poniedziałek Wielkanocny"
    assert hours.public_holiday(dt.date(2026, 4, 6), "en") == "Easter Monday"
    assert hours.public_holiday(dt.date(2026, 4, 6), "uk") == "Великодній понеділок"
    assert hours.public_holiday(dt.date(2026, 4, 6), "ka") == "Poniedziałek Wielkanocny"  # no Georgian: Polish
    with translation.override("en"):
        assert hours.public_holiday(dt.date(2026, 12, 24)) == "Christmas Eve"


def test_closed_on_a_public_holiday_unless_the_location_stays_open(portal):
    svc = f.service()
    friday = local("2026-05-01T10:00")  # 1 May, a Friday
    with translation.override("en"):
        closed = hours.status(svc, now=friday)
    assert not closed.is_open and closed.reason == "National Day"
    assert closed.next_opens_at == local("2026-05-04T08:00")
    assert not is_open_sql(svc, friday)
    day = hours.week(svc, start=dt.date(2026, 5, 1), days=1)[0]
    assert day.is_holiday and day.intervals == [] and day.closed_reason
    Location.objects.filter(pk=first_location(svc).pk).update(closed_on_public_holidays=False)
    svc = Service.objects.get(pk=svc.pk)
    assert hours.status(svc, now=friday).is_open and is_open_sql(svc, friday)
    assert hours.week(svc, start=dt.date(2026, 5, 1), days=1)[0].is_holiday


def test_closures_all_day_and_shortened_hours(portal):
    svc = f.service()
    loc = first_location(svc)
    Closure.objects.create(location=loc, starts_on=dt.date(2026, 6, 8), ends_on=dt.date(2026, 6, 9), reason="Remont")
    Closure.objects.create(service=svc, starts_on=dt.date(2026, 6, 12), ends_on=dt.date(2026, 6, 14),
                           opens_at=T("09:00"), closes_at=T("11:00"), reason="Szkolenie")
    days = {d.date: d for d in hours.week(svc, start=dt.date(2026, 6, 8))}
    assert days[dt.date(2026, 6, 8)].intervals == [] and days[dt.date(2026, 6, 8)].closed_reason == "Remont"
    assert days[dt.date(2026, 6, 10)].intervals == [(T("08:00"), T("16:00"))]
    assert days[dt.date(2026, 6, 12)].intervals == [(T("09:00"), T("11:00"))]
    assert days[dt.date(2026, 6, 12)].closed_reason == "Szkolenie"
    assert days[dt.date(2026, 6, 13)].intervals == []  # changed hours never open a closed Saturday
    closed = hours.status(svc, now=local("2026-06-08T10:00"))
    assert not closed.is_open and closed.reason == "Remont" and closed.next_opens_at == local("2026-06-10T08:00")
    for moment, expected in [("2026-06-08T10:00", False), ("2026-06-12T10:00", True), ("2026-06-12T12:00", False),
                             ("2026-06-13T10:00", False), ("2026-06-10T10:00", True)]:
        assert hours.status(svc, now=local(moment)).is_open is expected, moment
        assert is_open_sql(svc, local(moment)) is expected, moment
    shortened = hours.status(svc, now=local("2026-06-12T10:00"))
    assert shortened.closes_at == local("2026-06-12T11:00")


def test_closures_ahead_lists_closures_and_holidays_on_open_days(portal):
    svc = f.service()
    Closure.objects.create(service=svc, starts_on=dt.date(2026, 4, 20), ends_on=dt.date(2026, 4, 24),
                           reason="Urlop")
    Closure.objects.create(service=svc, starts_on=dt.date(2026, 1, 2), ends_on=dt.date(2026, 1, 2), reason="Stara")
    Closure.objects.create(location=first_location(svc), starts_on=dt.date(2026, 4, 30),
                           ends_on=dt.date(2026, 4, 30), opens_at=T("08:00"), closes_at=T("12:00"))
    with translation.override("pl"):
        ahead = hours.closures_ahead(svc, today=dt.date(2026, 4, 1), days=40)
    assert [(c.start, c.end, c.reason, c.intervals) for c in ahead] == [
        (dt.date(2026, 4, 6), dt.date(2026, 4, 6), "Poniedziałek Wielkanocny", []),
        (dt.date(2026, 4, 20), dt.date(2026, 4, 24), "Urlop", []),
        (dt.date(2026, 4, 30), dt.date(2026, 4, 30), "", [(T("08:00"), T("12:00"))]),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 1), "Święto Państwowe", []),
        # 3 May is a Sunday (closed anyway): not listed; 5 April (Easter Sunday) neither.
    ]
    Location.objects.filter(pk=first_location(svc).pk).update(closed_on_public_holidays=False)
    svc = Service.objects.get(pk=svc.pk)
    assert [c.reason for c in hours.closures_ahead(svc, today=dt.date(2026, 4, 1), days=40)] == ["Urlop", ""]


def test_schedule_precedence_and_validity(portal):
    org = f.organization()
    loc = f.location(org, name="Filia")
    svc = f.service(org=org, at=loc, hours=())
    link = svc.service_at_locations.get()
    location_row = Schedule.objects.create(location=loc, byday="SA", opens_at=T("10:00"), closes_at=T("14:00"))
    assert hours.schedules_for(svc) == [location_row]
    saturday = local("2026-05-09T11:00")
    assert hours.status(svc, now=saturday).is_open and is_open_sql(svc, saturday)
    service_row = Schedule.objects.create(service=svc, byday="MO", opens_at=T("09:00"), closes_at=T("10:00"))
    assert hours.schedules_for(svc) == [service_row]
    assert not hours.status(svc, now=saturday).is_open and not is_open_sql(svc, saturday)
    link_rows = [
        Schedule.objects.create(service_at_location=link, byday="TU", opens_at=T("07:00"), closes_at=T("09:00"),
                                valid_to=dt.date(2026, 5, 31)),
        Schedule.objects.create(service_at_location=link, byday="TU", opens_at=T("10:00"), closes_at=T("12:00"),
                                valid_from=dt.date(2026, 6, 1)),
    ]
    assert hours.schedules_for(svc, loc) == link_rows
    assert hours.week(svc, loc, start=dt.date(2026, 5, 26), days=1)[0].intervals == [(T("07:00"), T("09:00"))]
    assert hours.week(svc, loc, start=dt.date(2026, 6, 2), days=1)[0].intervals == [(T("10:00"), T("12:00"))]
    for moment, expected in [("2026-05-26T08:00", True), ("2026-06-02T08:00", False), ("2026-06-02T11:00", True),
                             ("2026-05-25T09:30", False)]:
        assert hours.status(svc, loc, now=local(moment)).is_open is expected, moment
        assert is_open_sql(svc, local(moment)) is expected, moment


def test_service_at_two_locations_is_open_where_one_is(portal):
    org = f.organization()
    first, second = f.location(org, name="A"), f.location(org, name="B", closed_on_public_holidays=False)
    svc = f.service(org=org, at=first, hours=())
    svc.service_at_locations.create(location=second)
    Schedule.objects.create(location=first, byday="MO,TU,WE,TH,FR", opens_at=T("08:00"), closes_at=T("12:00"))
    Schedule.objects.create(location=second, byday="FR", opens_at=T("11:00"), closes_at=T("18:00"))
    holiday = local("2026-05-01T16:00")
    assert not hours.status(svc, first, now=holiday).is_open
    assert hours.status(svc, second, now=holiday).is_open
    both = hours.status(svc, now=holiday)
    assert both.is_open and both.closes_at == local("2026-05-01T18:00") and is_open_sql(svc, holiday)
    assert hours.week(svc, start=dt.date(2026, 5, 8), days=1)[0].intervals == [(T("08:00"), T("18:00"))]


def test_service_without_location_uses_its_own_rows(portal):
    svc = f.service(hours=(("SU", "10:00", "12:00"),))
    svc.service_at_locations.all().delete()
    svc = Service.objects.get(pk=svc.pk)
    easter = local("2026-04-05T11:00")  # a public holiday, but no location closes for it
    assert hours.status(svc, now=easter).is_open and is_open_sql(svc, easter)
    Closure.objects.create(service=svc, starts_on=dt.date(2026, 4, 5), ends_on=dt.date(2026, 4, 5), reason="Nie")
    assert not hours.status(svc, now=easter).is_open and not is_open_sql(svc, easter)


@pytest.mark.parametrize(("utc", "expected_open", "closes_in"), [
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    (dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC), True, dt.timedelta(hours=1, minutes=30)),  # 01:30 CET
    (dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), True, dt.timedelta(minutes=30)),  # 03:30 CEST
    (dt.datetime(2026, 3, 29, 2, 0, tzinfo=UTC), False, None),  # 04:00 CEST
    # 25 October 2026: 03:00 CEST falls back to 02:00 CET (01:00 UTC); 02:30 happens twice.
    (dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), True, dt.timedelta(hours=2, minutes=30)),  # 02:30 CEST
    (dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), True, dt.timedelta(hours=1, minutes=30)),  # 02:30 CET
    (dt.datetime(2026, 10, 25, 2, 30, tzinfo=UTC), True, dt.timedelta(minutes=30)),  # 03:30 CET
    (dt.datetime(2026, 10, 25, 3, 0, tzinfo=UTC), False, None),  # 04:00 CET
])
def test_dst_days(portal, utc, expected_open, closes_in):
    svc = f.service(hours=(("SU", "01:00", "04:00"),))
    found = hours.status(svc, now=utc)
    assert found.is_open is expected_open and is_open_sql(svc, utc) is expected_open
    if expected_open:
        assert found.closes_at - utc == closes_in
    else:
        # The next Sundays are public holidays (Easter, All Saints' Day): closed, so one week later.
        assert found.next_opens_at == local("2026-04-12T01:00" if utc.month == 3 else "2026-11-08T01:00")


def test_next_opening_across_the_dst_change(portal):
    svc = f.service(hours=(("SU", "01:00", "04:00"),))
    found = hours.status(svc, now=local("2026-03-28T20:00"))
    assert found.next_opens_at == dt.datetime(2026, 3, 29, 0, 0, tzinfo=UTC)  # 01:00 CET
    later = hours.status(svc, now=local("2026-10-24T20:00"))
    assert later.next_opens_at == dt.datetime(2026, 10, 24, 23, 0, tzinfo=UTC)  # 01:00 CEST


def test_prefetch_makes_status_and_week_query_free(portal):
    org = f.organization()
    for n in range(6):
        svc = f.service(f"Usługa {n}", org=org, slug=f"usluga-{n}")
        Closure.objects.create(location=first_location(svc), starts_on=dt.date(2026, 5, 5),
                               ends_on=dt.date(2026, 5, 5), reason="Inwentaryzacja")
    services = list(hours.prefetch_for_status(Service.objects.filter(organization=org)))
    with CaptureQueriesContext(connection) as queries:
        for svc in services:
            hours.status(svc, now=local("2026-05-05T10:00"))
            hours.week(svc, start=dt.date(2026, 5, 4))
            hours.closures_ahead(svc, today=dt.date(2026, 5, 1))
            hours.schedules_for(svc)
            hours.status(svc, svc.service_at_locations.all()[0].location, now=local("2026-05-05T10:00"))
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert all(not hours.status(s, now=local("2026-05-05T10:00")).is_open for s in services)
    sql_open = Service.objects.filter(organization=org).filter(hours.open_now_filter(local("2026-05-06T10:00")))
    assert sql_open.count() == 6
