"""The public search of the service directory: filters read from the query string, the matching services
(Polish source rows, defunct ones left out) and what a result card shows in the reader's language.

Texts come from the reader's-language row of a record when it has one and its text differs from the
Polish one (an untranslated field of a wagtail-localize copy still holds the Polish text); otherwise the
Polish text is shown and marked ``lang="pl"`` (see :class:`LocalText`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import translation

from otwarta.institutions.models import Area, AreaKind
from otwarta.search import services as search_services

from . import hours
from .languages import sorted_languages
from .models import (
    Language,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
    source_locale_id,
)
from .search_document import query_filter

PER_PAGE = 20
# At most this many places on the map (the JSON says when there were more).
MAX_MAP_POINTS = 2000
VISIBLE_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.INACTIVE)


# --- texts in the reader's language ----------------------------------------------------------------------
class LocalText(str):
    """A text with the language it is written in (``lang``), so templates can mark Polish fallbacks."""

    lang: str

    def __new__(cls, value: str, lang: str) -> LocalText:
        text = super().__new__(cls, value)
        text.lang = lang
        return text


def reader_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def reader_locale_id() -> int | None:
    """The id of the reader's locale, or None when it is the Polish one or has no locale."""
    locale = search_services.active_locale()
    if locale is None or locale.pk == source_locale_id():
        return None
    return locale.pk


def local_text(source: Any, translated: Any, name: str) -> LocalText:
    """Field ``name`` of the translated row when it has its own text, else of the Polish row."""
    polish = getattr(source, name) or ""
    if translated is not None:
        text = getattr(translated, name) or ""
        if text and text != polish:
            return LocalText(text, reader_language())
    return LocalText(polish, settings.LANGUAGE_CODE)


class Localized:
    """A source record seen in the reader's language: text fields through :func:`local_text`, everything
    else (structure, ids, relations) from the Polish row."""

    def __init__(self, source: Any, translated: Any = None) -> None:
        self.source = source
        self.translated = translated
        self._text_fields = {f.field_name for f in getattr(source, "translatable_fields", [])
                             if type(f).__name__ == "TranslatableField"}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("source", "translated"):
            raise AttributeError(name)
        if name in self._text_fields:
            value = getattr(self.source, name)
            if isinstance(value, str):
                return local_text(self.source, self.translated, name)
            return self.stream(name)
        return getattr(self.source, name)

    def stream(self, name: str) -> Any:
        """A StreamField in the reader's language (the translated row's when it differs from the Polish)."""
        polish = getattr(self.source, name)
        if self.translated is not None:
            value = getattr(self.translated, name)
            if _stream_texts(value) and _stream_texts(value) != _stream_texts(polish):
                value.lang = reader_language()
                return value
        polish.lang = settings.LANGUAGE_CODE
        return polish

    def __str__(self) -> str:
        return str(getattr(self, "name", self.source))


def _stream_texts(value: Any) -> list[Any]:
    return [(block.block_type, str(block.value)) for block in value] if value else []


def translations_of(model: type[Any], sources: Iterable[Any]) -> dict[Any, Any]:
    """The reader's-language rows of ``sources`` keyed by translation_key (one query; none in Polish)."""
    locale_id = reader_locale_id()
    keys = [row.translation_key for row in sources]
    if locale_id is None or not keys:
        return {}
    return {row.translation_key: row for row in model.objects.filter(locale_id=locale_id, translation_key__in=keys)}


# --- filters -------------------------------------------------------------------------------------------------
@dataclass
class Filters:
    """What the reader asked for. Unknown or malformed values are dropped, never an error."""

    query: str = ""
    category: str = ""  # translation_key of a TaxonomyTerm
    county: str = ""  # TERYT code of an Area
    municipality: str = ""
    language: str = ""  # ISO 639 code
    open_now: bool = False
    free: bool = False
    accessible: bool = False

    PARAMS = ("q", "category", "county", "municipality", "language", "open_now", "free", "accessible")

    @classmethod
    def from_query(cls, data: Mapping[str, str]) -> Filters:
        def text(name: str, limit: int) -> str:
            return search_services.normalise_query(str(data.get(name, "") or ""))[:limit]

        def flag(name: str) -> bool:
            return str(data.get(name, "")).strip().lower() in ("1", "on", "true", "yes")

        category = text("category", 40)
        try:
            category = str(uuid.UUID(category)) if category else ""
        except ValueError:
            category = ""
        county = text("county", 7)
        language = text("language", 8).lower()
        return cls(
            query=text("q", search_services.MAX_QUERY_LENGTH),
            category=category,
            county=county if county.isdigit() else "",
            municipality=text("municipality", 120),
            language=language if language.replace("-", "").isalpha() else "",
            open_now=flag("open_now"), free=flag("free"), accessible=flag("accessible"),
        )

    @property
    def active(self) -> bool:
        return any((self.query, self.category, self.county, self.municipality, self.language, self.open_now,
                    self.free, self.accessible))

    def as_params(self) -> dict[str, str]:
        """The query-string parameters that reproduce these filters (empty ones left out)."""
        values = {"q": self.query, "category": self.category, "county": self.county,
                  "municipality": self.municipality, "language": self.language,
                  "open_now": "1" if self.open_now else "", "free": "1" if self.free else "",
                  "accessible": "1" if self.accessible else ""}
        return {name: value for name, value in values.items() if value}


def visible_services() -> QuerySet[Service]:
    """Polish (source) rows of services readers may see: active and temporarily unavailable ones."""
    return Service.objects.filter(locale_id=source_locale_id(), status__in=VISIBLE_STATUSES)


def text_filter(query: str) -> Q | None:
    """Services whose Polish or reader's-language row has every word of the query, as an inflection-aware
    word-beginning match on the stored search document (see search_document.py), or None when the query
    has no searchable word."""
    locales = [(source_locale_id(), settings.LANGUAGE_CODE)]
    if (reader := reader_locale_id()) is not None:
        locales.insert(0, (reader, reader_language()))
    rows = query_filter(query, locales)
    if rows is None:
        return None
    return Q(translation_key__in=Service.objects.filter(rows).values("translation_key"))


def filter_services(filters: Filters, now: dt.datetime | None = None) -> QuerySet[Service]:
    """The visible services that match every filter (not ordered)."""
    services = visible_services()
    if filters.query:
        text = text_filter(filters.query)
        if text is not None:
            services = services.filter(text)
    if filters.category:
        terms = TaxonomyTerm.objects.filter(Q(translation_key=filters.category)
                                            | Q(parent__translation_key=filters.category),
                                            services=OuterRef("pk"))
        services = services.filter(Exists(terms))
    if filters.county:
        services = services.filter(Exists(ServiceAtLocation.objects.filter(
            service=OuterRef("pk"), location__county__teryt=filters.county)))
    if filters.municipality:
        services = services.filter(Exists(ServiceAtLocation.objects.filter(
            service=OuterRef("pk"), location__municipality__iexact=filters.municipality)))
    if filters.language:
        code = filters.language
        # Uncorrelated IN subqueries: PostgreSQL hashes each once, where an OR of correlated EXISTS ran
        # three subplans per service (1.5 s at 5,000 services, benchmarks/directory.py).
        spoken = Language.objects.filter(code=code)
        services = services.filter(
            Q(pk__in=spoken.filter(service__isnull=False).values("service_id"))
            | Q(pk__in=ServiceAtLocation.objects.filter(location__in=spoken.filter(location__isnull=False)
                                                        .values("location_id")).values("service_id"))
            | Q(pk__in=Phone.objects.filter(pk__in=spoken.filter(phone__isnull=False).values("phone_id"))
                .values("service_id"))
        )
    if filters.open_now:
        services = services.filter(hours.open_now_filter(now))
    if filters.free:
        services = services.filter(free_of_charge=True)
    if filters.accessible:
        services = services.filter(Exists(ServiceAtLocation.objects.filter(
            service=OuterRef("pk"), location__wheelchair_accessible=True)))
    return services


def ordered(services: QuerySet[Service]) -> QuerySet[Service]:
    """Sorted by the name the reader sees (the reader's-language name where there is one)."""
    locale_id = reader_locale_id()
    if locale_id is None:
        return services.order_by(Lower("name"), "pk")
    translated = Service.objects.filter(translation_key=OuterRef("translation_key"), locale_id=locale_id)
    return services.annotate(
        shown_name=Coalesce(Subquery(translated.values("name")[:1]), "name"),
    ).order_by(Lower("shown_name"), "pk")


def with_card_data(services: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a result card reads, in a fixed number of queries."""
    return hours.prefetch_for_status(services.select_related("organization")).prefetch_related(
        "languages", "phones__languages", "service_at_locations__location__addresses",
        "service_at_locations__location__languages",
    )


# --- result cards ----------------------------------------------------------------------------------------------
@dataclass
class Card:
    service: Localized
    organization: Localized
    town: str
    status: hours.OpeningStatus
    languages: list[tuple[str, str]]
    wheelchair_accessible: bool
    url: str = field(default="")

    @property
    def free_of_charge(self) -> bool:
        return bool(self.service.free_of_charge)

    @property
    def is_inactive(self) -> bool:
        return self.service.status == ServiceStatus.INACTIVE


def service_url(slug: str) -> str:
    return reverse("directory:service", kwargs={"slug": slug})


def locations_of(service: Service) -> list[Location]:
    return [link.location for link in service.service_at_locations.all()]


def spoken_languages(service: Service) -> list[tuple[str, str]]:
    """(code, name) of the languages spoken at the service, at its locations or on its phones."""
    codes = {row.code.lower() for row in service.languages.all()}
    for loc in locations_of(service):
        codes.update(row.code.lower() for row in loc.languages.all())
    for phone in service.phones.all():
        codes.update(row.code.lower() for row in phone.languages.all())
    return sorted_languages(codes)


def town_of(service: Service) -> str:
    for loc in locations_of(service):
        for address in loc.addresses.all():
            if address.city:
                return address.city
    return ""


def cards(services: Iterable[Service], now: dt.datetime | None = None) -> list[Card]:
    """Result cards for ``services`` (prepared by :func:`with_card_data`); two more queries for the texts
    in the reader's language."""
    services = list(services)
    service_rows = translations_of(Service, services)
    organizations = {svc.organization.pk: svc.organization for svc in services}
    organization_rows = translations_of(Organization, organizations.values())
    result = []
    for svc in services:
        org = svc.organization
        result.append(Card(
            service=Localized(svc, service_rows.get(svc.translation_key)),
            organization=Localized(org, organization_rows.get(org.translation_key)),
            town=town_of(svc),
            status=hours.status(svc, now=now),
            languages=spoken_languages(svc),
            wheelchair_accessible=any(loc.wheelchair_accessible for loc in locations_of(svc)),
            url=service_url(svc.slug),
        ))
    return result


# --- choices of the filter form -----------------------------------------------------------------------------
@dataclass
class Choice:
    value: str
    label: str
    lang: str = ""


def category_choices() -> list[Choice]:
    terms = list(TaxonomyTerm.objects.filter(locale_id=source_locale_id(), services__isnull=False)
                 .select_related("parent").distinct().order_by("sort_order", "name"))
    rows = translations_of(TaxonomyTerm, terms)
    choices = []
    for term in terms:
        name = local_text(term, rows.get(term.translation_key), "name")
        choices.append(Choice(str(term.translation_key), name, name.lang))
    return sorted(choices, key=lambda c: c.label.casefold())


def county_choices() -> list[Choice]:
    used = Location.objects.filter(locale_id=source_locale_id(), county__isnull=False).values("county_id")
    areas = Area.objects.filter(kind__in=[AreaKind.COUNTY, AreaKind.CITY_COUNTY], pk__in=used)
    return sorted((Choice(area.teryt, str(area), settings.LANGUAGE_CODE) for area in areas),
                  key=lambda c: c.label.casefold())


def municipality_choices(county: str = "") -> list[Choice]:
    locations = Location.objects.filter(locale_id=source_locale_id()).exclude(municipality="")
    if county:
        locations = locations.filter(county__teryt=county)
    names = sorted(set(locations.values_list("municipality", flat=True)), key=str.casefold)
    return [Choice(name, name, settings.LANGUAGE_CODE) for name in names]


def language_choices() -> list[Choice]:
    codes = set(Language.objects.values_list("code", flat=True).distinct())
    return [Choice(code, name) for code, name in sorted_languages({c.lower() for c in codes})]


# --- the map ---------------------------------------------------------------------------------------------------
def map_points(services: QuerySet[Service]) -> tuple[list[dict[str, Any]], bool]:
    """The places with coordinates of ``services`` (name in the reader's language, address, link), and
    whether there were more than :data:`MAX_MAP_POINTS`."""
    links = list(
        ServiceAtLocation.objects.filter(service__in=services.values("pk"), location__latitude__isnull=False,
                                         location__longitude__isnull=False)
        .select_related("service", "location").prefetch_related("location__addresses")
        .order_by("service__name", "location__name")[: MAX_MAP_POINTS + 1]
    )
    truncated = len(links) > MAX_MAP_POINTS
    links = links[:MAX_MAP_POINTS]
    names = translations_of(Service, {link.service.pk: link.service for link in links}.values())
    points = []
    for link in links:
        name = local_text(link.service, names.get(link.service.translation_key), "name")
        address = next(iter(link.location.addresses.all()), None)
        points.append({
            "name": str(name), "lang": name.lang, "url": service_url(link.service.slug),
            "lat": float(link.location.latitude), "lng": float(link.location.longitude),  # type: ignore[arg-type]
            "address": str(address) if address is not None else "",
        })
    return points, truncated
