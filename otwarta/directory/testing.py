"""Small factories for tests of the directory (and of apps that use it): real rows, no mocks."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.utils.text import slugify
from wagtail.models import Locale

from otwarta.institutions.models import Area, Institution

from .models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    source_locale_id,
)


def institution(slug: str = "urzad") -> Institution:
    return Institution.objects.get(slug=slug)


def county(teryt: str = "1261") -> Area:
    return Area.objects.get(teryt=teryt)


def term(code: str = "health", name: str = "Zdrowie") -> TaxonomyTerm:
    taxonomy, _ = Taxonomy.objects.get_or_create(name="otwarta", defaults={"description": "Kategorie usług"})
    found, _ = TaxonomyTerm.objects.get_or_create(
        taxonomy=taxonomy, code=code, locale_id=source_locale_id(), defaults={"name": name},
    )
    return found


def organization(name: str = "Przychodnia Testowa", owner: Institution | None = None, **fields: Any) -> Organization:
    return Organization.objects.create(
        name=name, description=fields.pop("description", "Opis organizacji."),
        institution=owner or institution(), locale_id=source_locale_id(), **fields,
    )


def location(org: Organization, name: str = "Siedziba", *, lat: str = "50.061400", lng: str = "19.936600",
             teryt: str = "1261", municipality: str = "Kraków", city: str = "Kraków",
             street: str = "ul. Floriańska 1", postal_code: str = "31-019", **fields: Any) -> Location:
    loc = Location.objects.create(
        organization=org, institution=org.institution, name=name, latitude=Decimal(lat), longitude=Decimal(lng),
        county=county(teryt), municipality=municipality, locale_id=source_locale_id(), **fields,
    )
    Address.objects.create(location=loc, address_1=street, city=city, postal_code=postal_code)
    return loc


def service(name: str = "Poradnia ogólna", org: Organization | None = None, *,
            languages: tuple[str, ...] = ("pl", "uk"), terms: tuple[TaxonomyTerm, ...] = (),
            hours: tuple[tuple[str, str, str], ...] = (("MO,TU,WE,TH,FR", "08:00", "16:00"),),
            at: Location | None = None, phone: str = "+48 12 000 00 00", **fields: Any) -> Service:
    """A Polish (source) service with a location, weekday hours, a phone and languages."""
    org = org or organization()
    svc = Service.objects.create(
        organization=org, institution=org.institution, name=name,
        slug=fields.pop("slug", slugify(name) or uuid.uuid4().hex[:8]),
        description=fields.pop("description", "Opis usługi."), locale_id=source_locale_id(), **fields,
    )
    loc = at or location(org)
    ServiceAtLocation.objects.create(service=svc, location=loc)
    for byday, opens, closes in hours:
        Schedule.objects.create(service=svc, byday=byday, opens_at=dt.time.fromisoformat(opens),
                                closes_at=dt.time.fromisoformat(closes))
    for code in languages:
        Language.objects.create(service=svc, code=code)
    if phone:
        Phone.objects.create(service=svc, number=phone)
    if terms:
        svc.taxonomy_terms.set(terms)
    return svc


def translate(record: Any, language_code: str, **texts: Any) -> Any:
    """A translation of ``record`` (a wagtail-localize copy, as the "Translate" action makes it)."""
    locale = Locale.objects.get(language_code=language_code)
    copy = record.copy_for_translation(locale)
    for name, value in texts.items():
        setattr(copy, name, value)
    copy.save()
    return copy
