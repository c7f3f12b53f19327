"""Shared by the API tests: validation against the official HSDS 3.1 schemas (read from
``../shared/reference/hsds-3.1``, nothing fetched) and a rich set of directory rows. No tests here."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from otwarta.directory import testing as f
from otwarta.directory.models import (
    Closure,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "hsds-3.1"
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
REFERENCE_OPENAPI = "urn:hsds-3.1:openapi.json"


def reference_dir() -> Path:
    """The reference schemas; their absence is a failure, not a reason to skip."""
    if not (REFERENCE / "compiled" / "service.json").is_file():
        pytest.fail(f"The HSDS 3.1 reference schemas are missing: expected them in {REFERENCE}")
    return REFERENCE


def _retrieve(uri: str) -> Resource[Any]:
    """Map the official schema URLs (and the reference openapi.json) to the local files; anything else
    is an error, so validation never goes to the network."""
    base = reference_dir()
    if uri == REFERENCE_OPENAPI:
        path = base / "openapi.json"
    elif uri.startswith(SCHEMA_BASE):
        path = base / uri[len(SCHEMA_BASE):]
    else:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
    if not path.is_file():
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
    return Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012)


@cache
def registry() -> Registry[Any]:
    return Registry(retrieve=_retrieve)  # type: ignore[call-arg]


@cache
def validator(schema_ref: str) -> Draft202012Validator:
    """A validator for an official schema: ``compiled/service.json``, ``taxonomy.json`` … or a JSON pointer
    into the reference openapi.json (``#/paths/…``)."""
    ref = REFERENCE_OPENAPI + schema_ref if schema_ref.startswith("#") else SCHEMA_BASE + schema_ref
    return Draft202012Validator({"$ref": ref}, registry=registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def reference_response_schema(path: str) -> str:
    """The pointer to the 200 response schema of GET ``path`` in the reference openapi.json."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"#/paths/{escaped}/get/responses/200/content/application~1json/schema"


def assert_valid(instance: Any, schema_ref: str) -> None:
    errors = sorted(validator(schema_ref).iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def is_valid(instance: Any, schema_ref: str) -> bool:
    try:
        validator(schema_ref).validate(instance)
    except ValidationError:
        return False
    return True


# --- rows --------------------------------------------------------------------------------------------
KRAKOW = ("50.061400", "19.936600")
TARNOW = ("50.012100", "20.985800")
NOWY_SACZ = ("49.624900", "20.691400")


@dataclass
class Directory:
    health: TaxonomyTerm
    mental: TaxonomyTerm
    legal: TaxonomyTerm
    other_taxonomy: Taxonomy
    clinic: Organization
    foundation: Organization
    krakow: Location
    tarnow: Location
    sacz: Location
    online: Location
    health_service: Service
    legal_service: Service
    interpreting: Service
    extra: list[Service] = field(default_factory=list)

    @property
    def sources(self) -> list[Service]:
        return [self.health_service, self.legal_service, self.interpreting, *self.extra]


def stream(block_type: str, *values: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(block_type, value) for value in values]


def translated_stream(record: Any, name: str, block_type: str, texts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A StreamField value for a translation: the source's blocks (same ids) with some texts replaced."""
    raw = getattr(record, name).get_prep_value()
    return [{"type": block_type, "id": item["id"], "value": {**item["value"], **text}}
            for item, text in zip(raw, texts, strict=True)]


def build_directory() -> Directory:
    health = f.term("health", "Zdrowie")
    mental = f.term("mental-health", "Zdrowie psychiczne")
    mental.parent = health
    mental.save()
    legal = f.term("legal", "Pomoc prawna")
    other = Taxonomy.objects.create(name="inna", description="Inny słownik")
    TaxonomyTerm.objects.create(taxonomy=other, code="x", name="Termin X", locale_id=health.locale_id)
    f.translate(health, "uk", name="Здоров'я")

    clinic = f.organization("Przychodnia Wielojęzyczna", tax_id="6762460000", website="https://przychodnia.example.pl",
                            email="kontakt@przychodnia.example.pl", year_incorporated=1999)
    foundation = f.organization("Fundacja Pomocy Prawnej", owner=f.institution("fundacja"))
    Phone.objects.create(organization=clinic, number="+48 12 111 11 11", type="voice")
    org_contact = Contact.objects.create(organization=clinic, name="Sekretariat", email="sekretariat@example.pl")
    Phone.objects.create(contact=org_contact, number="+48 12 111 11 12", extension="21")
    f.translate(clinic, "en", name="Multilingual Clinic", description="A clinic where staff speak many languages.")

    krakow = f.location(clinic, "Przychodnia – Kraków", lat=KRAKOW[0], lng=KRAKOW[1], wheelchair_accessible=True,
                        transportation="Tramwaj 4, 13", accessibility=stream(
                            "accessibility", {"feature": "lift", "details": "Winda przy wejściu B", "url": ""},
                            {"feature": "hearing_loop", "details": "W rejestracji", "url": "https://example.pl/petla"}))
    tarnow = f.location(clinic, "Przychodnia – Tarnów", lat=TARNOW[0], lng=TARNOW[1], teryt="1263",
                        municipality="Tarnów", city="Tarnów", street="ul. Wałowa 10", postal_code="33-100")
    sacz = f.location(foundation, "Fundacja – Nowy Sącz", lat=NOWY_SACZ[0], lng=NOWY_SACZ[1], teryt="1262",
                      municipality="Nowy Sącz", city="Nowy Sącz", street="Rynek 1", postal_code="33-300",
                      closed_on_public_holidays=False)
    online = Location.objects.create(organization=foundation, institution=foundation.institution,
                                     name="Porady online", location_type="virtual", locale_id=krakow.locale_id)
    Schedule.objects.create(location=krakow, byday="MO,WE", opens_at=dt.time(8), closes_at=dt.time(18),
                            valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2030, 12, 31))
    Closure.objects.create(location=krakow, starts_on=dt.date(2026, 8, 1), ends_on=dt.date(2026, 8, 14),
                           reason="Remont")
    location_phone = Phone.objects.create(location=krakow, number="+48 12 222 22 22", type="cell",
                                          description="Rejestracja")
    Language.objects.create(phone=location_phone, code="uk", note="Pani Olena")
    Language.objects.create(location=krakow, code="ru")
    Contact.objects.create(location=krakow, department="Rejestracja", email="rejestracja@example.pl")
    krakow.refresh_from_db()
    f.translate(krakow, "uk", name="Поліклініка – Краків",
                accessibility=translated_stream(krakow, "accessibility", "accessibility",
                                                [{"details": "Ліфт біля входу B"}, {}]))

    health_service = f.service(
        "Poradnia zdrowia dla cudzoziemców", clinic, at=krakow, terms=(health, mental), languages=("pl", "uk", "en"),
        hours=(("MO,TU,WE,TH,FR", "08:00", "12:00"), ("MO,TU,WE,TH,FR", "13:00", "16:00")),
        free_of_charge=True, alert="Od marca nowy adres rejestracji.", minimum_age=18,
        description="Porady lekarskie w wielu językach.",
        cost_options=stream("cost", {"option": "Zaświadczenie lekarskie", "amount": Decimal("50.00"),
                                     "currency": "PLN", "amount_description": "za dokument"}),
        required_documents=stream("document", {"document": "Paszport", "uri": ""},
                                  {"document": "Karta pobytu", "uri": "https://example.pl/karta"}),
    )
    ServiceAtLocation.objects.create(service=health_service, location=tarnow, description="Tylko we wtorki")
    sal = health_service.service_at_locations.get(location=krakow)
    Schedule.objects.create(service_at_location=sal, byday="SA", opens_at=dt.time(9), closes_at=dt.time(12),
                            attending_type="phone", description="Dyżur telefoniczny")
    Closure.objects.create(service=health_service, starts_on=dt.date(2026, 12, 24), ends_on=dt.date(2026, 12, 24),
                           opens_at=dt.time(8), closes_at=dt.time(11), reason="Wigilia")
    contact = Contact.objects.create(service=health_service, name="Anna Kowalska", title="Koordynatorka",
                                     email="anna@example.pl")
    contact_phone = Phone.objects.create(contact=contact, number="+48 12 333 33 33", extension="12")
    Language.objects.create(phone=contact_phone, code="en")
    health_service.service_areas.set([f.county("1261"), f.county("1206")])
    health_service.refresh_from_db()
    f.translate(health_service, "uk", name="Медична консультація для іноземців",
                cost_options=translated_stream(health_service, "cost_options", "cost",
                                               [{"option": "Медична довідка"}]),
                required_documents=translated_stream(health_service, "required_documents", "document",
                                                     [{"document": "Паспорт"}, {}]))
    f.translate(health_service, "en", name="Health advice for foreigners", description="Medical advice.")

    legal_service = f.service("Bezpłatna pomoc prawna", foundation, at=sacz, terms=(legal,), languages=("pl", "ru"),
                              phone="+48 18 444 44 44", free_of_charge=True)
    ServiceAtLocation.objects.create(service=legal_service, location=online)
    interpreting = f.service("Tłumaczenia w przychodni", clinic, at=tarnow, terms=(mental,), languages=("ka",),
                             status="inactive", phone="")
    extra = [f.service(f"Usługa dodatkowa {n:02d}", foundation, at=sacz, languages=("pl",)) for n in range(7)]
    return Directory(health=health, mental=mental, legal=legal, other_taxonomy=other, clinic=clinic,
                     foundation=foundation, krakow=krakow, tarnow=tarnow, sacz=sacz, online=online,
                     health_service=health_service, legal_service=legal_service, interpreting=interpreting,
                     extra=extra)


def test_modified_after_with_an_offset_postgresql_refuses_is_read_in_utc() -> None:
    """Found by the fuzz set on PostgreSQL: an offset of +17:13 is valid ISO 8601 for Python but out of range
    for PostgreSQL (DataError, a 500). The value is converted to UTC before it reaches the database."""
    import datetime as dt

    from django.http import QueryDict

    from otwarta.hsds.pagination import ApiError, datetime_param

    value = datetime_param(QueryDict("modified_after=2026-04-20T07:20:19%2B17:13"), "modified_after")
    assert value == dt.datetime(2026, 4, 19, 14, 7, 19, tzinfo=dt.UTC)
    assert value is not None and value.utcoffset() == dt.timedelta(0)
    try:
        datetime_param(QueryDict("modified_after=0001-01-01T00:00:00%2B05:00"), "modified_after")
    except ApiError:
        pass
    else:
        raise AssertionError("a date-time before year 1 in UTC must be refused")
