"""Import of HSDS 3.1 tables: every row is checked first and every problem reported (file or sheet, row,
column, message in the user's language); only a file without problems is written, in one transaction.

Records are matched by their HSDS id (``translation_key`` of organisations, services, locations and
categories; the UUID of child rows; the block id of fees, documents and accessibility). Only the Polish
(source) rows are written: translations keep their texts, and a changed Polish record makes them outdated
through the translation status (the ``post_save`` signal of otwarta.translations). See
docs/hsds-import-export.md for the rules (ownership, what is replaced, limits).
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log

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
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
    source_locale_id,
)
from otwarta.institutions.models import Area, Institution

from .formats import RawTable, Upload
from .spec import BY_NAME

LOG_ACTION = "otwarta_hsds.import"
INVALID = object()  # a cell that could not be read (the problem is already reported)
TRUE = {"true", "1", "yes", "y", "t", "tak", "prawda"}
FALSE = {"false", "0", "no", "n", "f", "nie", "fałsz"}
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
TRANSLATABLE = (Organization, Service, Location, TaxonomyTerm)
CHILD_TABLES = ("service_at_location", "address", "contact", "phone", "language", "schedule", "otwarta_closure")
LIST_TABLES = ("attribute", "service_area", "cost_option", "required_document", "accessibility")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str
    message: str


@dataclass
class Row:
    number: int
    id: str
    fields: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class Result:
    counts: dict[str, Counts]
    institutions: set[int]

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.counts.values())


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _stream(model: type[models.Model], name: str) -> Any:
    stream_field: Any = model._meta.get_field(name)
    return stream_field.stream_block


def _cmp(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


class Importer:
    """``allowed``: ids of the institutions whose records the user may change (None: every institution);
    ``default_institution``: the owner of new organisations whose row names none."""

    def __init__(self, upload: Upload, allowed: set[int] | None, default_institution: Institution | None = None,
                 user: Any = None, categories: bool | None = None) -> None:
        self.upload = upload
        self.allowed = allowed
        # Categories are shared: by default only who may change every institution's records changes them.
        self.categories = allowed is None if categories is None else categories
        self.default_institution = default_institution
        self.user = user
        self.problems: list[Problem] = [Problem(*p) for p in upload.problems]
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.source = source_locale_id()
        self.institutions = {i.slug: i for i in Institution.objects.all()}
        self.institution_names = {i.pk: str(i) for i in self.institutions.values()}
        self.areas = {a.teryt: a.pk for a in Area.objects.all()}
        # HSDS id → (pk, institution id) of the existing Polish rows
        self.db: dict[type[models.Model], dict[str, tuple[int, int | None]]] = {}
        for model in TRANSLATABLE:
            rows: Any = model.objects.filter(locale_id=self.source)  # type: ignore[attr-defined]
            if model is TaxonomyTerm:
                self.db[model] = {str(k): (pk, None) for k, pk in rows.values_list("translation_key", "pk")}
            else:
                self.db[model] = {str(k): (pk, inst) for k, pk, inst in
                                  rows.values_list("translation_key", "pk", "institution_id")}
        self._known: dict[str, set[str]] = {}
        self.owner: dict[str, dict[str, int | None]] = {"organization": {}, "service": {}, "location": {}}
        self.validated = False

    # --- reporting -----------------------------------------------------------------------------------
    def problem(self, table: RawTable, row: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(table.source, row, column, message))

    def may_edit(self, institution_id: int | None) -> bool:
        return self.allowed is None or institution_id in self.allowed

    def other_institution(self, institution_id: int | None) -> str:
        return _("This record belongs to %(institution)s; you may not change it.") % {
            "institution": self.institution_names.get(institution_id or 0, "?")}

    # --- cells ---------------------------------------------------------------------------------------
    def cell(self, table: RawTable, row: Row, values: dict[str, str], column: str, model: type[models.Model],
             name: str, target: str | None = None, transform: Callable[[str], str] | None = None) -> Any:
        """Read ``column`` into the model field ``name`` (stored in ``row.fields[target or name]``)."""
        if column not in table.header:
            return None
        raw = values.get(column, "")
        if transform is not None:
            raw = transform(raw)
        model_field: Any = model._meta.get_field(name)
        value: Any
        if isinstance(model_field, models.BooleanField):
            if raw.lower() in TRUE:
                value = True
            elif raw.lower() in FALSE:
                value = False
            elif not raw:
                value = model_field.get_default()
            else:
                self.problem(table, row.number, column, _("Write true or false."))
                return INVALID
        elif not raw and model_field.has_default():
            value = model_field.get_default()
        elif not raw and model_field.null:
            value = None
        else:
            choices = getattr(model_field, "choices", None)
            if choices and raw not in {str(c[0]) for c in choices} and raw:
                self.problem(table, row.number, column, _("Unknown value “%(value)s”; use one of: %(choices)s.") % {
                    "value": raw, "choices": ", ".join(str(c[0]) for c in choices)})
                return INVALID
            if isinstance(model_field, models.TimeField) and re.search(r"(Z|[+-]\d\d:?\d\d)$", raw):
                self.problem(table, row.number, column, _(
                    "Give the time without a time zone, as local time in Poland (HH:MM)."))
                return INVALID
            try:
                value = model_field.clean(raw, None)
            except ValidationError as error:
                self.problem(table, row.number, column, " ".join(str(m) for m in error.messages))
                return INVALID
        row.fields[target or name] = value
        return value

    def required(self, table: RawTable, row: Row, values: dict[str, str], *columns: str) -> None:
        for column in columns:
            if column in table.header and not values.get(column):
                self.problem(table, row.number, column, _("This column must not be empty."))

    def ref(self, table: RawTable, row: Row, values: dict[str, str], column: str, target: str,
            required: bool = False) -> str | None | object:
        """A reference to a row of ``target`` (in the file or in the directory)."""
        raw = values.get(column, "") if column in table.header else ""
        if not raw:
            if required and column in table.header:
                self.problem(table, row.number, column, _("This column must not be empty."))
                return INVALID
            row.refs[column] = None
            return None
        try:
            key = str(uuid.UUID(raw))
        except ValueError:
            self.problem(table, row.number, column, _("“%(value)s” is not a valid identifier (UUID).") % {
                "value": raw})
            return INVALID
        if key not in self.known(target):
            self.problem(table, row.number, column, _(
                "There is no %(table)s with the id %(id)s in the file or in the directory.") % {
                "table": target, "id": key})
            return INVALID
        row.refs[column] = key
        return key

    def unsupported(self, table: RawTable, row: Row, values: dict[str, str], *columns: str) -> None:
        for column in columns:
            if values.get(column):
                self.problem(table, row.number, column, _("This directory cannot store this column; leave it "
                                                          "empty."))

    # --- ids -----------------------------------------------------------------------------------------
    def known(self, table: str) -> set[str]:
        if table not in self._known:
            ids = {row.id for row in self.rows.get(table, [])}
            model = {"organization": Organization, "service": Service, "location": Location,
                     "taxonomy_term": TaxonomyTerm}.get(table)
            if model is not None:
                ids |= set(self.db[model])
            else:
                other = {"taxonomy": Taxonomy, "contact": Contact, "phone": Phone,
                         "service_at_location": ServiceAtLocation}[table]
                ids |= {str(pk) for pk in other.objects.values_list("pk", flat=True)}  # type: ignore[attr-defined]
            self._known[table] = ids
        return self._known[table]

    def rows_of(self, name: str) -> Iterable[tuple[RawTable, Row, dict[str, str]]]:
        """The rows of table ``name`` with a valid, unique id (others are reported)."""
        table = self.upload.tables.get(name)
        if table is None:
            return
        spec = BY_NAME[name]
        missing = [c for c in spec.required if c not in table.header]
        for column in missing:
            self.problem(table, 1, column, _("The required column “%(column)s” is missing.") % {"column": column})
        if missing:
            return
        first: dict[str, int] = {}
        for number, values in table.rows:
            raw = values.get("id", "")
            try:
                key = str(uuid.UUID(raw))
            except ValueError:
                self.problem(table, number, "id", _("“%(value)s” is not a valid identifier (UUID).") % {"value": raw}
                             if raw else _("This column must not be empty."))
                continue
            if key in first:
                self.problem(table, number, "id", _("The id %(id)s appears twice (also in row %(row)d).") % {
                    "id": key, "row": first[key]})
                continue
            first[key] = number
            row = Row(number, key)
            self.rows[name].append(row)
            yield table, row, values

    # --- validation ----------------------------------------------------------------------------------
    def validate(self) -> list[Problem]:
        # Ids first (references may point forwards), then the cells of every table.
        readers = [
            ("taxonomy", self._taxonomy), ("taxonomy_term", self._term), ("organization", self._organization),
            ("location", self._location), ("service", self._service), ("service_at_location", self._sal),
            ("address", self._address), ("contact", self._contact), ("phone", self._phone),
            ("language", self._language), ("schedule", self._schedule), ("otwarta_closure", self._closure),
            ("attribute", self._attribute), ("service_area", self._service_area),
            ("cost_option", self._cost_option), ("required_document", self._document),
            ("accessibility", self._accessibility),
        ]
        pending: list[tuple[Callable[..., None], RawTable, Row, dict[str, str]]] = []
        for name, reader in readers:
            for table, row, values in self.rows_of(name):
                pending.append((reader, table, row, values))
        for reader, table, row, values in pending:
            reader(table, row, values)
        self._check_unique()
        self._check_children_ownership()
        self.validated = True
        self.problems.sort(key=lambda p: (p.file, p.row or 0, p.column))
        return self.problems

    def _existing_owner(self, model: type[models.Model], key: str) -> tuple[bool, int | None]:
        found = self.db[model].get(key)
        return (found is not None, found[1] if found else None)

    def _taxonomy(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("name", "description", "uri", "version"):
            self.cell(t, row, v, column, Taxonomy, column)
        if row.fields.get("description") == row.fields.get("name"):
            row.fields["description"] = ""  # the export repeats the name where HSDS requires a description
        self._vocabulary_change(t, row, Taxonomy.objects.filter(pk=row.id).first())

    def _term(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("code", "name", "description", "term_uri"):
            self.cell(t, row, v, column, TaxonomyTerm, column)
        self.cell(t, row, v, "otwarta_sort_order", TaxonomyTerm, "sort_order")
        if row.fields.get("description") == row.fields.get("name"):
            row.fields["description"] = ""
        self.ref(t, row, v, "taxonomy_id", "taxonomy", required=True)
        self.ref(t, row, v, "parent_id", "taxonomy_term")
        if row.refs.get("parent_id") == row.id:
            self.problem(t, row.number, "parent_id", _("A category cannot be its own broader term."))
        existing = TaxonomyTerm.objects.filter(translation_key=row.id, locale_id=self.source).first()
        self._vocabulary_change(t, row, existing, {"taxonomy_id": "taxonomy_id", "parent_id": "parent"})

    def _vocabulary_change(self, t: RawTable, row: Row, existing: Any, refs: dict[str, str] | None = None) -> None:
        """Categories are shared by every institution: only regional administrators add or change them."""
        if self.categories:
            return
        changed = existing is None or any(_cmp(getattr(existing, k)) != _cmp(value)
                                          for k, value in row.fields.items())
        for column, attr in (refs or {}).items():
            if column in t.header and existing is not None:
                current = getattr(existing, attr)
                current_id = str(current if column == "taxonomy_id" else getattr(current, "translation_key", ""))
                if current is None:
                    current_id = ""
                changed = changed or current_id != (row.refs.get(column) or "")
        if changed:
            self.problem(t, row.number, "id", _("Only regional administrators may add or change service "
                                                "categories."))

    def _assured(self, t: RawTable, row: Row, v: dict[str, str], model: type[models.Model], prefix: str) -> None:
        date = self.cell(t, row, v, f"{prefix}assured_date", model, "assured_date")
        if date not in (None, INVALID) and date > timezone.localdate():
            self.problem(t, row.number, f"{prefix}assured_date", _("The date cannot be in the future."))
        if f"{prefix}assured_date" in t.header and date is None:
            row.fields["assured_date"] = timezone.localdate()
        self.cell(t, row, v, f"{prefix}assurer_email", model, "assurer_email")

    def _organization(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("name", "alternate_name", "description", "email", "website", "tax_id", "year_incorporated",
                       "legal_status"):
            self.cell(t, row, v, column, Organization, column)
        self.required(t, row, v, "name", "description")
        self._assured(t, row, v, Organization, "otwarta_")
        exists, current = self._existing_owner(Organization, row.id)
        if exists and not self.may_edit(current):
            self.problem(t, row.number, "id", self.other_institution(current))
            return
        slug = v.get("otwarta_institution", "")
        owner: int | None = current
        if slug:
            named = self.institutions.get(slug)
            if named is None:
                self.problem(t, row.number, "otwarta_institution", _("There is no institution “%(slug)s”.") % {
                    "slug": slug})
                return
            if not self.may_edit(named.pk):
                self.problem(t, row.number, "otwarta_institution", _(
                    "You may not add or move records to %(institution)s.") % {"institution": str(named)})
                return
            if not exists or self.allowed is None:
                owner = named.pk
        elif not exists:
            if self.default_institution is None:
                self.problem(t, row.number, "otwarta_institution", _(
                    "Choose the institution that will maintain the new organisations."))
                return
            owner = self.default_institution.pk
        row.fields["institution_id"] = owner
        self.owner["organization"][row.id] = owner

    def _org_owner(self, key: str | None) -> int | None:
        if key is None:
            return None
        if key in self.owner["organization"]:
            return self.owner["organization"][key]
        found = self.db[Organization].get(key)
        return found[1] if found else None

    def _record_with_org(self, t: RawTable, row: Row, v: dict[str, str], model: type[models.Model],
                         table: str) -> None:
        exists, current = self._existing_owner(model, row.id)
        if exists and not self.may_edit(current):
            self.problem(t, row.number, "id", self.other_institution(current))
            return
        org = self.ref(t, row, v, "organization_id", "organization", required=True)
        if org is INVALID:
            return
        if org is None:
            if not exists:
                self.problem(t, row.number, "organization_id", _("This column must not be empty."))
            self.owner[table][row.id] = current
            return
        owner = self._org_owner(org)  # type: ignore[arg-type]
        if not self.may_edit(owner):
            self.problem(t, row.number, "organization_id", _(
                "The organisation belongs to %(institution)s; you may not add records to it.") % {
                "institution": self.institution_names.get(owner or 0, "?")})
            return
        row.fields["institution_id"] = owner
        self.owner[table][row.id] = owner

    def _location(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("location_type", "name", "alternate_name", "description", "transportation", "latitude",
                       "longitude"):
            self.cell(t, row, v, column, Location, column)
        self.required(t, row, v, "name")
        self.cell(t, row, v, "otwarta_municipality", Location, "municipality")
        self.cell(t, row, v, "otwarta_wheelchair_accessible", Location, "wheelchair_accessible")
        self.cell(t, row, v, "otwarta_closed_on_public_holidays", Location, "closed_on_public_holidays")
        self._assured(t, row, v, Location, "otwarta_")
        if "otwarta_county_teryt" in t.header:
            teryt = v.get("otwarta_county_teryt", "")
            if teryt and teryt not in self.areas:
                self.problem(t, row.number, "otwarta_county_teryt", _("There is no area with the TERYT code "
                                                                      "“%(code)s”.") % {"code": teryt})
            else:
                row.fields["county_id"] = self.areas.get(teryt) if teryt else None
        lat, lng = row.fields.get("latitude", INVALID), row.fields.get("longitude", INVALID)
        if {"latitude", "longitude"} <= set(t.header) and (lat is None) != (lng is None):
            self.problem(t, row.number, "latitude" if lat is None else "longitude",
                         _("Give both the latitude and the longitude, or neither."))
        self._record_with_org(t, row, v, Location, "location")

    def _service(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("name", "alternate_name", "description", "url", "email", "interpretation_services",
                       "application_process", "fees_description", "wait_time", "eligibility_description",
                       "minimum_age", "maximum_age", "alert"):
            self.cell(t, row, v, column, Service, column)
        self.required(t, row, v, "name", "description")
        self.cell(t, row, v, "status", Service, "status",
                  transform=lambda s: ServiceStatus.INACTIVE if s == "temporarily closed" else s)
        if "status" in t.header and not v.get("status"):
            row.fields["status"] = ServiceStatus.ACTIVE
        self._assured(t, row, v, Service, "")
        self.cell(t, row, v, "otwarta_slug", Service, "slug")
        self.cell(t, row, v, "otwarta_free_of_charge", Service, "free_of_charge")
        low, high = row.fields.get("minimum_age"), row.fields.get("maximum_age")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.problem(t, row.number, "maximum_age", _("The maximum age cannot be lower than the minimum age."))
        self.unsupported(t, row, v, "program_id")
        self._record_with_org(t, row, v, Service, "service")

    def _owner_of(self, table: str, key: str | None) -> int | None:
        if key is None:
            return None
        if key in self.owner[table]:
            return self.owner[table][key]
        model = {"organization": Organization, "service": Service, "location": Location}[table]
        found = self.db[model].get(key)
        return found[1] if found else None

    def _parents(self, t: RawTable, row: Row, v: dict[str, str], columns: dict[str, str],
                 at_least_one: bool = True) -> bool:
        """References to the records a child row belongs to; every one must be the user's."""
        ok = True
        for column, target in columns.items():
            key = self.ref(t, row, v, column, target)
            if key is INVALID:
                ok = False
            elif key is not None and target in self.owner:
                owner = self._owner_of(target, key)  # type: ignore[arg-type]
                if not self.may_edit(owner):
                    self.problem(t, row.number, column, _(
                        "The %(table)s belongs to %(institution)s; you may not change its data.") % {
                        "table": target, "institution": self.institution_names.get(owner or 0, "?")})
                    ok = False
        if ok and at_least_one and not any(row.refs.get(c) for c in columns):
            self.problem(t, row.number, next(iter(columns)), _("The row must belong to one of: %(columns)s.") % {
                "columns": ", ".join(c for c in columns if c in t.header) or ", ".join(columns)})
            ok = False
        return ok

    def _sal(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        self.cell(t, row, v, "description", ServiceAtLocation, "description")
        self._parents(t, row, v, {"service_id": "service"})
        self.ref(t, row, v, "location_id", "location", required=True)

    def _address(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("attention", "address_1", "address_2", "city", "region", "state_province", "postal_code",
                       "country", "address_type"):
            self.cell(t, row, v, column, Address, column)
        self.required(t, row, v, "address_1", "city", "postal_code")
        self._parents(t, row, v, {"location_id": "location"})

    def _contact(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("name", "title", "department", "email"):
            self.cell(t, row, v, column, Contact, column)
        self.unsupported(t, row, v, "service_at_location_id")
        self._parents(t, row, v, {"organization_id": "organization", "service_id": "service",
                                  "location_id": "location"})

    def _phone(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("number", "extension", "type", "description"):
            self.cell(t, row, v, column, Phone, column)
        self.required(t, row, v, "number")
        self.unsupported(t, row, v, "service_at_location_id")
        self._parents(t, row, v, {"organization_id": "organization", "service_id": "service",
                                  "location_id": "location", "contact_id": "contact"})

    def _language(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        code = v.get("code", "")
        if code and not LANGUAGE_CODE.match(code):
            self.problem(t, row.number, "code", _("“%(value)s” is not an ISO 639 language code (e.g. uk, en).")
                         % {"value": code})
        self.cell(t, row, v, "code", Language, "code")
        self.required(t, row, v, "code")
        self.cell(t, row, v, "note", Language, "note")
        self._parents(t, row, v, {"service_id": "service", "location_id": "location", "phone_id": "phone"})

    def _times(self, t: RawTable, row: Row, opens: str, closes: str, start: str, end: str) -> None:
        o, c = row.fields.get(opens), row.fields.get(closes)
        if o not in (None, INVALID) and c not in (None, INVALID) and o >= c:
            self.problem(t, row.number, closes, _("The closing time must be after the opening time."))
        s, e = row.fields.get(start), row.fields.get(end)
        if s not in (None, INVALID) and e not in (None, INVALID) and s > e:
            self.problem(t, row.number, end, _("The end date cannot be before the start date."))

    def _schedule(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        days = [d.strip().upper() for d in v.get("byday", "").split(",") if d.strip()]
        if not days or any(d not in WEEKDAYS for d in days):
            self.problem(t, row.number, "byday", _("Use the codes MO, TU, WE, TH, FR, SA, SU separated by commas."))
        else:
            row.fields["byday"] = ",".join(days)
        freq = v.get("freq", "").upper()
        if freq and freq != "WEEKLY":
            self.problem(t, row.number, "freq", _("Only weekly opening hours (WEEKLY) can be imported."))
        if v.get("interval", "") not in ("", "1"):
            self.problem(t, row.number, "interval", _("Only weekly opening hours (interval 1) can be imported."))
        self.unsupported(t, row, v, "byweekno", "bymonthday", "byyearday")
        for column in ("opens_at", "closes_at", "valid_from", "valid_to", "description"):
            self.cell(t, row, v, column, Schedule, column)
        self.required(t, row, v, "opens_at", "closes_at")
        self.cell(t, row, v, "attending_type", Schedule, "attending_type",
                  transform=lambda s: s or AttendingType.IN_PERSON)
        self._times(t, row, "opens_at", "closes_at", "valid_from", "valid_to")
        self._parents(t, row, v, {"service_id": "service", "location_id": "location",
                                  "service_at_location_id": "service_at_location"})

    def _closure(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        for column in ("starts_on", "ends_on", "opens_at", "closes_at", "reason"):
            self.cell(t, row, v, column, Closure, column)
        self.required(t, row, v, "starts_on", "ends_on")
        if (row.fields.get("opens_at") is None) != (row.fields.get("closes_at") is None):
            self.problem(t, row.number, "closes_at", _("Give both times for shortened hours, or neither for a "
                                                       "full-day closure."))
        self._times(t, row, "opens_at", "closes_at", "starts_on", "ends_on")
        self._parents(t, row, v, {"service_id": "service", "location_id": "location"})

    def _attribute(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        entity = v.get("link_entity", "") or "service"
        if entity != "service":
            self.problem(t, row.number, "link_entity", _("Only categories of services can be imported "
                                                         "(link_entity “service”)."))
            return
        self._parents(t, row, v, {"link_id": "service"})
        self.ref(t, row, v, "taxonomy_term_id", "taxonomy_term", required=True)

    def _service_area(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        teryt = v.get("otwarta_teryt", "")
        if teryt not in self.areas:
            self.problem(t, row.number, "otwarta_teryt", _("There is no area with the TERYT code “%(code)s”.")
                         % {"code": teryt})
        else:
            row.fields["area_id"] = self.areas[teryt]
        self._parents(t, row, v, {"service_id": "service"})

    def _block(self, t: RawTable, row: Row, v: dict[str, str], parent: tuple[str, str], block: Any,
               columns: dict[str, str], present: Iterable[str] = ()) -> None:
        """A row of a list kept in a StreamField: checked with the block's own validation."""
        header = {*t.header, *present}
        value = {name: v.get(column, "") for column, name in columns.items() if column in header}
        for column, name in columns.items():
            child = block.child_blocks[name]
            if column not in header:
                continue
            try:
                raw = value[name]
                value[name] = child.clean(child.to_python(raw) if raw else child.get_default())
            except ValidationError as error:
                self.problem(t, row.number, column, " ".join(str(m) for m in error.messages))
            except (ValueError, ArithmeticError):
                self.problem(t, row.number, column, _("“%(value)s” is not a valid value.") % {"value": value[name]})
        row.fields["value"] = value
        self._parents(t, row, v, {parent[0]: parent[1]})

    def _cost_option(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        block = _stream(Service, "cost_options").child_blocks["cost"]
        self._block(t, row, v, ("service_id", "service"), block, {
            "option": "option", "amount": "amount", "currency": "currency",
            "amount_description": "amount_description"})
        self.unsupported(t, row, v, "valid_from", "valid_to")

    def _document(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        block = _stream(Service, "required_documents").child_blocks["document"]
        self._block(t, row, v, ("service_id", "service"), block, {"document": "document", "uri": "uri"})

    def _accessibility(self, t: RawTable, row: Row, v: dict[str, str]) -> None:
        values = dict(v)
        feature = values.get("otwarta_feature", "")
        if not feature:  # a file from elsewhere: the description may name a feature; else "other"
            labels = {str(label).lower(): code for code, label in AccessibilityFeature.choices}
            description = values.get("description", "")
            feature = description if description in AccessibilityFeature.values else labels.get(
                description.lower(), AccessibilityFeature.OTHER)
            if feature == AccessibilityFeature.OTHER and description and not values.get("details"):
                values["details"] = description
        values["otwarta_feature"] = feature
        block = _stream(Location, "accessibility").child_blocks["accessibility"]
        self._block(t, row, values, ("location_id", "location"), block,
                    {"otwarta_feature": "feature", "details": "details", "url": "url"},
                    present=("otwarta_feature", "details"))

    def _check_unique(self) -> None:
        tables = self.upload.tables
        # service slugs: unique among Polish services
        taken = {slug: str(key) for slug, key in Service.objects.filter(locale_id=self.source)
                 .values_list("slug", "translation_key")}
        in_file: dict[str, int] = {}
        for row in self.rows.get("service", []):
            slug = row.fields.get("slug")
            if slug in (None, INVALID) or slug == "":
                if row.id in self.db[Service]:
                    row.fields.pop("slug", None)
                    continue
                base = slugify(str(row.fields.get("name") or ""))[:90] or row.id[:8]
                slug, n = base, 1
                while (slug in taken and taken[slug] != row.id) or slug in in_file:
                    n += 1
                    slug = f"{base}-{n}"
                row.fields["slug"] = slug
            elif slug in in_file:
                self.problem(tables["service"], row.number, "otwarta_slug", _(
                    "The slug “%(slug)s” is used twice (also in row %(row)d).") % {"slug": slug, "row": in_file[slug]})
            elif slug in taken and taken[slug] != row.id:
                self.problem(tables["service"], row.number, "otwarta_slug", _(
                    "Another service already uses the slug “%(slug)s”.") % {"slug": slug})
            in_file[str(slug)] = row.number
        # service at a location: one per pair
        pairs: dict[tuple[Any, Any], int] = {}
        existing_pairs = {}
        keys = {(r.refs.get("service_id"), r.refs.get("location_id")) for r in self.rows.get("service_at_location", [])}
        if keys:
            for pk, skey, lkey in ServiceAtLocation.objects.filter(
                    service__translation_key__in=[k[0] for k in keys if k[0]]).values_list(
                    "pk", "service__translation_key", "location__translation_key"):
                existing_pairs[(str(skey), str(lkey))] = str(pk)
        for row in self.rows.get("service_at_location", []):
            pair = (row.refs.get("service_id"), row.refs.get("location_id"))
            if None in pair:
                continue
            if pair in pairs:
                self.problem(tables["service_at_location"], row.number, "location_id", _(
                    "The service is already linked to this location in row %(row)d.") % {"row": pairs[pair]})
            elif existing_pairs.get(pair, row.id) != row.id:  # type: ignore[arg-type]
                self.problem(tables["service_at_location"], row.number, "location_id", _(
                    "The service is already linked to this location under another id."))
            pairs[pair] = row.number
        # taxonomy names, term codes
        names: dict[str, int] = {}
        taken_names = {name: str(pk) for name, pk in Taxonomy.objects.values_list("name", "pk")}
        for row in self.rows.get("taxonomy", []):
            name = row.fields.get("name")
            if not isinstance(name, str):
                continue
            if name in names or taken_names.get(name, row.id) != row.id:
                self.problem(tables["taxonomy"], row.number, "name", _("Another taxonomy already has this name."))
            names[name] = row.number
        codes: Counter[tuple[Any, Any]] = Counter()
        taken_codes = {(str(tax), code): str(key) for tax, code, key in TaxonomyTerm.objects.filter(
            locale_id=self.source).values_list("taxonomy_id", "code", "translation_key")}
        for row in self.rows.get("taxonomy_term", []):
            code = (row.refs.get("taxonomy_id"), row.fields.get("code"))
            codes[code] += 1
            if codes[code] > 1 or taken_codes.get(code, row.id) != row.id:  # type: ignore[arg-type]
                self.problem(tables["taxonomy_term"], row.number, "code", _(
                    "Another category of this taxonomy already has this code."))

    CHILD_MODELS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
        "service_at_location": (ServiceAtLocation, ("service__institution_id",)),
        "address": (Address, ("location__institution_id",)),
        "contact": (Contact, ("organization__institution_id", "service__institution_id",
                              "location__institution_id")),
        "phone": (Phone, ("organization__institution_id", "service__institution_id", "location__institution_id",
                          "contact__organization__institution_id", "contact__service__institution_id",
                          "contact__location__institution_id")),
        "language": (Language, ("service__institution_id", "location__institution_id",
                                "phone__service__institution_id", "phone__location__institution_id",
                                "phone__organization__institution_id", "phone__contact__organization__institution_id",
                                "phone__contact__service__institution_id",
                                "phone__contact__location__institution_id")),
        "schedule": (Schedule, ("service__institution_id", "location__institution_id",
                                "service_at_location__service__institution_id")),
        "otwarta_closure": (Closure, ("service__institution_id", "location__institution_id")),
    }

    def _check_children_ownership(self) -> None:
        """An existing child row (matched by id) must belong to a record the user may change."""
        if self.allowed is None:
            return
        for name, (model, paths) in self.CHILD_MODELS.items():
            rows = {row.id: row for row in self.rows.get(name, [])}
            if not rows:
                continue
            for pk, *owners in model._default_manager.filter(pk__in=list(rows)).values_list("pk", *paths):
                owner = next((o for o in owners if o is not None), None)
                if not self.may_edit(owner):
                    self.problem(self.upload.tables[name], rows[str(pk)].number, "id", self.other_institution(owner))

    # --- writing -------------------------------------------------------------------------------------
    def run(self, dry_run: bool = False) -> Result:
        """Validate, then write everything in one transaction (rolled back when ``dry_run``)."""
        problems = self.validate() if not self.validated else self.problems
        if problems:
            raise ImportRejected(problems)
        try:
            with transaction.atomic():
                result = Writer(self).write()
                if dry_run:
                    transaction.set_rollback(True)
        except (IntegrityError, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise ImportRejected([Problem("", None, "", _("The directory refused the data: %(error)s") % {
                "error": " ".join(messages)})]) from error
        return result


def _plain(data: Any) -> Any:
    """Stream data as JSON holds it (decimals as text), to compare what is stored with what is imported."""
    return json.loads(json.dumps(list(data), cls=DjangoJSONEncoder))


class Writer:
    def __init__(self, importer: Importer) -> None:
        self.i = importer
        self.rows = importer.rows
        self.tables = importer.upload.tables
        self.source = importer.source
        self.counts: dict[str, Counts] = {name: Counts() for name in BY_NAME}
        self.pk: dict[str, dict[str, Any]] = {name: {} for name in ("organization", "service", "location",
                                                                    "taxonomy_term")}
        self.touched: set[int] = set()

    def key_pk(self, table: str, key: str | None) -> Any:
        if key is None:
            return None
        if key in self.pk.get(table, {}):
            return self.pk[table][key]
        model = {"organization": Organization, "service": Service, "location": Location,
                 "taxonomy_term": TaxonomyTerm}.get(table)
        if model is not None:
            return self.i.db[model][key][0]
        return uuid.UUID(key)

    def save(self, table: str, instance: models.Model | None, model: type[models.Model], create: dict[str, Any],
             fields: dict[str, Any]) -> tuple[models.Model, str]:
        """Create or update one row; only a real change is saved (a save of a Polish record makes its
        translations outdated)."""
        if instance is None:
            instance = model(**create, **fields)
            instance.save()
            state = "created"
        else:
            changed = [name for name, value in fields.items() if _cmp(getattr(instance, name)) != _cmp(value)]
            for name in changed:
                setattr(instance, name, fields[name])
            if changed:
                instance.save()
            state = "updated" if changed else "unchanged"
        self.counts[table].add(state)
        owner = getattr(instance, "institution_id", None)
        if owner and state != "unchanged":
            self.touched.add(owner)
        return instance, state

    def write(self) -> Result:
        self._taxonomies()
        self._translatable("organization", Organization)
        self._translatable("location", Location)
        self._translatable("service", Service)
        for name in CHILD_TABLES:
            self._children(name)
        self._links()
        self._blocks()
        self._delete_missing()
        for owner in self.touched:
            institution = Institution.objects.get(pk=owner)
            log(instance=institution, action=LOG_ACTION, user=self.i.user,
                data={"tables": {k: vars(c) for k, c in self.counts.items() if c.changed}})
        return Result(self.counts, self.touched)

    def _taxonomies(self) -> None:
        for row in self.rows.get("taxonomy", []):
            self.save("taxonomy", Taxonomy.objects.filter(pk=row.id).first(), Taxonomy, {"id": uuid.UUID(row.id)},
                      row.fields)
        existing: dict[str, Any] = {str(t.translation_key): t
                                    for t in TaxonomyTerm.objects.filter(locale_id=self.source)}
        terms = self.rows.get("taxonomy_term", [])
        for row in terms:
            fields = {**row.fields, "taxonomy_id": uuid.UUID(row.refs["taxonomy_id"] or "")}
            term, _state = self.save("taxonomy_term", existing.get(row.id), TaxonomyTerm,
                                     {"translation_key": uuid.UUID(row.id), "locale_id": self.source}, fields)
            existing[row.id] = term
            self.pk["taxonomy_term"][row.id] = term.pk
        for row in terms:  # broader terms once every term exists
            if "parent_id" not in self.tables["taxonomy_term"].header:
                continue
            term = existing[row.id]
            parent_key = row.refs.get("parent_id")
            parent = existing[parent_key].pk if parent_key else None
            if term.parent_id != parent:
                term.parent_id = parent
                term.save(update_fields=["parent"])

    def _translatable(self, table: str, model: type[models.Model]) -> None:
        rows = self.rows.get(table, [])
        existing = {str(r.translation_key): r for r in model.objects.filter(  # type: ignore[attr-defined]
            locale_id=self.source, translation_key__in=[r.id for r in rows])}
        for row in rows:
            fields = dict(row.fields)
            if "organization_id" in row.refs and row.refs["organization_id"]:
                fields["organization_id"] = self.key_pk("organization", row.refs["organization_id"])
            record, state = self.save(table, existing.get(row.id), model,
                                      {"translation_key": uuid.UUID(row.id), "locale_id": self.source}, fields)
            if state != "unchanged":
                log(instance=record, action="wagtail.create" if state == "created" else "wagtail.edit",
                    user=self.i.user, data={"source": "hsds-import"})
            self.pk[table][row.id] = record.pk

    FK_COLUMNS: dict[str, str] = {
        "service_id": "service", "location_id": "location", "organization_id": "organization",
        "contact_id": "contact", "phone_id": "phone", "service_at_location_id": "service_at_location",
    }

    def _children(self, name: str) -> None:
        model = Importer.CHILD_MODELS[name][0]
        rows = self.rows.get(name, [])
        existing = model.objects.in_bulk([uuid.UUID(r.id) for r in rows])  # type: ignore[attr-defined]
        header = self.tables[name].header if name in self.tables else []
        attnames = {f.attname for f in model._meta.concrete_fields}
        for row in rows:
            fields = dict(row.fields)
            for column, target in self.FK_COLUMNS.items():
                if column in header and f"{target}_id" in attnames:
                    fields[f"{target}_id"] = self.key_pk(target, row.refs.get(column))
            self.save(name, existing.get(uuid.UUID(row.id)), model, {"id": uuid.UUID(row.id)}, fields)

    def _scope(self, table: str, column: str) -> dict[str, list[Row]]:
        """Records the rows of ``table`` belong to, with their rows (file order); records of the file's own
        table with no row get an empty list."""
        parent = {"link_id": "service", "service_id": "service", "location_id": "location"}[column]
        scope: dict[str, list[Row]] = {row.id: [] for row in self.rows.get(parent, [])}
        for row in self.rows.get(table, []):
            key = row.refs.get(column)
            if key:
                scope.setdefault(key, []).append(row)
        return scope

    def _links(self) -> None:
        for table, column, attr, target in (("attribute", "link_id", "taxonomy_terms", "taxonomy_term"),
                                            ("service_area", "service_id", "service_areas", "")):
            if table not in self.tables:
                continue
            for key, rows in self._scope(table, column).items():
                service = Service.objects.get(pk=self.key_pk("service", key))
                wanted = [self.key_pk(target, r.refs["taxonomy_term_id"]) if target else r.fields["area_id"]
                          for r in rows]
                current = set(getattr(service, attr).values_list("pk", flat=True))
                for pk in wanted:
                    self.counts[table].add("unchanged" if pk in current else "created")
                self.counts[table].deleted += len(current - set(wanted))
                if current != set(wanted):
                    getattr(service, attr).set(wanted)

    def _blocks(self) -> None:
        for table, column, model, attr, block_type in (
            ("cost_option", "service_id", Service, "cost_options", "cost"),
            ("required_document", "service_id", Service, "required_documents", "document"),
            ("accessibility", "location_id", Location, "accessibility", "accessibility"),
        ):
            if table not in self.tables:
                continue
            stream_field: Any = model._meta.get_field(attr)
            parent_table = "service" if model is Service else "location"
            for key, rows in self._scope(table, column).items():
                record = model.objects.get(pk=self.key_pk(parent_table, key))
                old = {b["id"]: b for b in _plain(getattr(record, attr).get_prep_value())}
                raw = [{"type": block_type, "value": r.fields["value"], "id": r.id} for r in rows]
                new = _plain(stream_field.to_python(raw).get_prep_value())
                for block in new:
                    before = old.get(block["id"])
                    self.counts[table].add("created" if before is None else
                                           "unchanged" if before == block else "updated")
                self.counts[table].deleted += len(set(old) - {b["id"] for b in new})
                if list(old.values()) != new:
                    setattr(record, attr, new)
                    record.save()

    def _delete_missing(self) -> None:
        """A child table in the file is the complete list of the children of the organisations, services and
        locations in the file."""
        orgs = [self.key_pk("organization", r.id) for r in self.rows.get("organization", [])]
        services = [self.key_pk("service", r.id) for r in self.rows.get("service", [])]
        locations = [self.key_pk("location", r.id) for r in self.rows.get("location", [])]
        if not (orgs or services or locations):
            return
        owned = (models.Q(organization_id__in=orgs) | models.Q(service_id__in=services)
                 | models.Q(location_id__in=locations))
        scopes: dict[str, models.Q] = {
            "service_at_location": models.Q(service_id__in=services),
            "address": models.Q(location_id__in=locations),
            "contact": owned,
            "phone": owned,
            "language": models.Q(service_id__in=services) | models.Q(location_id__in=locations),
            "schedule": models.Q(service_id__in=services) | models.Q(location_id__in=locations),
            "otwarta_closure": models.Q(service_id__in=services) | models.Q(location_id__in=locations),
        }
        for name in reversed(CHILD_TABLES):
            if name not in self.tables:
                continue
            model = Importer.CHILD_MODELS[name][0]
            keep = [uuid.UUID(r.id) for r in self.rows.get(name, [])]
            stale = model.objects.filter(scopes[name]).exclude(pk__in=keep)  # type: ignore[attr-defined]
            count = stale.count()
            if count:
                stale.delete()
                self.counts[name].deleted += count

