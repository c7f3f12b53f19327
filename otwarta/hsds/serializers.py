"""HSDS 3.1 JSON objects built from directory rows (see docs/hsds-api.md).

Every function takes *source* (Polish) rows, prefetched with the lookups below, and a ``Context`` that
holds the reader's language and the translation rows of that language (one query per model and page).
Texts are taken field by field from the translation when it has them, else from the Polish row.
Optional fields without a value are left out (the HSDS schemas do not allow ``null``)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext

from otwarta.directory.models import (
    WEEKDAYS,
    AccessibilityFeature,
    Address,
    AttendingType,
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
    source_locale_id,
)
from otwarta.institutions.models import Area, AreaKind

HSDS_VERSION = "3.1"
# Ids of objects that have no row of their own (a taxonomy term attached to a service, a service area,
# the "free of charge" cost option, the wheelchair access entry) are UUID 5 names in this namespace, so
# that they stay the same from one request to the next.
ID_NAMESPACE = uuid.UUID("4f0e1d5c-9a57-5c55-8b51-6f7477617274")
ALL_DAYS = ",".join(WEEKDAYS)


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(str(p) for p in parts)))


def compact(data: dict[str, Any], *, keep: Iterable[str] = ()) -> dict[str, Any]:
    """``data`` without the keys whose value is ``None`` or ``""`` (except those in ``keep``)."""
    kept = set(keep)
    return {k: v for k, v in data.items() if k in kept or (v is not None and v != "")}


def number(value: Decimal | int | float | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return float(value)


def iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def iso_datetime(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def hhmm(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def language_name(code: str) -> str:
    """The name of a language in the active language (Django's catalogue names many languages)."""
    info = LANG_INFO.get(code.lower()) or LANG_INFO.get(code.split("-")[0].lower())
    if not info:
        return code
    if "fallback" in info:
        info = LANG_INFO[info["fallback"][0]]
    return gettext(info["name"])


# --- prefetching -------------------------------------------------------------------------------------
# Every prefetch stores a plain list in ``hsds_<relation>`` (``to_attr``): Django then skips building a
# related manager and a queryset per row, which is most of the cost of a page of nested services.
PREFIX = "hsds_"


def _to(lookup: str, queryset: QuerySet[Any]) -> Prefetch:
    return Prefetch(lookup, queryset, to_attr=PREFIX + lookup.rsplit("__", 1)[-1])


def rel(record: Any, name: str) -> list[Any]:
    """The prefetched rows of ``record.<name>`` (a query when they were not prefetched)."""
    try:
        return record.__dict__[PREFIX + name]  # type: ignore[no-any-return]
    except KeyError:
        return list(getattr(record, name).all())


def _phones(prefix: str = "") -> Prefetch:
    languages = _to("languages", Language.objects.order_by("code", "id"))
    return _to(prefix + "phones", Phone.objects.prefetch_related(languages).order_by("number", "id"))


def _contacts(prefix: str = "") -> Prefetch:
    return _to(prefix + "contacts", Contact.objects.prefetch_related(_phones()).order_by("name", "department", "id"))


def _languages(prefix: str = "") -> Prefetch:
    return _to(prefix + "languages", Language.objects.order_by("code", "id"))


def _closures(prefix: str = "") -> Prefetch:
    return _to(prefix + "closures", Closure.objects.order_by("starts_on", "id"))


def _schedules(prefix: str = "") -> Prefetch:
    return _to(prefix + "schedules", Schedule.objects.order_by("opens_at", "byday", "id"))


def _location_inner(prefix: str = "") -> list[Prefetch]:
    return [_to(prefix + "addresses", Address.objects.order_by("id")), _languages(prefix), _phones(prefix),
            _contacts(prefix), _schedules(prefix), _closures(prefix)]


def service_lookups(*, full: bool, with_locations: bool = True, prefix: str = "") -> list[Prefetch]:
    if not full:
        return []
    lookups = [
        _phones(prefix), _contacts(prefix), _languages(prefix), _schedules(prefix), _closures(prefix),
        _to(prefix + "taxonomy_terms", TaxonomyTerm.objects.select_related("taxonomy", "parent")
            .order_by("sort_order", "name", "id")),
        _to(prefix + "service_areas", Area.objects.order_by("teryt")),
    ]
    if with_locations:
        sals = (ServiceAtLocation.objects.select_related("location__county", "location__organization")
                .prefetch_related(_schedules()).order_by("location__name", "id"))
        lookups.append(_to(prefix + "service_at_locations", sals))
        lookups += _location_inner(f"{prefix}{PREFIX}service_at_locations__location__")
    return lookups


def organization_lookups(*, full: bool, full_service: bool) -> list[Prefetch]:
    if not full:
        return []
    locations = (Location.objects.filter(locale_id=source_locale_id()).select_related("county", "organization")
                 .order_by("name", "id"))
    services = Service.objects.filter(locale_id=source_locale_id()).order_by("name", "id")
    return [_phones(), _contacts(), _to("locations", locations), *_location_inner(f"{PREFIX}locations__"),
            _to("services", services), *service_lookups(full=full_service, prefix=f"{PREFIX}services__")]


def service_at_location_lookups(*, full: bool) -> list[Prefetch]:
    if not full:
        return []
    # ``service`` and ``location`` are already joined (select_related) by the view
    return [_schedules(), *_location_inner("location__"),
            *service_lookups(full=True, with_locations=False, prefix="service__")]


# --- context -----------------------------------------------------------------------------------------
@dataclass
class Context:
    """The language of a response and the translation rows it uses."""

    lang: str
    locale_id: int | None = None  # None for Polish (the source rows already hold the texts)
    translations: dict[type, dict[uuid.UUID, Any]] = field(default_factory=dict)
    today: dt.date = field(default_factory=timezone.localdate)
    _region: list[Area | None] = field(default_factory=list)

    def load(self, model: type, records: Iterable[Any]) -> None:
        """Fetch the translations of ``records`` (one query; none for Polish or when already loaded)."""
        if self.locale_id is None:
            return
        known = self.translations.setdefault(model, {})
        keys = {r.translation_key for r in records} - set(known)
        if keys:
            for row in model._default_manager.filter(locale_id=self.locale_id,  # type: ignore[attr-defined]
                                                     translation_key__in=keys):
                known[row.translation_key] = row

    def translation(self, record: Any) -> Any:
        return self.translations.get(type(record), {}).get(record.translation_key)

    def text(self, record: Any, name: str) -> str:
        translated = self.translation(record)
        value = getattr(translated, name, "") if translated is not None else ""
        return value or getattr(record, name) or ""

    def blocks(self, record: Any, name: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        """(block id, Polish value, translated value or {}) of a StreamField, matched by block id."""
        translated = self.translation(record)
        by_id = {child.id: child.value for child in getattr(translated, name)} if translated is not None else {}
        return [(child.id, child.value, by_id.get(child.id) or {}) for child in getattr(record, name)]

    def last_modified(self, record: Any) -> dt.datetime:
        translated = self.translation(record)
        if translated is not None and translated.last_modified > record.last_modified:
            return translated.last_modified
        return record.last_modified

    def region(self) -> Area | None:
        if not self._region:
            self._region.append(Area.objects.filter(kind=AreaKind.REGION).order_by("teryt").first())
        return self._region[0]


def block_text(polish: dict[str, Any], translated: dict[str, Any], name: str) -> str:
    return str(translated.get(name) or polish.get(name) or "")


def utc_offset(day: dt.date, at: dt.time | None = None) -> int | float:
    offset = dt.datetime.combine(day, at or dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE)).utcoffset()
    hours = (offset or dt.timedelta()).total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours


# --- small objects -----------------------------------------------------------------------------------
def language(row: Language, **owner: str) -> dict[str, Any]:
    return compact({
        "id": row.hsds_id, **owner, "name": language_name(row.code), "code": row.code, "note": row.note,
        "attributes": [], "metadata": [],
    })


def phone(row: Phone, **owner: str) -> dict[str, Any]:
    return compact({
        "id": row.hsds_id, **owner, "number": row.number,
        "extension": int(row.extension) if row.extension.isdigit() else None,
        "type": row.type, "description": row.description,
        "languages": [language(lang, phone_id=row.hsds_id) for lang in rel(row, "languages")],
        "attributes": [], "metadata": [],
    })


def contact(row: Contact, **owner: str) -> dict[str, Any]:
    return compact({
        "id": row.hsds_id, **owner, "name": row.name, "title": row.title, "department": row.department,
        "email": row.email, "phones": [phone(p, contact_id=row.hsds_id) for p in rel(row, "phones")],
        "attributes": [], "metadata": [],
    })


def schedule(row: Schedule, ctx: Context, *, notes: str = "", **owner: str) -> dict[str, Any]:
    reference = max(ctx.today, row.valid_from) if row.valid_from else ctx.today
    if row.valid_to and reference > row.valid_to:
        reference = row.valid_to
    return compact({
        "id": row.hsds_id, **owner,
        "valid_from": iso_date(row.valid_from), "valid_to": iso_date(row.valid_to),
        "timezone": utc_offset(reference, row.opens_at),
        "freq": "WEEKLY", "wkst": "MO", "interval": 1, "byday": ",".join(row.days),
        "opens_at": hhmm(row.opens_at), "closes_at": hhmm(row.closes_at),
        "attending_type": str(AttendingType(row.attending_type).label) if row.attending_type else None,
        "description": row.description, "notes": notes, "attributes": [], "metadata": [],
    })


def closure(row: Closure, ctx: Context, **owner: str) -> dict[str, Any]:
    """A holiday or exceptional closure (or shortened hours) as a schedule entry limited to its dates."""
    label = gettext("Closed all day") if row.closed_all_day else gettext("Shortened hours")
    return compact({
        "id": row.hsds_id, **owner,
        "valid_from": iso_date(row.starts_on), "valid_to": iso_date(row.ends_on),
        "dtstart": iso_date(row.starts_on), "until": iso_date(row.ends_on),
        "timezone": utc_offset(row.starts_on, row.opens_at),
        "freq": "WEEKLY", "wkst": "MO", "byday": ALL_DAYS,
        "opens_at": hhmm(row.opens_at), "closes_at": hhmm(row.closes_at),
        "description": f"{label}: {row.reason}" if row.reason else label,
        "attributes": [], "metadata": [],
    })


def taxonomy(row: Taxonomy) -> dict[str, Any]:
    return compact({"id": str(row.id), "name": row.name, "description": row.description, "uri": row.uri,
                    "version": row.version, "metadata": []}, keep=("description",))


def taxonomy_term(row: TaxonomyTerm, ctx: Context) -> dict[str, Any]:
    translated = ctx.translation(row)
    return compact({
        "id": row.hsds_id, "code": row.code, "name": ctx.text(row, "name"),
        "description": ctx.text(row, "description"),
        "parent_id": row.parent.hsds_id if row.parent_id and row.parent else None,
        "taxonomy": row.taxonomy.name, "taxonomy_detail": taxonomy(row.taxonomy),
        "language": ctx.lang if translated is not None and translated.name else settings.LANGUAGE_CODE,
        "taxonomy_id": str(row.taxonomy_id), "term_uri": row.term_uri, "metadata": [],
    }, keep=("description",))


def term_attribute(term: TaxonomyTerm, ctx: Context, *, link_id: str, link_entity: str) -> dict[str, Any]:
    return {
        "id": derived_id("attribute", link_id, term.hsds_id), "link_id": link_id,
        "taxonomy_term_id": term.hsds_id, "link_type": "category", "link_entity": link_entity,
        "label": ctx.text(term, "name"), "taxonomy_term": taxonomy_term(term, ctx), "metadata": [],
    }


# --- organisations -----------------------------------------------------------------------------------
def organization_fields(org: Organization, ctx: Context) -> dict[str, Any]:
    return compact({
        "id": org.hsds_id, "name": ctx.text(org, "name"), "alternate_name": ctx.text(org, "alternate_name"),
        "description": ctx.text(org, "description"), "email": org.email, "website": ctx.text(org, "website"),
        "tax_id": org.tax_id, "year_incorporated": org.year_incorporated, "legal_status": org.legal_status,
    }, keep=("description",))


def organization_full(org: Organization, ctx: Context, *, full_service: bool) -> dict[str, Any]:
    data = organization_fields(org, ctx)
    services = list(rel(org, "services"))
    data.update({
        "contacts": [contact(c, organization_id=org.hsds_id) for c in rel(org, "contacts")],
        "phones": [phone(p, organization_id=org.hsds_id) for p in rel(org, "phones")],
        "locations": [location_full(loc, ctx) for loc in rel(org, "locations")],
        "services": [service_full(s, ctx, nest_organization=False) if full_service else service_fields(s, ctx)
                     for s in services],
        "attributes": [], "metadata": [],
    })
    return data


# --- locations ---------------------------------------------------------------------------------------
def location_fields(loc: Location, ctx: Context) -> dict[str, Any]:
    return compact({
        "id": loc.hsds_id, "location_type": loc.location_type, "organization_id": str(loc.organization.hsds_id),
        "name": ctx.text(loc, "name"), "alternate_name": ctx.text(loc, "alternate_name"),
        "description": ctx.text(loc, "description"), "transportation": ctx.text(loc, "transportation"),
        "latitude": number(loc.latitude), "longitude": number(loc.longitude),
    })


def accessibility(loc: Location, ctx: Context) -> list[dict[str, Any]]:
    entries = []
    if loc.wheelchair_accessible:
        entries.append({"id": derived_id("wheelchair", loc.hsds_id), "location_id": loc.hsds_id,
                        "description": capfirst(gettext("accessible to wheelchair users")),
                        "attributes": [], "metadata": []})
    for block_id, polish, translated in ctx.blocks(loc, "accessibility"):
        feature = polish.get("feature")
        entries.append(compact({
            "id": block_id, "location_id": loc.hsds_id,
            "description": str(AccessibilityFeature(feature).label) if feature in AccessibilityFeature.values
            else feature,
            "details": block_text(polish, translated, "details"), "url": polish.get("url"),
            "attributes": [], "metadata": [],
        }))
    return entries


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def address(row: Any, loc: Location) -> dict[str, Any]:
    return compact({
        "id": row.hsds_id, "location_id": loc.hsds_id, "attention": row.attention, "address_1": row.address_1,
        "address_2": row.address_2, "city": row.city, "region": row.region or (loc.county.name if loc.county else ""),
        "state_province": row.state_province, "postal_code": row.postal_code, "country": row.country,
        "address_type": row.address_type, "attributes": [], "metadata": [],
    }, keep=("state_province", "postal_code", "country"))


def location_full(loc: Location, ctx: Context) -> dict[str, Any]:
    data = location_fields(loc, ctx)
    owner = {"location_id": loc.hsds_id}
    holidays_note = gettext("Closed on public holidays in Poland.") if loc.closed_on_public_holidays else ""
    data.update({
        "languages": [language(lang, location_id=loc.hsds_id) for lang in rel(loc, "languages")],
        "addresses": [address(a, loc) for a in rel(loc, "addresses")],
        "contacts": [contact(c, **owner) for c in rel(loc, "contacts")],
        "accessibility": accessibility(loc, ctx),
        "phones": [phone(p, **owner) for p in rel(loc, "phones")],
        "schedules": [schedule(s, ctx, notes=holidays_note, **owner) for s in rel(loc, "schedules")]
        + [closure(c, ctx, **owner) for c in rel(loc, "closures")],
        "attributes": [], "metadata": [],
    })
    return data


# --- services ----------------------------------------------------------------------------------------
def service_fields(svc: Service, ctx: Context) -> dict[str, Any]:
    """The one-to-one fields of a service (HSDS ``service_list`` without the nested organisation)."""
    return compact({
        "id": svc.hsds_id, "organization_id": str(svc.organization.hsds_id), "name": ctx.text(svc, "name"),
        "alternate_name": ctx.text(svc, "alternate_name"), "description": ctx.text(svc, "description"),
        "url": ctx.text(svc, "url"), "email": svc.email, "status": svc.status,
        "interpretation_services": ctx.text(svc, "interpretation_services"),
        "application_process": ctx.text(svc, "application_process"),
        "fees_description": ctx.text(svc, "fees_description"), "wait_time": ctx.text(svc, "wait_time"),
        "eligibility_description": ctx.text(svc, "eligibility_description"),
        "minimum_age": svc.minimum_age, "maximum_age": svc.maximum_age,
        "assured_date": iso_date(svc.assured_date), "assurer_email": svc.assurer_email,
        "alert": ctx.text(svc, "alert"), "last_modified": iso_datetime(ctx.last_modified(svc)),
    })


def service_list_item(svc: Service, ctx: Context) -> dict[str, Any]:
    data = service_fields(svc, ctx)
    data["organization"] = organization_fields(svc.organization, ctx)
    return data


def service_minimal(svc: Service, ctx: Context) -> dict[str, Any]:
    return {"id": svc.hsds_id, "name": ctx.text(svc, "name"), "status": svc.status,
            "last_modified": iso_datetime(ctx.last_modified(svc))}


def cost_options(svc: Service, ctx: Context) -> list[dict[str, Any]]:
    options = []
    if svc.free_of_charge:
        options.append({"id": derived_id("free", svc.hsds_id), "service_id": svc.hsds_id,
                        "option": capfirst(gettext("free of charge")), "amount": 0, "currency": "PLN",
                        "attributes": [], "metadata": []})
    for block_id, polish, translated in ctx.blocks(svc, "cost_options"):
        options.append(compact({
            "id": block_id, "service_id": svc.hsds_id, "option": block_text(polish, translated, "option"),
            "amount": number(polish.get("amount")),
            "currency": (polish.get("currency") or "").upper() or None,
            "amount_description": block_text(polish, translated, "amount_description"),
            "attributes": [], "metadata": [],
        }))
    return options


def required_documents(svc: Service, ctx: Context) -> list[dict[str, Any]]:
    return [compact({"id": block_id, "service_id": svc.hsds_id, "document": block_text(polish, translated, "document"),
                     "uri": polish.get("uri"), "attributes": [], "metadata": []})
            for block_id, polish, translated in ctx.blocks(svc, "required_documents")]


def service_area(area: Area, svc: Service) -> dict[str, Any]:
    return {"id": derived_id("service_area", svc.hsds_id, area.teryt), "service_id": svc.hsds_id,
            "name": str(area), "description": f"{AreaKind(area.kind).label} (TERYT {area.teryt})",
            "extent": f"TERYT:{area.teryt}", "extent_type": "text", "attributes": [], "metadata": []}


def service_areas(svc: Service, ctx: Context) -> list[dict[str, Any]]:
    areas = list(rel(svc, "service_areas"))
    if not areas and (region := ctx.region()) is not None:
        areas = [region]  # no area given: the whole region
    return [service_area(area, svc) for area in areas]


def service_at_location_in_service(sal: ServiceAtLocation, ctx: Context) -> dict[str, Any]:
    return compact({
        "id": sal.hsds_id, "service_id": str(sal.service.hsds_id), "location_id": str(sal.location.hsds_id),
        "description": sal.description,
        "schedules": [schedule(s, ctx, service_at_location_id=sal.hsds_id) for s in rel(sal, "schedules")],
        "location": location_full(sal.location, ctx), "attributes": [], "metadata": [],
    })


def service_full(svc: Service, ctx: Context, *, nest_organization: bool = True,
                 with_locations: bool = True) -> dict[str, Any]:
    data = service_fields(svc, ctx)
    owner = {"service_id": svc.hsds_id}
    data.update({
        "phones": [phone(p, **owner) for p in rel(svc, "phones")],
        "schedules": [schedule(s, ctx, **owner) for s in rel(svc, "schedules")]
        + [closure(c, ctx, **owner) for c in rel(svc, "closures")],
        "service_areas": service_areas(svc, ctx),
        "languages": [language(lang, **owner) for lang in rel(svc, "languages")],
        "cost_options": cost_options(svc, ctx),
        "required_documents": required_documents(svc, ctx),
        "contacts": [contact(c, **owner) for c in rel(svc, "contacts")],
        "attributes": [term_attribute(t, ctx, link_id=svc.hsds_id, link_entity="service")
                       for t in rel(svc, "taxonomy_terms")],
        "metadata": [],
    })
    if with_locations:
        data["service_at_locations"] = [service_at_location_in_service(sal, ctx)
                                        for sal in rel(svc, "service_at_locations")]
    if nest_organization:
        data["organization"] = organization_fields(svc.organization, ctx)
    return data


def service_at_location_list_item(sal: ServiceAtLocation, ctx: Context) -> dict[str, Any]:
    return compact({
        "id": sal.hsds_id, "service_id": str(sal.service.hsds_id), "location_id": str(sal.location.hsds_id),
        "description": sal.description, "location": location_fields(sal.location, ctx),
        "service": service_list_item(sal.service, ctx),
    })


def service_at_location_full(sal: ServiceAtLocation, ctx: Context) -> dict[str, Any]:
    data = service_at_location_in_service(sal, ctx)
    data.update({"service_areas": [], "contacts": [], "phones": [],
                 "service": service_full(sal.service, ctx, with_locations=False)})
    return data


# --- loading a page ----------------------------------------------------------------------------------
def prepare_services(services: list[Service], ctx: Context, *, full: bool, with_locations: bool = True) -> None:
    prefetch_related_objects(services, *service_lookups(full=full, with_locations=with_locations))
    ctx.load(Service, services)
    ctx.load(Organization, [s.organization for s in services])
    if full:
        ctx.load(TaxonomyTerm, [t for s in services for t in rel(s, "taxonomy_terms")])
        if with_locations:
            ctx.load(Location, [sal.location for s in services for sal in rel(s, "service_at_locations")])


def prepare_organizations(orgs: list[Organization], ctx: Context, *, full: bool, full_service: bool) -> None:
    prefetch_related_objects(orgs, *organization_lookups(full=full, full_service=full_service))
    ctx.load(Organization, orgs)
    if full:
        services = [s for o in orgs for s in rel(o, "services")]
        ctx.load(Service, services)
        ctx.load(Location, [loc for o in orgs for loc in rel(o, "locations")])
        if full_service:
            ctx.load(TaxonomyTerm, [t for s in services for t in rel(s, "taxonomy_terms")])
            ctx.load(Location, [sal.location for s in services for sal in rel(s, "service_at_locations")])


def prepare_service_at_locations(sals: list[ServiceAtLocation], ctx: Context, *, full: bool) -> None:
    prefetch_related_objects(sals, *service_at_location_lookups(full=full))
    ctx.load(Service, [sal.service for sal in sals])
    ctx.load(Organization, [sal.service.organization for sal in sals])
    ctx.load(Location, [sal.location for sal in sals])
    if full:
        ctx.load(TaxonomyTerm, [t for sal in sals for t in rel(sal.service, "taxonomy_terms")])


def activate(ctx: Context) -> Any:
    """``with activate(ctx):`` labels (phone types, accessibility features, …) in the response language."""
    return translation.override(ctx.lang)
