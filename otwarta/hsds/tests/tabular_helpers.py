"""A small but complete directory for the tabular tests (real rows from otwarta.directory.testing)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.users.models import UserProfile

from otwarta.directory import testing as f
from otwarta.directory.models import (
    Address,
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
from otwarta.hsds.tabular import export_tables
from otwarta.hsds.tabular.formats import read_upload

DIRECTORY_MODELS = (Closure, Schedule, Language, Phone, Contact, Address, ServiceAtLocation, Service, Location,
                    Organization, TaxonomyTerm, Taxonomy)


def build_directory() -> dict[str, Any]:
    """Two institutions' records with every kind of row the exchange knows."""
    health = f.term("health", "Zdrowie")
    health.description = "Opieka zdrowotna"
    health.save()
    clinic = f.term("clinic", "Przychodnie")
    clinic.parent = health
    clinic.sort_order = 3
    clinic.save()
    org = f.organization("Przychodnia Testowa", owner=f.institution("urzad"), email="biuro@example.pl",
                         website="https://example.pl/", year_incorporated=1999, tax_id="6760000000")
    loc = f.location(org, "Przychodnia – siedziba", teryt="1261", wheelchair_accessible=True,
                     description="Parter, wejście od ulicy.")
    loc.accessibility = [("accessibility", {"feature": "step_free", "details": "Podjazd", "url": ""}),
                         ("accessibility", {"feature": "lift", "details": "", "url": "https://example.pl/winda"})]
    loc.save()
    svc = f.service("Poradnia lekarska", org, at=loc, terms=(health, clinic), languages=("pl", "uk", "en"),
                    hours=(("MO,TU,WE", "08:00", "12:00"), ("MO,TU,WE", "13:00", "16:30")),
                    free_of_charge=False, minimum_age=18, fees_description="Według cennika")
    svc.cost_options = [("cost", {"option": "Wizyta", "amount": Decimal("120.50"), "currency": "PLN",
                                  "amount_description": "sto dwadzieścia"})]
    svc.required_documents = [("document", {"document": "Paszport", "uri": ""}),
                              ("document", {"document": "Karta pobytu", "uri": "https://example.pl/karta"})]
    svc.save()
    svc.service_areas.set([f.county("1261")])
    contact = Contact.objects.create(service=svc, name="Anna Nowak", title="Rejestratorka", email="a@example.pl")
    phone = Phone.objects.create(contact=contact, number="+48 12 111 22 33", extension="12", type="cell")
    Language.objects.create(phone=phone, code="ru", note="po południu")
    Language.objects.create(location=loc, code="de")
    Closure.objects.create(location=loc, starts_on=dt.date(2025, 12, 24), ends_on=dt.date(2025, 12, 24),
                           reason="Wigilia")
    Closure.objects.create(service=svc, starts_on=dt.date(2025, 12, 31), ends_on=dt.date(2025, 12, 31),
                           opens_at=dt.time(8), closes_at=dt.time(12), reason="Sylwester")
    sal = svc.service_at_locations.get()
    Schedule.objects.create(service_at_location=sal, byday="SA", opens_at=dt.time(9), closes_at=dt.time(11),
                            valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30), attending_type="phone")
    Phone.objects.create(organization=org, number="+48 12 000 11 11", description="Centrala")
    other_org = f.organization("Fundacja Pomocy", owner=f.institution("fundacja"))
    other = f.service("Pomoc prawna", other_org, terms=(health,), languages=("pl",))
    f.translate(svc, "uk", name="Лікарська консультація")
    return {"org": org, "loc": loc, "svc": svc, "other_org": other_org, "other": other, "health": health,
            "clinic": clinic, "phone": phone}


def wipe_directory() -> None:
    for model in DIRECTORY_MODELS:
        model.objects.all().delete()


def user(username: str, language: str = "en") -> Any:
    account = get_user_model().objects.get(username=username)
    profile = UserProfile.get_for_user(account)
    profile.preferred_language = language
    profile.save()
    return account


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def tables_of(name: str, content: bytes) -> dict[str, list[dict[str, str]]]:
    upload = read_upload(name, content)
    assert not upload.problems, upload.problems
    return {key: [values for _n, values in table.rows] for key, table in upload.tables.items()}


def without(tables: dict[str, list[dict[str, str]]], *columns: str) -> dict[str, list[dict[str, str]]]:
    return {name: [{k: v for k, v in row.items() if k not in columns} for row in rows] for name, rows in tables.items()}


def current() -> dict[str, list[dict[str, str]]]:
    return without(export_tables(None), "last_modified")


def new_id() -> str:
    return str(uuid.uuid4())
