"""The tables of the HSDS 3.1 tabular form we exchange, with their columns.

Column names and order follow ``compiled/tabular.json`` of HSDS 3.1 (scalar columns only: the array
properties of the JSON form are the other tables). Our own columns, which HSDS has no place for but a round
trip needs, start with ``otwarta_``; closures are an extra table, ``otwarta_closure``. See
docs/hsds-import-export.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    name: str
    path: str
    columns: tuple[str, ...]  # HSDS columns, in the order of the HSDS tabular schema
    extra: tuple[str, ...] = ()  # our extension columns
    required: tuple[str, ...] = ("id",)  # must be present (and non-empty) in every row of an import
    hsds_required: tuple[str, ...] = ("id",)  # required by the HSDS schema of the object
    description: str = ""
    extension: bool = False  # a table of ours, not of HSDS
    ignored: frozenset[str] = field(default_factory=frozenset)  # HSDS columns we do not keep

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + self.extra

    @property
    def sheet(self) -> str:
        return self.name


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "organization", "organizations.csv",
        ("id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id",
         "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id"),
        ("otwarta_institution", "otwarta_assured_date", "otwarta_assurer_email"),
        required=("id", "name", "description"), hsds_required=("id", "name", "description"),
        description="Organisations delivering services.",
        ignored=frozenset({"tax_status", "logo", "uri", "parent_organization_id"}),
    ),
    TableSpec(
        "service", "services.csv",
        ("id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email", "status",
         "interpretation_services", "application_process", "fees_description", "wait_time", "fees",
         "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date",
         "assurer_email", "licenses", "alert", "last_modified"),
        ("otwarta_slug", "otwarta_free_of_charge"),
        required=("id", "organization_id", "name", "description"), hsds_required=("id", "name", "status"),
        description="Services provided by organisations.",
        ignored=frozenset({"program_id", "fees", "accreditations", "licenses", "last_modified"}),
    ),
    TableSpec(
        "attribute", "attributes.csv",
        ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
        required=("id", "link_id", "taxonomy_term_id"),
        description="Links of services to taxonomy terms (service categories).",
        ignored=frozenset({"link_type", "value"}),
    ),
    TableSpec(
        "service_at_location", "service_at_location.csv",
        ("id", "service_id", "location_id", "description"),
        required=("id", "service_id", "location_id"),
        description="Where each service is delivered.",
    ),
    TableSpec(
        "location", "locations.csv",
        ("id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation",
         "latitude", "longitude", "external_identifier", "external_identifier_type"),
        ("otwarta_county_teryt", "otwarta_municipality", "otwarta_wheelchair_accessible",
         "otwarta_closed_on_public_holidays", "otwarta_assured_date", "otwarta_assurer_email"),
        required=("id", "location_type", "organization_id", "name"), hsds_required=("id", "location_type"),
        description="Places where services are delivered.",
        ignored=frozenset({"url", "external_identifier", "external_identifier_type"}),
    ),
    TableSpec(
        "phone", "phones.csv",
        ("id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number",
         "extension", "type", "description"),
        required=("id", "number"), hsds_required=("id", "number"),
        description="Telephone numbers.",
    ),
    TableSpec(
        "contact", "contacts.csv",
        ("id", "organization_id", "service_id", "service_at_location_id", "location_id", "name", "title",
         "department", "email"),
        description="Contact persons and departments.",
    ),
    TableSpec(
        "address", "addresses.csv",
        ("id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
         "postal_code", "country", "address_type"),
        required=("id", "location_id", "address_1", "city", "postal_code"),
        hsds_required=("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
        description="Addresses of locations.",
    ),
    TableSpec(
        "schedule", "schedules.csv",
        ("id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
         "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday",
         "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes"),
        required=("id", "byday", "opens_at", "closes_at"),
        description="Regular opening hours (weekly; local time in Poland).",
        ignored=frozenset({"dtstart", "timezone", "until", "count", "wkst", "schedule_link", "notes"}),
    ),
    TableSpec(
        "service_area", "service_areas.csv",
        ("id", "service_id", "name", "description", "extent", "extent_type", "uri"),
        ("otwarta_teryt",),
        required=("id", "service_id", "otwarta_teryt"),
        description="Areas served (counties and municipalities of Małopolska by TERYT code).",
        ignored=frozenset({"name", "description", "extent", "extent_type", "uri"}),
    ),
    TableSpec(
        "required_document", "required_documents.csv",
        ("id", "service_id", "document", "uri"),
        required=("id", "service_id", "document"),
        description="Documents to bring.",
    ),
    TableSpec(
        "language", "languages.csv",
        ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
        required=("id", "code"),
        description="Languages spoken (ISO 639 codes).",
        ignored=frozenset({"name"}),
    ),
    TableSpec(
        "accessibility", "accessibility.csv",
        ("id", "location_id", "description", "details", "url"),
        ("otwarta_feature",),
        required=("id", "location_id"),
        description="Accessibility of locations.",
    ),
    TableSpec(
        "taxonomy_term", "taxonomy_terms.csv",
        ("id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"),
        ("otwarta_sort_order",),
        required=("id", "code", "name", "taxonomy_id"), hsds_required=("id", "name", "description"),
        description="Service categories.",
        ignored=frozenset({"taxonomy", "language"}),
    ),
    TableSpec(
        "cost_option", "cost_options.csv",
        ("id", "service_id", "valid_from", "valid_to", "option", "currency", "amount", "amount_description"),
        required=("id", "service_id", "option"),
        description="Fees.",
        ignored=frozenset({"valid_from", "valid_to"}),
    ),
    TableSpec(
        "taxonomy", "taxonomies.csv",
        ("id", "name", "description", "uri", "version"),
        required=("id", "name"), hsds_required=("id", "name", "description"),
        description="Vocabularies of service categories.",
    ),
    TableSpec(
        "otwarta_closure", "otwarta_closures.csv",
        ("id", "service_id", "location_id", "starts_on", "ends_on", "opens_at", "closes_at", "reason"),
        required=("id", "starts_on", "ends_on"),
        description="Extension: exceptional closures or shortened hours between two dates (local time in Poland).",
        extension=True,
    ),
)

BY_NAME: dict[str, TableSpec] = {spec.name: spec for spec in TABLES}
BY_PATH: dict[str, TableSpec] = {spec.path: spec for spec in TABLES}
