"""The directory as HSDS 3.1 tables: one list of rows (column → text) per table, Polish (source) rows only."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf.locale import LANG_INFO
from django.db.models import Q
from django.utils import translation

from otwarta.directory.models import (
    AccessibilityFeature,
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
    source_locale_id,
)
from otwarta.institutions.models import Institution

from .spec import BY_NAME, TABLES

Rows = list[dict[str, str]]
Tables = dict[str, Rows]

# Ids of rows that have no id of their own (links of a service to a category or to an area): derived from
# what they link, so that an export, an import and a second export give the same ids.
LINK_NAMESPACE = uuid.UUID("5b0c3c5e-2f4e-4d0a-9a51-6b1f1b7c2e11")


def link_id(*parts: Any) -> str:
    return str(uuid.uuid5(LINK_NAMESPACE, ":".join(str(part) for part in parts)))


def text(value: Any) -> str:
    """A value as it is written in a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def row_of(table: str, values: dict[str, Any]) -> dict[str, str]:
    spec = BY_NAME[table]
    return {column: text(values.get(column)) for column in spec.all_columns}


def _key(record: Any) -> str:
    return "" if record is None else str(record.translation_key)


def _uuid(value: Any) -> str:
    return "" if value is None else str(value)


def export_tables(institution: Institution | None = None) -> Tables:
    """Every table of the directory (of ``institution``, or of all institutions when None). Taxonomies and
    categories are shared by all institutions and always exported in full."""
    with translation.override("pl"):
        return _export(institution)


def _export(institution: Institution | None) -> Tables:  # noqa: C901 - one block per table, in order
    source = source_locale_id()
    mine = Q(institution=institution) if institution is not None else Q()
    orgs = list(Organization.objects.filter(mine, locale_id=source).select_related("institution")
                .order_by("translation_key"))
    services = list(Service.objects.filter(mine, locale_id=source).select_related("organization")
                    .prefetch_related("taxonomy_terms", "service_areas").order_by("translation_key"))
    locations = list(Location.objects.filter(mine, locale_id=source).select_related("organization", "county")
                     .order_by("translation_key"))
    org_ids = [o.pk for o in orgs]
    svc_ids = [s.pk for s in services]
    loc_ids = [loc.pk for loc in locations]
    tables: Tables = {spec.name: [] for spec in TABLES}

    for org in orgs:
        tables["organization"].append(row_of("organization", {
            "id": org.hsds_id, "name": org.name, "alternate_name": org.alternate_name,
            "description": org.description, "email": org.email, "website": org.website, "tax_id": org.tax_id,
            "year_incorporated": org.year_incorporated, "legal_status": org.legal_status,
            "otwarta_institution": org.institution.slug, "otwarta_assured_date": org.assured_date,
            "otwarta_assurer_email": org.assurer_email,
        }))
    for svc in services:
        tables["service"].append(row_of("service", {
            "id": svc.hsds_id, "organization_id": _key(svc.organization), "name": svc.name,
            "alternate_name": svc.alternate_name, "description": svc.description, "url": svc.url,
            "email": svc.email, "status": svc.status, "interpretation_services": svc.interpretation_services,
            "application_process": svc.application_process, "fees_description": svc.fees_description,
            "wait_time": svc.wait_time, "eligibility_description": svc.eligibility_description,
            "minimum_age": svc.minimum_age, "maximum_age": svc.maximum_age, "assured_date": svc.assured_date,
            "assurer_email": svc.assurer_email, "alert": svc.alert, "last_modified": svc.last_modified,
            "otwarta_slug": svc.slug, "otwarta_free_of_charge": svc.free_of_charge,
        }))
        for term in sorted(svc.taxonomy_terms.all(), key=lambda t: str(t.translation_key)):
            tables["attribute"].append(row_of("attribute", {
                "id": link_id(svc.hsds_id, term.hsds_id), "link_id": svc.hsds_id, "taxonomy_term_id": term.hsds_id,
                "link_type": "service_category", "link_entity": "service",
            }))
        for area in sorted(svc.service_areas.all(), key=lambda a: a.teryt):
            tables["service_area"].append(row_of("service_area", {
                "id": link_id(svc.hsds_id, area.teryt), "service_id": svc.hsds_id, "name": str(area),
                "extent_type": "teryt", "otwarta_teryt": area.teryt,
            }))
        for block in svc.cost_options:
            value = block.value
            tables["cost_option"].append(row_of("cost_option", {
                "id": block.id, "service_id": svc.hsds_id, "option": value.get("option"),
                "currency": value.get("currency"), "amount": value.get("amount"),
                "amount_description": value.get("amount_description"),
            }))
        for block in svc.required_documents:
            value = block.value
            tables["required_document"].append(row_of("required_document", {
                "id": block.id, "service_id": svc.hsds_id, "document": value.get("document"), "uri": value.get("uri"),
            }))
    features = dict(AccessibilityFeature.choices)
    for loc in locations:
        tables["location"].append(row_of("location", {
            "id": loc.hsds_id, "location_type": loc.location_type, "organization_id": _key(loc.organization),
            "name": loc.name, "alternate_name": loc.alternate_name, "description": loc.description,
            "transportation": loc.transportation, "latitude": loc.latitude, "longitude": loc.longitude,
            "otwarta_county_teryt": loc.county.teryt if loc.county else "",
            "otwarta_municipality": loc.municipality, "otwarta_wheelchair_accessible": loc.wheelchair_accessible,
            "otwarta_closed_on_public_holidays": loc.closed_on_public_holidays,
            "otwarta_assured_date": loc.assured_date, "otwarta_assurer_email": loc.assurer_email,
        }))
        for block in loc.accessibility:
            value = block.value
            tables["accessibility"].append(row_of("accessibility", {
                "id": block.id, "location_id": loc.hsds_id,
                "description": str(features.get(value.get("feature"), value.get("feature") or "")),
                "details": value.get("details"), "url": value.get("url"), "otwarta_feature": value.get("feature"),
            }))

    sals = list(ServiceAtLocation.objects.filter(service_id__in=svc_ids).select_related("service", "location")
                .order_by("id"))
    for sal in sals:
        tables["service_at_location"].append(row_of("service_at_location", {
            "id": sal.hsds_id, "service_id": _key(sal.service), "location_id": _key(sal.location),
            "description": sal.description,
        }))
    for address in Address.objects.filter(location_id__in=loc_ids).select_related("location").order_by("id"):
        tables["address"].append(row_of("address", {
            "id": address.hsds_id, "location_id": _key(address.location), "attention": address.attention,
            "address_1": address.address_1, "address_2": address.address_2, "city": address.city,
            "region": address.region, "state_province": address.state_province,
            "postal_code": address.postal_code, "country": address.country, "address_type": address.address_type,
        }))
    owned = Q(organization_id__in=org_ids) | Q(service_id__in=svc_ids) | Q(location_id__in=loc_ids)
    contacts = list(Contact.objects.filter(owned).select_related("organization", "service", "location")
                    .order_by("id"))
    for contact in contacts:
        tables["contact"].append(row_of("contact", {
            "id": contact.hsds_id, "organization_id": _key(contact.organization),
            "service_id": _key(contact.service), "location_id": _key(contact.location), "name": contact.name,
            "title": contact.title, "department": contact.department, "email": contact.email,
        }))
    phones = list(Phone.objects.filter(owned | Q(contact_id__in=[c.pk for c in contacts]))
                  .select_related("organization", "service", "location").order_by("id"))
    for phone in phones:
        tables["phone"].append(row_of("phone", {
            "id": phone.hsds_id, "location_id": _key(phone.location), "service_id": _key(phone.service),
            "organization_id": _key(phone.organization), "contact_id": _uuid(phone.contact_id),
            "number": phone.number, "extension": phone.extension, "type": phone.type,
            "description": phone.description,
        }))
    languages = Language.objects.filter(
        Q(service_id__in=svc_ids) | Q(location_id__in=loc_ids) | Q(phone_id__in=[p.pk for p in phones])
    ).select_related("service", "location").order_by("id")
    for language in languages:
        tables["language"].append(row_of("language", {
            "id": language.hsds_id, "service_id": _key(language.service), "location_id": _key(language.location),
            "phone_id": _uuid(language.phone_id), "name": LANG_INFO.get(language.code, {}).get("name", ""),
            "code": language.code, "note": language.note,
        }))
    schedules = Schedule.objects.filter(
        Q(service_id__in=svc_ids) | Q(location_id__in=loc_ids) | Q(service_at_location_id__in=[s.pk for s in sals])
    ).select_related("service", "location").order_by("id")
    for schedule in schedules:
        tables["schedule"].append(row_of("schedule", {
            "id": schedule.hsds_id, "service_id": _key(schedule.service), "location_id": _key(schedule.location),
            "service_at_location_id": _uuid(schedule.service_at_location_id), "valid_from": schedule.valid_from,
            "valid_to": schedule.valid_to, "freq": "WEEKLY", "wkst": "MO", "byday": ",".join(schedule.days),
            "description": schedule.description, "opens_at": schedule.opens_at, "closes_at": schedule.closes_at,
            "attending_type": schedule.attending_type,
        }))
    closures = Closure.objects.filter(Q(service_id__in=svc_ids) | Q(location_id__in=loc_ids)).select_related(
        "service", "location").order_by("id")
    for closure in closures:
        tables["otwarta_closure"].append(row_of("otwarta_closure", {
            "id": closure.hsds_id, "service_id": _key(closure.service), "location_id": _key(closure.location),
            "starts_on": closure.starts_on, "ends_on": closure.ends_on, "opens_at": closure.opens_at,
            "closes_at": closure.closes_at, "reason": closure.reason,
        }))

    terms = list(TaxonomyTerm.objects.filter(locale_id=source).select_related("taxonomy", "parent")
                 .order_by("translation_key"))
    for term in terms:
        tables["taxonomy_term"].append(row_of("taxonomy_term", {
            "id": term.hsds_id, "code": term.code, "name": term.name,
            # HSDS requires a description: a category without one repeats its name (read back as empty).
            "description": term.description or term.name, "parent_id": _key(term.parent),
            "taxonomy": term.taxonomy.name, "language": "pl", "taxonomy_id": str(term.taxonomy_id),
            "term_uri": term.term_uri, "otwarta_sort_order": term.sort_order,
        }))
    for taxonomy in Taxonomy.objects.order_by("id"):
        tables["taxonomy"].append(row_of("taxonomy", {
            "id": str(taxonomy.pk), "name": taxonomy.name, "description": taxonomy.description or taxonomy.name,
            "uri": taxonomy.uri, "version": taxonomy.version,
        }))
    return tables


def row_count(tables: Tables) -> int:
    return sum(len(rows) for rows in tables.values())


def columns_of(name: str) -> Iterable[str]:
    return BY_NAME[name].all_columns
