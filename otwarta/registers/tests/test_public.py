"""Public pages of the registers: on duty now, hotlines, people with filters, the week, privacy, queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from otwarta.institutions.models import Area
from otwarta.registers import testing as r
from otwarta.registers.models import RegisterKind, WorkMode

pytestmark = pytest.mark.django_db

# Monday 4 May 2026, 09:30 in Poland (07:30 UTC).
NOW = "2026-05-04 07:30:00"


@pytest.fixture
def registers(portal):
    interpreters = r.register()
    assistants = r.register(RegisterKind.ASSISTANT, institution="fundacja")
    mediators = r.register(RegisterKind.MEDIATOR, institution="fundacja")
    line = r.hotline(interpreters, "+48 12 616 00 00", hours="pon.–pt. 8:00–16:00", languages="uk,ru")
    olena = r.person(interpreters, "Olena Kowalska", languages=("uk", "ru"), specialisations=["medical"],
                     sworn_translator=True, sworn_number="TP/123/45", public_phone="+48 600 100 200",
                     phone="+48 999 999 999", email="olena.private@example.org", work_mode=WorkMode.BOTH,
                     slots=((0, "08:00", "16:00"),))
    olena.duty_slots.update(hotline=line)
    nino = r.person(interpreters, "Nino Beridze", languages=("ka",), specialisations=["legal"],
                    work_mode=WorkMode.ON_SITE, slots=((1, "10:00", "14:00"), (6, "22:00", "02:00")))
    nino.areas.set([Area.objects.get(teryt="1261")])
    r.person(interpreters, "Ukryty Tłumacz", languages=("uk",), public=False, email="hidden@example.org",
             slots=((0, "08:00", "16:00"),))
    r.person(assistants, "Asia Asystentka", languages=("vi",), slots=((0, "09:00", "10:00"),))
    return {"interpreters": interpreters, "assistants": assistants, "mediators": mediators, "line": line}


@freeze_time(NOW)
def test_index_shows_on_duty_now_and_hotlines(registers, client: Client):
    response = client.get("/en/tlumacze/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Interpreters", "Intercultural assistants", "Intercultural mediators"):
        assert name in html
    assert 'href="tel:+48126160000"' in html and "answered now" in html
    assert "Olena Kowalska" in html and "Asia Asystentka" in html
    assert "Nino Beridze" not in html  # not on duty now
    assert "Ukryty" not in html and "hidden@example.org" not in html
    assert "Polish local time" in html
    assert "09:30" in html  # the time now, in Poland
    assert "/en/zamow-tlumacza/?register=interpreter" in html
    assert "/en/zamow-tlumacza/?register=mediator" in html
    assert "style=" not in html and "<script>" not in html


@freeze_time(NOW)
def test_register_page_lists_public_people_only(registers, client: Client):
    html = client.get("/en/tlumacze/tlumacze/").content.decode()
    assert "Olena Kowalska" in html and "Nino Beridze" in html
    assert "Ukryty" not in html and "hidden@example.org" not in html
    assert "olena.private@example.org" not in html and "999 999 999" not in html  # private contacts
    assert 'href="tel:+48600100200"' in html
    assert "Ukrainian" in html and "Georgian" in html and "Russian" in html
    assert "Medical" in html and "TP/123/45" in html
    assert "/en/zamow-tlumacza/?register=interpreter&amp;language=uk" in html
    assert "/en/zamow-tlumacza/?register=interpreter&amp;language=ka" in html
    assert "Asia" not in html  # another register
    uk_html = client.get("/uk/tlumacze/tlumacze/").content.decode()
    assert "українська" in uk_html.lower() and "грузинська" in uk_html.lower()
    assert client.get("/en/tlumacze/nope/").status_code == 404


@freeze_time(NOW)
@pytest.mark.parametrize(("query", "expected"), [
    ("language=uk", {"Olena Kowalska"}),
    ("language=ka", {"Nino Beridze"}),
    ("specialisation=legal", {"Nino Beridze"}),
    ("sworn=on", {"Olena Kowalska"}),
    ("mode=remote", {"Olena Kowalska"}),
    ("mode=on_site", {"Olena Kowalska", "Nino Beridze"}),
    ("mode=on_site&county=%(krakow)s", {"Olena Kowalska", "Nino Beridze"}),
    ("mode=on_site&county=%(other)s", {"Olena Kowalska"}),
    ("language=xx&specialisation=nonsense", {"Olena Kowalska", "Nino Beridze"}),  # invalid filters ignored
])
def test_filters(registers, client: Client, query, expected):
    krakow = Area.objects.get(teryt="1261")
    other = Area.objects.filter(kind="county").exclude(pk=krakow.pk).first()
    html = client.get(f"/en/tlumacze/tlumacze/?{query % {'krakow': krakow.pk, 'other': other.pk}}").content.decode()
    people = html.split('id="people"')[1].split('id="week"')[0]
    shown = set(re.findall(r'<h3 class="reg-name">([^<]+)</h3>', people))
    assert shown == expected


@freeze_time(NOW)
def test_week_lists_duties_per_day(registers, client: Client):
    html = client.get("/en/tlumacze/tlumacze/").content.decode()
    week = html.split('id="week"')[1]
    days = re.split(r'<h3 class="reg-day">', week)[1:]
    assert len(days) == 7
    assert days[0].startswith("Monday, 4 May – today")
    assert "08:00" in days[0] and "Olena Kowalska" in days[0] and "answers the hotline" in days[0]
    assert "10:00" in days[1] and "Nino Beridze" in days[1]
    assert "Nobody on duty." in days[2]
    assert "22:00" in days[6] and "02:00" in days[6]  # Sunday night, ends on Monday
    assert "Ukryty" not in week
    assert "Polish local time" in html


@freeze_time(NOW)
def test_queries_are_bounded(registers, client: Client, settings):
    settings.OTWARTA_PAGE_CACHE_ENABLED = False  # the rendering is measured, not the page cache
    client.get("/en/tlumacze/tlumacze/")  # warm caches (locales, site)
    with CaptureQueriesContext(connection) as few:
        client.get("/en/tlumacze/tlumacze/")
        client.get("/en/tlumacze/")
    for n in range(15):
        person = r.person(registers["interpreters"], f"Osoba {n:02}", languages=("uk", "be"),
                          slots=((0, "08:00", "12:00"), (n % 7, "13:00", "15:00")))
        person.areas.set(Area.objects.filter(kind="county")[:2])
    with CaptureQueriesContext(connection) as many:
        client.get("/en/tlumacze/tlumacze/")
        client.get("/en/tlumacze/")
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_request_link_route_exists(registers, client: Client):
    response = client.get("/en/zamow-tlumacza/?register=interpreter&language=uk")
    assert response.status_code == 200


@freeze_time("2026-03-29 01:30:00")  # 03:30 CEST, just after the clocks went forward
def test_times_on_a_dst_day(registers, client: Client):
    r.person(registers["mediators"], "Nocna Mediatorka", languages=("uk",), slots=((5, "22:00", "06:00"),))
    html = client.get("/en/tlumacze/").content.decode()
    assert "Nocna Mediatorka" in html and "03:30" in html and "06:00" in html
    assert dt.date(2026, 3, 29).weekday() == 6
