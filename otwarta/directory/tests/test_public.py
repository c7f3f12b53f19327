"""The public directory: search filters, texts in the reader's language, the query budget, the service
page, 404s, the map JSON and the sitemap. Real rows (otwarta.directory.testing), real requests."""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from otwarta.directory import testing as f
from otwarta.directory.models import Closure, Language, Phone, Service, ServiceStatus
from otwarta.directory.search import Filters, filter_services

pytestmark = pytest.mark.django_db
ALWAYS = (("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"),)


def get(path: str, status: int = 200) -> str:
    response = Client().get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def slugs(html: str) -> set[str]:
    return set(re.findall(r'class="dir-card-title"><a href="/[a-z]{2}/uslugi/([^/]+)/"', html))


@pytest.fixture
def directory(portal: Any) -> SimpleNamespace:
    """Four services that differ in one filter each, plus a defunct one."""
    health, legal = f.term("health", "Zdrowie"), f.term("legal", "Pomoc prawna")
    clinic_org = f.organization("Przychodnia Miejska")
    clinic_place = f.location(clinic_org, "Przychodnia przy Floriańskiej", wheelchair_accessible=True,
                              closed_on_public_holidays=False)
    clinic = f.service("Poradnia lekarska dla cudzoziemców", clinic_org, terms=(health,), languages=("pl", "uk"),
                       hours=ALWAYS, at=clinic_place, free_of_charge=True,
                       description="Lekarz rodzinny, szczepienia i skierowania.")
    f.translate(clinic, "uk", name="Лікарська консультація для іноземців",
                description="Сімейний лікар, щеплення та направлення.")
    lawyer_org = f.organization("Fundacja Prawna")
    lawyer_place = f.location(lawyer_org, "Biuro w Nowym Targu", teryt="1211", municipality="Nowy Targ",
                              city="Nowy Targ", street="ul. Krakowska 5", postal_code="34-400",
                              lat="49.477000", lng="20.032000")
    Language.objects.create(location=lawyer_place, code="ru")
    lawyer = f.service("Bezpłatna porada prawna", lawyer_org, terms=(legal,), languages=("pl",), at=lawyer_place,
                       hours=(), description="Porady w sprawach pobytu i pracy.",
                       slug="bezplatna-porada-prawna")
    hotline = f.service("Infolinia dla migrantów", lawyer_org, terms=(legal,), languages=("pl",), phone="",
                        hours=(), at=lawyer_place, status=ServiceStatus.INACTIVE)
    line = Phone.objects.create(service=hotline, number="+48 12 345 67 89", description="infolinia")
    Language.objects.create(phone=line, code="ka")
    gone = f.service("Punkt zamknięty", clinic_org, slug="punkt-zamkniety", status=ServiceStatus.DEFUNCT,
                     at=clinic_place)
    return SimpleNamespace(clinic=clinic, lawyer=lawyer, hotline=hotline, gone=gone, health=health, legal=legal)


def test_list_shows_visible_services_sorted_without_javascript(directory):
    html = get("/pl/uslugi/")
    assert slugs(html) == {"bezplatna-porada-prawna", "infolinia-dla-migrantow", "poradnia-lekarska-dla-cudzoziemcow"}
    assert "punkt-zamkniety" not in html  # defunct
    assert html.index("Bezpłatna porada prawna") < html.index("Infolinia") < html.index("Poradnia lekarska")
    assert '<form action="/pl/uslugi/" method="get"' in html
    assert "<script>" not in html and " style=" not in html
    assert "leaflet.js" not in html.split("</head>")[0].replace("data-leaflet-js", "")  # loaded only on demand


@pytest.mark.parametrize(("params", "expected"), [
    ("category={health}", {"poradnia-lekarska-dla-cudzoziemcow"}),
    ("category={legal}", {"bezplatna-porada-prawna", "infolinia-dla-migrantow"}),
    ("county=1211", {"bezplatna-porada-prawna", "infolinia-dla-migrantow"}),
    ("county=1261", {"poradnia-lekarska-dla-cudzoziemcow"}),
    ("municipality=nowy+targ", {"bezplatna-porada-prawna", "infolinia-dla-migrantow"}),
    ("language=uk", {"poradnia-lekarska-dla-cudzoziemcow"}),  # on the service
    ("language=ru", {"bezplatna-porada-prawna", "infolinia-dla-migrantow"}),  # at the location
    ("language=ka", {"infolinia-dla-migrantow"}),  # on a phone line
    ("free=1", {"poradnia-lekarska-dla-cudzoziemcow"}),
    ("accessible=1", {"poradnia-lekarska-dla-cudzoziemcow"}),
    ("open_now=1", {"poradnia-lekarska-dla-cudzoziemcow"}),  # the others have no hours
    ("q=porada", {"bezplatna-porada-prawna"}),
    ("q=fundacja+prawna", {"bezplatna-porada-prawna", "infolinia-dla-migrantow"}),  # the organisation's name
    ("q=lekarza", {"poradnia-lekarska-dla-cudzoziemcow"}),  # inflected word of the description ("Lekarz")
    ("q=szczepienia", {"poradnia-lekarska-dla-cudzoziemcow"}),  # a word of the description
    ("q=porady+prawnej", {"bezplatna-porada-prawna"}),  # inflected: "porada prawna"
    ("county=1211&language=ka", {"infolinia-dla-migrantow"}),
    ("county=1261&language=ru", set()),
])
def test_each_filter_narrows_the_results(directory, params, expected):
    query = params.format(health=directory.health.translation_key, legal=directory.legal.translation_key)
    html = get(f"/pl/uslugi/?{query}")
    assert slugs(html) == expected
    if not expected:
        assert "No service matches" in html or "Żadna usługa" in html
        assert 'href="/pl/uslugi/"' in html  # clear the filters


def test_search_in_the_readers_language_and_in_polish(directory):
    assert slugs(get("/uk/uslugi/?q=щеплення")) == {"poradnia-lekarska-dla-cudzoziemcow"}
    assert slugs(get("/uk/uslugi/?q=porada")) == {"bezplatna-porada-prawna"}
    assert slugs(get("/pl/uslugi/?q=щеплення")) == set()  # Ukrainian text is searched for Ukrainian readers


@pytest.mark.parametrize("query", ['"', "*", "AND OR NOT", "a\x00b", "(((", "-x", "NEAR(a b)", "ą" * 500, "%_%"])
def test_odd_queries_never_fail(directory, query):
    response = Client().get("/pl/uslugi/", {"q": query, "county": "x'1", "category": "not-a-uuid", "page": "-3"})
    assert response.status_code == 200
    assert Client().get("/pl/uslugi/mapa.json", {"q": query}).status_code == 200


def test_filters_are_kept_in_the_form_and_the_pager(directory):
    org = f.organization("Sieć Poradni")
    place = f.location(org, "Biuro", teryt="1211", municipality="Nowy Targ", city="Nowy Targ")
    for n in range(21):
        f.service(f"Poradnia numer {n:02d}", org, at=place, hours=())
    html = get("/pl/uslugi/?county=1211&free=&language=")
    assert 'value="1211" selected' in html
    assert 'href="?county=1211&amp;page=2" rel="next"' in html
    second = get("/pl/uslugi/?county=1211&page=2")
    assert len(slugs(second)) == 23 - 20


def test_cards_in_the_readers_language_with_polish_fallback(directory):
    html = get("/uk/uslugi/")
    assert '<a href="/uk/uslugi/poradnia-lekarska-dla-cudzoziemcow/">Лікарська консультація для іноземців</a>' in html
    assert '<a href="/uk/uslugi/bezplatna-porada-prawna/" lang="pl">Bezpłatna porada prawna</a>' in html
    assert '<span lang="pl">Fundacja Prawna</span>' in html
    pl = get("/pl/uslugi/")
    assert 'lang="pl"' not in pl.split('<main')[1]


def test_cards_show_status_languages_and_badges(directory):
    html = get("/pl/uslugi/?county=1261")
    card = html.split('class="dir-card"')[1]
    assert "dir-open" in card and "23:59" in card
    assert "ukraiński" in card.lower()
    assert "Bezpłatnie" in card  # the "Free of charge" badge, in Polish
    inactive = get("/pl/uslugi/?language=ka").split('class="dir-card"')[1]
    assert "dir-inactive" in inactive


def test_query_count_of_a_full_page_is_bounded(directory, django_assert_max_num_queries):
    org = f.organization("Duża Sieć")
    for n in range(25):
        svc = f.service(f"Punkt {n:02d}", org, terms=(directory.health,), languages=("pl", "uk", "en"))
        f.translate(svc, "uk", name=f"Пункт {n:02d}")
    client = Client()
    client.get("/uk/uslugi/")  # warm caches (locales, content types)
    with django_assert_max_num_queries(30):
        response = client.get("/uk/uslugi/?category=" + str(directory.health.translation_key))
    assert response.status_code == 200
    assert len(slugs(response.content.decode())) == 20


def test_open_now_filter_agrees_with_the_status(directory):
    monday_noon = dt.datetime(2025, 3, 3, 12, 0)
    org = f.organization("Urząd Dzielnicy")
    office = f.service("Biuro obsługi", org, hours=(("MO", "08:00", "15:00"),))
    night = f.service("Dyżur nocny", org, hours=(("MO", "20:00", "23:00"),))
    Closure.objects.create(service=night, starts_on=dt.date(2025, 3, 10), ends_on=dt.date(2025, 3, 10))
    found = set(filter_services(Filters(open_now=True), now=monday_noon).values_list("slug", flat=True))
    assert office.slug in found and night.slug not in found
    assert directory.lawyer.slug not in found


def test_service_page(directory):
    html = get("/uk/uslugi/poradnia-lekarska-dla-cudzoziemcow/")
    assert "<h1>Лікарська консультація для іноземців</h1>" in html
    assert "Сімейний лікар" in html
    assert 'href="tel:+48120000000"' in html
    assert "https://www.openstreetmap.org/?mlat=50.061400&amp;mlon=19.936600" in html
    assert '<p class="dir-address" lang="pl">ul. Floriańska 1<br>31-019 Kraków</p>' in html
    assert ('rel="alternate" hreflang="uk" href="http://testserver/uk/uslugi/poradnia-lekarska-dla-cudzoziemcow/"'
            in html)
    assert 'hreflang="x-default" href="http://testserver/pl/uslugi/poradnia-lekarska-dla-cudzoziemcow/"' in html
    assert 'hreflang="ka"' not in html.split("</head>")[0]  # no Georgian version
    assert "Українська" in html  # languages spoken, named in the reader's language
    assert 'data-time-zone="Europe/Warsaw"' in html and "localtime.js" in html
    assert html.count("<time datetime=") >= 7  # the week
    assert "leaflet" not in html  # no map bytes on this page
    assert "<script>" not in html and " style=" not in html


def test_service_page_phone_languages_and_polish_fallback(directory):
    html = get("/en/uslugi/infolinia-dla-migrantow/")
    assert '<h1 lang="pl">Infolinia dla migrantów</h1>' in html
    assert 'href="tel:+48123456789"' in html
    assert "Georgian" in html  # spoken on that phone line
    assert "Temporarily unavailable" in html


def test_unknown_defunct_and_translated_slugs_are_404(directory):
    get("/pl/uslugi/nie-ma-takiej/", 404)
    get(f"/pl/uslugi/{directory.gone.slug}/", 404)
    translated = Service.objects.get(translation_key=directory.clinic.translation_key, locale__language_code="uk")
    Service.objects.filter(pk=translated.pk).update(slug="tylko-tlumaczenie")
    get("/uk/uslugi/tylko-tlumaczenie/", 404)


def test_map_json_follows_the_filters(directory):
    data = json.loads(get("/uk/uslugi/mapa.json?county=1261"))
    assert data["truncated"] is False
    assert data["points"] == [{
        "name": "Лікарська консультація для іноземців", "lang": "uk",
        "url": "/uk/uslugi/poradnia-lekarska-dla-cudzoziemcow/", "lat": 50.0614, "lng": 19.9366,
        "address": "ul. Floriańska 1, 31-019 Kraków",
    }]
    assert len(json.loads(get("/pl/uslugi/mapa.json"))["points"]) == 3  # defunct one left out
    html = get("/pl/uslugi/?county=1261")
    assert 'data-points-url="/pl/uslugi/mapa.json?county=1261"' in html


def test_map_settings_and_content_security_policy(directory, settings):
    response = Client().get("/pl/uslugi/")
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    settings.OTWARTA_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert 'data-tiles="https://tiles.example.org/' in get("/pl/uslugi/")


def test_sitemap_lists_services(directory):
    xml = get("/sitemap.xml")
    assert "/pl/uslugi/</loc>" in xml and "/ka/uslugi/</loc>" in xml
    assert "/pl/uslugi/poradnia-lekarska-dla-cudzoziemcow/</loc>" in xml
    assert "/uk/uslugi/poradnia-lekarska-dla-cudzoziemcow/</loc>" in xml
    assert "/uk/uslugi/bezplatna-porada-prawna/</loc>" not in xml  # no Ukrainian row
    assert "punkt-zamkniety" not in xml
