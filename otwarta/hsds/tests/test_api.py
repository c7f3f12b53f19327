"""The HSDS 3.1 read API: every response validates against the official schemas; filters, pagination,
proximity, languages, errors, headers and query counts."""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from otwarta.directory import testing as f
from otwarta.directory.models import Location, Service, ServiceAtLocation

from .test_api_support import (
    NOWY_SACZ,
    TARNOW,
    Directory,
    assert_valid,
    build_directory,
    is_valid,
    reference_dir,
    reference_response_schema,
)

pytestmark = pytest.mark.django_db
API = "/api/hsds"


@pytest.fixture
def directory(portal: Any) -> Directory:
    return build_directory()


def get(client: Any, path: str, status: int = 200, **headers: str) -> Any:
    response = client.get(API + path, headers=headers)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["contents"]]


def key(record: Any) -> str:
    return str(record.translation_key)


# --- schema validation -------------------------------------------------------------------------------
def test_reference_schemas_are_there() -> None:
    """Without the reference files every validation below would fail: say why, plainly."""
    assert (reference_dir() / "openapi.json").is_file()


def test_every_endpoint_validates_against_the_official_schemas(client: Any, directory: Directory) -> None:
    sal = ServiceAtLocation.objects.get(service=directory.health_service, location=directory.krakow)
    term = directory.mental
    checks: list[tuple[str, str, str | None]] = [
        # path, reference response schema (openapi.json), schema of each item (or of the whole object)
        ("/", reference_response_schema("/"), None),
        ("/services", reference_response_schema("/services"), "compiled/service_list.json"),
        ("/services?full=true", reference_response_schema("/services"), "compiled/service.json"),
        ("/services?minimal=true", reference_response_schema("/services"), "compiled/service_list.json"),
        (f"/services/{key(directory.health_service)}", reference_response_schema("/services/{id}"), None),
        ("/organizations", reference_response_schema("/organizations"), "compiled/organization_list.json"),
        ("/organizations?full=true", reference_response_schema("/organizations"), "compiled/organization.json"),
        ("/organizations?full=true&full_service=true", reference_response_schema("/organizations"),
         "compiled/organization.json"),
        (f"/organizations/{key(directory.clinic)}", reference_response_schema("/organizations/{id}"), None),
        (f"/organizations/{key(directory.clinic)}?full_service=true", reference_response_schema("/organizations/{id}"),
         None),
        ("/service_at_locations", reference_response_schema("/service_at_locations"),
         "compiled/service_at_location_list.json"),
        ("/service_at_locations?full=true", reference_response_schema("/service_at_locations"),
         "compiled/service_at_location.json"),
        (f"/service_at_locations?proximity={TARNOW[0]},{TARNOW[1]}", reference_response_schema("/service_at_locations"),
         "compiled/service_at_location_list.json"),
        # the reference names compiled/service.json here by mistake; a service at location is not a service
        (f"/service_at_locations/{sal.pk}", "compiled/service_at_location.json", None),
        ("/taxonomies", reference_response_schema("/taxonomies"), "taxonomy.json"),
        (f"/taxonomies/{directory.health.taxonomy_id}", reference_response_schema("/taxonomies/{id}"), None),
        ("/taxonomy_terms", reference_response_schema("/taxonomy_terms"), "taxonomy_term.json"),
        (f"/taxonomy_terms/{key(term)}", reference_response_schema("/taxonomy_terms/{id}"), None),
    ]
    for lang in ("pl", "uk"):
        for path, schema, item_schema in checks:
            separator = "&" if "?" in path else "?"
            body = get(client, f"{path}{separator}lang={lang}")
            assert_valid(body, schema)
            if "contents" in body:
                assert body["contents"], path
                for item in body["contents"]:
                    assert_valid(item, item_schema or "")
            elif item_schema:
                assert_valid(body, item_schema)


def test_the_nested_service_holds_everything(client: Any, directory: Directory) -> None:
    svc = get(client, f"/services/{key(directory.health_service)}")
    assert svc["organization"]["id"] == key(directory.clinic)
    assert {sal["location"]["id"] for sal in svc["service_at_locations"]} == {key(directory.krakow),
                                                                              key(directory.tarnow)}
    krakow = next(sal for sal in svc["service_at_locations"] if sal["location"]["id"] == key(directory.krakow))
    location = krakow["location"]
    assert location["latitude"] == 50.0614 and isinstance(location["longitude"], float)
    assert location["addresses"][0]["postal_code"] == "31-019"
    assert [lang["code"] for lang in location["phones"][0]["languages"]] == ["uk"]
    assert [lang["code"] for lang in location["languages"]] == ["ru"]
    assert len(location["accessibility"]) == 3  # wheelchair flag + two blocks (ids = block ids)
    block_ids = {child.id for child in directory.krakow.accessibility}
    assert block_ids < {entry["id"] for entry in location["accessibility"]}
    closure = next(s for s in location["schedules"] if s.get("valid_from") == "2026-08-01")
    assert closure["valid_to"] == "2026-08-14" and "opens_at" not in closure and "Remont" in closure["description"]
    assert krakow["schedules"][0]["byday"] == "SA" and krakow["schedules"][0]["opens_at"] == "09:00"

    weekly = [s for s in svc["schedules"] if "valid_from" not in s]
    assert [(s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in weekly] == [
        ("WEEKLY", "MO,TU,WE,TH,FR", "08:00", "12:00"), ("WEEKLY", "MO,TU,WE,TH,FR", "13:00", "16:00")]
    assert all(s["timezone"] in (1, 2) for s in svc["schedules"])
    shortened = next(s for s in svc["schedules"] if s.get("valid_from") == "2026-12-24")
    assert (shortened["opens_at"], shortened["closes_at"], shortened["timezone"]) == ("08:00", "11:00", 1)
    assert "Wigilia" in shortened["description"]

    costs = svc["cost_options"]
    assert costs[0]["amount"] == 0  # free of charge
    assert costs[1] == {**costs[1], "option": "Zaświadczenie lekarskie", "amount": 50, "currency": "PLN"}
    assert costs[1]["id"] == directory.health_service.cost_options[0].id
    assert [d["document"] for d in svc["required_documents"]] == ["Paszport", "Karta pobytu"]
    assert [d["id"] for d in svc["required_documents"]] == [c.id for c in directory.health_service.required_documents]
    assert {a["extent"] for a in svc["service_areas"]} == {"TERYT:1261", "TERYT:1206"}
    assert {a["taxonomy_term"]["code"] for a in svc["attributes"]} == {"health", "mental-health"}
    assert svc["contacts"][0]["phones"][0]["extension"] == 12
    assert [lang["code"] for lang in svc["contacts"][0]["phones"][0]["languages"]] == ["en"]
    assert svc["metadata"] == []
    # a service without areas serves the whole region
    legal = get(client, f"/services/{key(directory.legal_service)}")
    assert [a["extent"] for a in legal["service_areas"]] == ["TERYT:12"]


def test_a_broken_object_is_rejected(client: Any, directory: Directory) -> None:
    """The validation above can fail: objects that break the schema in different ways are rejected."""
    svc = get(client, f"/services/{key(directory.health_service)}")
    assert is_valid(svc, "compiled/service.json")
    no_name = copy.deepcopy(svc)
    del no_name["name"]
    bad_id = {**copy.deepcopy(svc), "id": "42"}
    bad_status = {**copy.deepcopy(svc), "status": "open"}
    bad_coordinate = copy.deepcopy(svc)
    bad_coordinate["service_at_locations"][0]["location"]["latitude"] = "50.06"
    null_field = {**copy.deepcopy(svc), "email": None}
    for broken in (no_name, bad_id, bad_status, bad_coordinate, null_field):
        assert not is_valid(broken, "compiled/service.json")
    page = get(client, "/services")
    assert is_valid(page, reference_response_schema("/services"))
    assert not is_valid({**page, "total_items": "3"}, reference_response_schema("/services"))


# --- only source rows, ids ---------------------------------------------------------------------------
def test_only_source_rows_are_listed_and_ids_are_translation_keys(client: Any, directory: Directory) -> None:
    page = get(client, "/services?per_page=100")
    assert page["total_items"] == len(directory.sources) == Service.objects.filter(
        locale__language_code="pl").count() < Service.objects.count()
    assert set(ids(page)) == {key(s) for s in directory.sources}
    translation = Service.objects.get(translation_key=directory.health_service.translation_key,
                                      locale__language_code="uk")
    assert get(client, f"/services/{translation.translation_key}")["name"] == "Poradnia zdrowia dla cudzoziemców"
    assert get(client, "/organizations")["total_items"] == 2


# --- filters -----------------------------------------------------------------------------------------
def test_filters_narrow_the_services(client: Any, directory: Directory) -> None:
    def names(query: str) -> set[str]:
        return {item["name"] for item in get(client, f"/services?per_page=100&{query}")["contents"]}

    health, legal, interpreting = (directory.health_service.name, directory.legal_service.name,
                                   directory.interpreting.name)
    assert names(f"taxonomy_term_id={key(directory.health)}") == {health}
    assert names(f"taxonomy_term_id={key(directory.mental)}") == {health, interpreting}
    assert names(f"taxonomy_term_id={key(directory.health)},{key(directory.legal)}") == {health, legal}
    assert names(f"taxonomy_id={directory.health.taxonomy_id}") == {health, legal, interpreting}
    assert names(f"taxonomy_id={directory.other_taxonomy.pk}") == set()
    assert names(f"organization_id={key(directory.clinic)}") == {health, interpreting}
    assert names("search=bezpłatna+pomoc") == {legal}
    assert names("search=BEZPLATNEJ") == {legal}  # case, diacritics and inflection folded
    assert len(names("search=prawnej")) == 8  # the organisation's name: all of the foundation's services
    assert names("search=консультація") == {health}  # found through the Ukrainian translation
    assert names(f"search=zdrowia&organization_id={key(directory.foundation)}") == set()
    orgs = get(client, f"/organizations?taxonomy_term_id={key(directory.legal)}")
    assert ids(orgs) == [key(directory.foundation)]
    assert ids(get(client, "/organizations?search=wielojęzyczna")) == [key(directory.clinic)]
    sals = get(client, f"/service_at_locations?organization_id={key(directory.foundation)}&per_page=100")
    assert {item["service"]["organization"]["id"] for item in sals["contents"]} == {key(directory.foundation)}
    assert sals["total_items"] == 9  # 8 services at Nowy Sącz + the online place
    sals = get(client, "/service_at_locations?search=Tarnów")
    assert {item["location_id"] for item in sals["contents"]} == {key(directory.tarnow)}
    sals = get(client, "/service_at_locations?postcode=33-100")
    assert {item["location"]["name"] for item in sals["contents"]} == {"Przychodnia – Tarnów"}
    terms = get(client, "/taxonomy_terms?top_only=true")
    assert {t["code"] for t in terms["contents"]} == {"health", "legal", "x"}
    terms = get(client, f"/taxonomy_terms?parent_id={key(directory.health)}")
    assert [t["code"] for t in terms["contents"]] == ["mental-health"]
    terms = get(client, f"/taxonomy_terms?taxonomy_id={directory.other_taxonomy.pk}")
    assert [t["code"] for t in terms["contents"]] == ["x"]
    assert [t["name"] for t in get(client, "/taxonomies?search=inny")["contents"]] == ["inna"]


def test_modified_after(client: Any, directory: Directory) -> None:
    long_ago = timezone.now() - dt.timedelta(days=30)
    Service.objects.update(last_modified=long_ago)
    Location.objects.update(last_modified=long_ago)
    Service.objects.filter(pk=directory.legal_service.pk).update(last_modified=timezone.now())
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(client.get(f"{API}/services", {"modified_after": since}).json()) == [key(directory.legal_service)]
    # an unencoded "+" of the offset arrives as a space
    local = timezone.localtime(timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(get(client, f"/services?modified_after={local}")) == [key(directory.legal_service)]
    assert ids(get(client, f"/services?modified_after={timezone.localdate().isoformat()}")) == [
        key(directory.legal_service)]
    # a newer translation counts: what the API returns in that language changed
    Service.objects.filter(translation_key=directory.health_service.translation_key,
                           locale__language_code="uk").update(last_modified=timezone.now())
    assert set(ids(client.get(f"{API}/services", {"modified_after": since}).json())) == {
        key(directory.legal_service), key(directory.health_service)}
    sals = client.get(f"{API}/service_at_locations", {"modified_after": since}).json()
    assert {item["service_id"] for item in sals["contents"]} == {key(directory.legal_service),
                                                                 key(directory.health_service)}
    for bad in ("yesterday", "2025-13-01", "2025-01-01T25:00"):
        error = get(client, f"/services?modified_after={bad}", status=400)
        assert error["parameter"] == "modified_after" and error["status"] == 400


def test_minimal_listing(client: Any, directory: Directory) -> None:
    page = get(client, "/services?minimal=true")
    assert page["size"] == len(directory.sources) and page["total_pages"] == 1
    assert all(set(item) == {"id", "name", "status", "last_modified"} for item in page["contents"])


# --- pagination --------------------------------------------------------------------------------------
def test_pagination_edges(client: Any, directory: Directory) -> None:
    total = len(directory.sources)  # 10
    first = get(client, "/services?per_page=4")
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (total, 3, 1, 4)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = get(client, "/services?per_page=4&page=3")
    assert (last["size"], last["first_page"], last["last_page"]) == (2, False, True)
    seen = [i for p in (1, 2, 3) for i in ids(get(client, f"/services?per_page=4&page={p}"))]
    assert len(seen) == len(set(seen)) == total
    beyond = get(client, "/services?per_page=4&page=9")
    assert beyond["contents"] == [] and beyond["empty"] and beyond["last_page"] and beyond["size"] == 0
    exact = get(client, "/services?per_page=5&page=2")
    assert exact["last_page"] and exact["size"] == 5
    assert get(client, "/services")["size"] == total  # default 50
    capped = get(client, "/services?per_page=100000")
    assert capped["size"] == total and capped["total_pages"] == 1
    none = get(client, "/services?search=nic-takiego")
    assert (none["total_items"], none["total_pages"], none["empty"], none["first_page"]) == (0, 0, True, True)
    for bad in ("per_page=0", "per_page=abc", "page=0", "page=-1", "page=x", "full=maybe", "format=ndjson"):
        assert get(client, f"/services?{bad}", status=400)["status"] == 400


def test_per_page_cap(client: Any, directory: Directory) -> None:
    for n in range(105):
        Service.objects.create(organization=directory.foundation, institution=directory.foundation.institution,
                               name=f"Masowa {n:03d}", slug=f"masowa-{n}", description="-",
                               locale_id=directory.foundation.locale_id)
    page = get(client, "/services?per_page=500")
    assert page["size"] == 100 and page["total_pages"] == 2
    assert get(client, "/services?minimal=true")["size"] == page["total_items"] == 115


# --- proximity ---------------------------------------------------------------------------------------
def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_proximity_sorts_by_distance(client: Any, directory: Directory) -> None:
    point = (50.0, 20.95)  # just south-west of Tarnów
    page = get(client, f"/service_at_locations?per_page=100&proximity={point[0]},{point[1]}")
    locations = [item["location"] for item in page["contents"]]
    assert "Porady online" not in {loc["name"] for loc in locations}  # no coordinates, no distance
    distances = [haversine(point, (loc["latitude"], loc["longitude"])) for loc in locations]
    assert distances == sorted(distances)
    assert locations[0]["name"] == "Przychodnia – Tarnów" and locations[-1]["name"] == "Przychodnia – Kraków"
    near = get(client, f"/service_at_locations?per_page=100&proximity={point[0]},{point[1]}&proximity_radius=50")
    assert {item["location"]["name"] for item in near["contents"]} == {"Przychodnia – Tarnów", "Fundacja – Nowy Sącz"}
    tiny = get(client, f"/service_at_locations?proximity={NOWY_SACZ[0]},{NOWY_SACZ[1]}&proximity_radius=0.5")
    assert {item["location"]["name"] for item in tiny["contents"]} == {"Fundacja – Nowy Sącz"}
    # the reference's form: metres from the centroid of a postcode
    by_postcode = get(client, "/service_at_locations?per_page=100&postcode=33-300&proximity=60000")
    assert by_postcode["contents"][0]["location"]["name"] == "Fundacja – Nowy Sącz"
    assert {item["location"]["name"] for item in by_postcode["contents"]} == {"Fundacja – Nowy Sącz",
                                                                              "Przychodnia – Tarnów"}
    assert get(client, "/service_at_locations?postcode=99-999&proximity=5000")["total_items"] == 0
    for bad in ("proximity=abc", "proximity=91,20", "proximity=50,20&proximity_radius=-1", "proximity=5000",
                "proximity_radius=5", "proximity=50,x"):
        assert get(client, f"/service_at_locations?{bad}", status=400)["parameter"].startswith("proximity")


# --- languages ---------------------------------------------------------------------------------------
def test_texts_in_the_language_asked_for(client: Any, directory: Directory) -> None:
    path = f"/services/{key(directory.health_service)}"
    response = client.get(API + path, {"lang": "uk"})
    assert response["Content-Language"] == "uk"
    svc = response.json()
    assert svc["name"] == "Медична консультація для іноземців"
    assert svc["description"] == directory.health_service.description  # not translated: Polish
    assert svc["organization"]["name"] == "Przychodnia Wielojęzyczna"  # no Ukrainian organisation: Polish
    assert svc["cost_options"][1]["option"] == "Медична довідка"
    assert svc["cost_options"][1]["amount_description"] == "za dokument"  # block text not translated
    assert [d["document"] for d in svc["required_documents"]] == ["Паспорт", "Karta pobytu"]
    health = next(a["taxonomy_term"] for a in svc["attributes"] if a["taxonomy_term"]["code"] == "health")
    mental = next(a["taxonomy_term"] for a in svc["attributes"] if a["taxonomy_term"]["code"] == "mental-health")
    assert (health["name"], health["language"]) == ("Здоров'я", "uk")
    assert (mental["name"], mental["language"]) == ("Zdrowie psychiczne", "pl")
    krakow = next(s["location"] for s in svc["service_at_locations"] if s["location_id"] == key(directory.krakow))
    assert krakow["name"] == "Поліклініка – Краків"
    assert [a.get("details") for a in krakow["accessibility"]][1:] == ["Ліфт біля входу B", "W rejestracji"]
    assert svc["languages"][0]["name"] == "Англійська"  # language names in the reader's language

    english = client.get(API + path, headers={"Accept-Language": "de-DE,en-GB;q=0.8,pl;q=0.5"})
    assert english["Content-Language"] == "en"
    assert english.json()["name"] == "Health advice for foreigners"
    assert english.json()["organization"]["name"] == "Multilingual Clinic"
    polish = client.get(API + path)
    assert polish["Content-Language"] == "pl" and polish.json()["name"] == directory.health_service.name
    assert "Accept-Language" in polish["Vary"]
    listing = get(client, "/services?lang=en&per_page=100")
    assert "Health advice for foreigners" in {item["name"] for item in listing["contents"]}
    assert get(client, "/services?lang=xx", status=400)["parameter"] == "lang"


# --- errors and headers ------------------------------------------------------------------------------
def test_not_found_and_bad_requests(client: Any, directory: Directory) -> None:
    unknown = "0b8b5c8e-2f58-4d0b-9d0e-2b7a3a4d6f10"
    for path in (f"/services/{unknown}", "/services/not-a-uuid", f"/organizations/{unknown}",
                 f"/service_at_locations/{unknown}", f"/taxonomies/{unknown}", f"/taxonomy_terms/{unknown}",
                 f"/service_at_locations/{key(directory.health_service)}", "/nothing-here", "/services/a/b"):
        body = get(client, path, status=404)
        assert body["status"] == 404 and body["message"]
    assert get(client, "/services?taxonomy_term_id=abc", status=400)["parameter"] == "taxonomy_term_id"
    assert get(client, "/services?organization_id=1", status=400)["parameter"] == "organization_id"
    response = client.post(f"{API}/services")
    assert response.status_code == 405 and response.json()["status"] == 405


def test_headers_cors_and_caching(client: Any, directory: Directory) -> None:
    for path in ("/", "/services", f"/services/{key(directory.health_service)}", "/openapi.json"):
        response = client.get(API + path)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=300"
    error = client.get(f"{API}/services?page=0")
    assert error["Access-Control-Allow-Origin"] == "*" and "no-store" in error["Cache-Control"]
    preflight = client.options(f"{API}/services", headers={"Origin": "https://example.org",
                                                           "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and "GET" in preflight["Access-Control-Allow-Methods"]
    assert client.get(f"{API}/services/").status_code == 200  # a trailing slash is fine


def test_index_links_the_openapi_document(client: Any) -> None:
    body = get(client, "/")
    assert body["version"] == "3.1" and body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    assert client.get(body["openapi_url"]).status_code == 200


# --- query counts ------------------------------------------------------------------------------------
def test_a_page_of_fifty_nested_services_takes_a_bounded_number_of_queries(
        client: Any, directory: Directory, django_assert_max_num_queries: Any) -> None:
    terms = (directory.health, directory.legal)
    for n in range(45):
        org = directory.clinic if n % 2 else directory.foundation
        svc = f.service(f"Usługa {n:02d}", org, at=directory.krakow if n % 3 else directory.sacz, terms=terms,
                        hours=(("MO,TU", "08:00", "12:00"), ("TH", "10:00", "18:00")),
                        cost_options=[("cost", {"option": "Opłata", "amount": "10", "currency": "PLN"})])
        if n % 5 == 0:
            f.translate(svc, "uk", name=f"Послуга {n:02d}")
    assert Service.objects.filter(locale__language_code="pl").count() >= 50
    for lang in ("pl", "uk"):
        with django_assert_max_num_queries(30):
            page = get(client, f"/services?full=true&per_page=50&lang={lang}")
        assert page["size"] == 50
        with django_assert_max_num_queries(50):  # services and locations of the organisations nested
            get(client, f"/organizations?full=true&full_service=true&lang={lang}")
        with django_assert_max_num_queries(30):
            assert get(client, f"/service_at_locations?full=true&per_page=50&lang={lang}")["size"] == 50
        with CaptureQueriesContext(connection) as small:
            get(client, f"/services?full=true&per_page=5&lang={lang}")
        with CaptureQueriesContext(connection) as large:
            get(client, f"/services?full=true&per_page=50&lang={lang}")
        assert len(large) == len(small)  # the number of queries does not grow with the page
