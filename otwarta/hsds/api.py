"""The HSDS 3.1 read API at ``/api/hsds/`` (see docs/hsds-api.md and ``openapi.py``).

Only *source* (Polish) rows are queried; texts come in the language of ``?lang=`` or ``Accept-Language``
from the translation rows when they exist. Every response is JSON, cacheable for a short time by anyone
and open to every origin (CORS): the data is public."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ACos, Cast, Cos, Greatest, Least, Radians, Sin
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from wagtail.models import Locale

from otwarta.directory.models import (
    Address,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    source_locale_id,
)
from otwarta.directory.search_document import query_filter

from . import serializers as s
from .pagination import (
    ApiError,
    PageRequest,
    bool_param,
    datetime_param,
    paginate,
)

CACHE_CONTROL = "public, max-age=300"
EARTH_RADIUS_KM = 6371.0088
PROFILE_URL = "https://docs.openreferral.org/en/latest/"

View = Callable[..., Any]


# --- plumbing ----------------------------------------------------------------------------------------
_LOCALES: dict[str, int | None] = {}


def _locale_id(code: str) -> int | None:
    if code not in _LOCALES:
        _LOCALES[code] = Locale.objects.filter(language_code=code).values_list("pk", flat=True).first()
    return _LOCALES[code]


def response_language(request: HttpRequest) -> str:
    """``?lang=xx`` (400 when we do not publish that language), else the first supported language of
    ``Accept-Language``, else Polish."""
    supported = [code for code, _name in settings.LANGUAGES]
    requested = (_text(request.GET, "lang") or "").lower()
    if requested:
        if requested not in supported:
            raise ApiError(f"'lang' must be one of: {', '.join(supported)}.", parameter="lang")
        return requested
    for tag, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        tag = tag.lower()
        for candidate in (tag, tag.split("-")[0]):
            if candidate in supported:
                return candidate
    return settings.LANGUAGE_CODE


def make_context(request: HttpRequest) -> s.Context:
    lang = response_language(request)
    if lang == settings.LANGUAGE_CODE:
        return s.Context(lang=lang)
    locale_id = _locale_id(lang)
    if locale_id is None:  # a language without a locale row has no translations: Polish it is
        return s.Context(lang=settings.LANGUAGE_CODE)
    return s.Context(lang=lang, locale_id=locale_id)


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    response["Access-Control-Max-Age"] = "86400"
    patch_vary_headers(response, ("Accept-Language",))
    return response


def error_response(error: ApiError) -> HttpResponse:
    response = JsonResponse(error.as_dict(), status=error.status)
    response["Cache-Control"] = "no-store"
    return _cors(response)


def api_view(func: View) -> View:
    """GET/HEAD (and CORS preflight) only; ``func(request, ctx, **kwargs)`` returns the JSON body."""

    @wraps(func)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return _cors(HttpResponse(status=204))
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"status": 405, "error": "Method Not Allowed",
                                     "message": "This API is read-only: use GET."}, status=405)
            response["Allow"] = "GET, HEAD, OPTIONS"
            return _cors(response)
        try:
            ctx = make_context(request)
            with translation.override(ctx.lang):
                body = func(request, ctx, **kwargs)
        except ApiError as error:
            return error_response(error)
        response = JsonResponse(body, safe=False, json_dumps_params={"ensure_ascii": False})
        response["Content-Language"] = ctx.lang
        response["Cache-Control"] = CACHE_CONTROL
        return _cors(response)

    return wrapper


def _text(params: QueryDict, name: str) -> str | None:
    value = (params.get(name) or "").strip()
    if "\x00" in value:  # PostgreSQL refuses NUL in text
        raise ApiError(f"'{name}' contains a NUL character.", parameter=name)
    return value or None


def _ids(params: QueryDict, name: str) -> list[uuid.UUID] | None:
    """One id or several separated by commas (any of them matches)."""
    raw = _text(params, name)
    if raw is None:
        return None
    try:
        return [uuid.UUID(part.strip()) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise ApiError(f"'{name}' must be an id (a UUID) or several separated by commas.", parameter=name) from None


def _path_id(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(f"No {what} with the id '{value}'.", status=404) from None


def _check_format(params: QueryDict) -> None:
    fmt = _text(params, "format")
    if fmt is not None and fmt.lower() != "json":
        raise ApiError("Only 'format=json' is available.", parameter="format")


def _matching_keys(model: type, term: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    """Translation keys of the rows (in any language) whose ``fields`` contain ``term``."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": term})
    return model._default_manager.filter(condition).values("translation_key")  # type: ignore[attr-defined]


def _matching_service_keys(term: str) -> QuerySet[Any]:
    """Translation keys of the services with every word of ``term`` in some language: the directory's
    stored search document (inflected forms, case and diacritics folded in every script, fast at scale;
    otwarta/directory/search_document.py); a term without words is matched as plain text."""
    locales = [(locale.pk, locale.language_code) for locale in Locale.objects.all()]
    rows = query_filter(term, locales)
    if rows is None:
        return _matching_keys(Service, term, SERVICE_TEXT)
    return Service.objects.filter(rows).values("translation_key")


def _services_with_terms(params: QueryDict) -> QuerySet[Any] | None:
    """Service ids linked to ``taxonomy_term_id`` / ``taxonomy_id`` (None when neither is given)."""
    term_keys, taxonomy_ids = _ids(params, "taxonomy_term_id"), _ids(params, "taxonomy_id")
    if term_keys is None and taxonomy_ids is None:
        return None
    links = Service.taxonomy_terms.through.objects.all()
    if term_keys is not None:
        links = links.filter(taxonomyterm__translation_key__in=term_keys)
    if taxonomy_ids is not None:
        links = links.filter(taxonomyterm__taxonomy_id__in=taxonomy_ids)
    return links.values("service_id")


SERVICE_TEXT = ("name", "alternate_name", "description")


def filter_services(queryset: QuerySet[Service], params: QueryDict) -> QuerySet[Service]:
    if (term := _text(params, "search")) is not None:
        queryset = queryset.filter(translation_key__in=_matching_service_keys(term))
    if (linked := _services_with_terms(params)) is not None:
        queryset = queryset.filter(pk__in=linked)
    if (orgs := _ids(params, "organization_id")) is not None:
        queryset = queryset.filter(organization__translation_key__in=orgs)
    if (since := datetime_param(params, "modified_after")) is not None:
        # a new translation changes what the API returns, so any language's row counts
        queryset = queryset.filter(translation_key__in=Service.objects.filter(last_modified__gte=since)
                                   .values("translation_key"))
    return queryset


# --- endpoints ---------------------------------------------------------------------------------------
@api_view
def index(request: HttpRequest, ctx: s.Context) -> dict[str, Any]:
    return {"version": s.HSDS_VERSION, "profile": PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi"))}


@api_view
def openapi_document(request: HttpRequest, ctx: s.Context) -> dict[str, Any]:
    from .openapi import document

    return document(request.build_absolute_uri(reverse("hsds:index")).rstrip("/"))


@api_view
def services(request: HttpRequest, ctx: s.Context) -> dict[str, Any]:
    params = request.GET
    _check_format(params)
    minimal, full = bool_param(params, "minimal"), bool_param(params, "full")
    page = PageRequest.from_params(params, minimal=minimal)
    queryset = filter_services(Service.objects.filter(locale_id=source_locale_id()), params)
    queryset = queryset.select_related("organization").order_by("name", "id")
    if minimal:
        queryset = queryset.only("id", "translation_key", "locale_id", "name", "status", "last_modified",
                                 "organization_id")

    def serialize(rows: list[Service]) -> list[dict[str, Any]]:
        if minimal:
            ctx.load(Service, rows)
            return [s.service_minimal(row, ctx) for row in rows]
        s.prepare_services(rows, ctx, full=full)
        return [s.service_full(row, ctx) if full else s.service_list_item(row, ctx) for row in rows]

    return paginate(queryset, page, serialize)


@api_view
def service_detail(request: HttpRequest, ctx: s.Context, id: str) -> dict[str, Any]:
    key = _path_id(id, "service")
    row = (Service.objects.filter(locale_id=source_locale_id(), translation_key=key)
           .select_related("organization").first())
    if row is None:
        raise ApiError(f"No service with the id '{id}'.", status=404)
    s.prepare_services([row], ctx, full=True)
    return s.service_full(row, ctx)


ORGANIZATION_TEXT = ("name", "alternate_name", "description")


@api_view
def organizations(request: HttpRequest, ctx: s.Context) -> dict[str, Any]:
    params = request.GET
    _check_format(params)
    full, full_service = bool_param(params, "full"), bool_param(params, "full_service")
    page = PageRequest.from_params(params)
    queryset = Organization.objects.filter(locale_id=source_locale_id())
    if (term := _text(params, "search")) is not None:
        queryset = queryset.filter(translation_key__in=_matching_keys(Organization, term, ORGANIZATION_TEXT))
    if (linked := _services_with_terms(params)) is not None:
        queryset = queryset.filter(pk__in=Service.objects.filter(pk__in=linked).values("organization_id"))
    if (since := datetime_param(params, "modified_after")) is not None:
        queryset = queryset.filter(translation_key__in=Organization.objects.filter(last_modified__gte=since)
                                   .values("translation_key"))
    queryset = queryset.order_by("name", "id")

    def serialize(rows: list[Organization]) -> list[dict[str, Any]]:
        s.prepare_organizations(rows, ctx, full=full, full_service=full_service)
        if full:
            return [s.organization_full(row, ctx, full_service=full_service) for row in rows]
        return [s.organization_fields(row, ctx) for row in rows]

    return paginate(queryset, page, serialize)


@api_view
def organization_detail(request: HttpRequest, ctx: s.Context, id: str) -> dict[str, Any]:
    key = _path_id(id, "organization")
    row = Organization.objects.filter(locale_id=source_locale_id(), translation_key=key).first()
    if row is None:
        raise ApiError(f"No organization with the id '{id}'.", status=404)
    full_service = bool_param(request.GET, "full_service")
    s.prepare_organizations([row], ctx, full=True, full_service=full_service)
    return s.organization_full(row, ctx, full_service=full_service)


def _float(params: QueryDict, name: str, *, positive: bool = True) -> float | None:
    raw = _text(params, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(f"'{name}' must be a number.", parameter=name) from None
    if not math.isfinite(value) or (positive and value <= 0):
        raise ApiError(f"'{name}' must be a positive number.", parameter=name)
    return value


def _centre(params: QueryDict) -> tuple[tuple[float, float] | None, float | None]:
    """(centre, radius in km) from ``proximity`` (``lat,lng`` or metres from the ``postcode``'s centroid)
    and ``proximity_radius`` (km); ``(None, None)`` without ``proximity``."""
    raw = _text(params, "proximity")
    if raw is None:
        if _text(params, "proximity_radius") is not None:
            raise ApiError("'proximity_radius' needs 'proximity=latitude,longitude'.", parameter="proximity_radius")
        return None, None
    if "," in raw:
        try:
            lat, lng = (float(part) for part in raw.split(","))
        except ValueError:
            raise ApiError("'proximity' must be 'latitude,longitude' (e.g. 50.06,19.94) or a distance in metres "
                           "from the centre of 'postcode'.", parameter="proximity") from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ApiError("'proximity' is not a valid latitude,longitude.", parameter="proximity")
        return (lat, lng), _float(params, "proximity_radius")
    metres = _float(params, "proximity")
    postcode = _text(params, "postcode")
    if postcode is None:
        raise ApiError("A distance in 'proximity' needs a 'postcode' (or give 'proximity=latitude,longitude').",
                       parameter="proximity")
    centroid = (Location.objects.filter(locale_id=source_locale_id(), latitude__isnull=False,
                                        pk__in=Address.objects.filter(postal_code__iexact=postcode)
                                        .values("location_id"))
                .aggregate(lat=Avg("latitude"), lng=Avg("longitude")))
    if centroid["lat"] is None:
        return (math.nan, math.nan), None  # a postcode we know no place in: nothing is near it
    return (float(centroid["lat"]), float(centroid["lng"])), (metres or 0) / 1000


def distance_km(lat: float, lng: float, prefix: str = "location__") -> Any:
    """Great-circle distance from (lat, lng) in km, as an SQL expression (spherical law of cosines)."""
    lat_r, lng_r = math.radians(lat), math.radians(lng)
    row_lat = Radians(Cast(F(f"{prefix}latitude"), FloatField()))
    row_lng = Radians(Cast(F(f"{prefix}longitude"), FloatField()))
    cosine = (Cos(row_lat) * Value(math.cos(lat_r)) * Cos(row_lng - Value(lng_r))
              + Sin(row_lat) * Value(math.sin(lat_r)))
    clamped = Least(Greatest(cosine, Value(-1.0)), Value(1.0), output_field=FloatField())
    return ACos(clamped) * Value(EARTH_RADIUS_KM)


@api_view
def service_at_locations(request: HttpRequest, ctx: s.Context) -> dict[str, Any]:
    params = request.GET
    _check_format(params)
    full = bool_param(params, "full")
    page = PageRequest.from_params(params)
    src = source_locale_id()
    queryset = ServiceAtLocation.objects.filter(service__locale_id=src, location__locale_id=src)
    if (term := _text(params, "search")) is not None:
        queryset = queryset.filter(
            Q(service__translation_key__in=_matching_keys(Service, term, SERVICE_TEXT))
            | Q(location__translation_key__in=_matching_keys(Location, term, ("name", "description"))))
    if (linked := _services_with_terms(params)) is not None:
        queryset = queryset.filter(service_id__in=linked)
    if (orgs := _ids(params, "organization_id")) is not None:
        queryset = queryset.filter(service__organization__translation_key__in=orgs)
    if (since := datetime_param(params, "modified_after")) is not None:
        queryset = queryset.filter(
            Q(service__translation_key__in=Service.objects.filter(last_modified__gte=since).values("translation_key"))
            | Q(location__translation_key__in=Location.objects.filter(last_modified__gte=since)
                .values("translation_key")))
    centre, radius = _centre(params)
    postcode = _text(params, "postcode")
    if postcode is not None and not (centre is not None and "," not in (params.get("proximity") or "")):
        queryset = queryset.filter(location_id__in=Address.objects.filter(postal_code__iexact=postcode)
                                   .values("location_id"))
    queryset = queryset.select_related("service__organization", "location__organization", "location__county")
    if centre is None:
        queryset = queryset.order_by("service__name", "location__name", "id")
    elif math.isnan(centre[0]):
        queryset = queryset.none()
    else:
        queryset = (queryset.filter(location__latitude__isnull=False, location__longitude__isnull=False)
                    .annotate(distance=distance_km(*centre)))
        if radius is not None:
            queryset = queryset.filter(distance__lte=radius)
        queryset = queryset.order_by("distance", "service__name", "id")

    def serialize(rows: list[ServiceAtLocation]) -> list[dict[str, Any]]:
        s.prepare_service_at_locations(rows, ctx, full=full)
        if full:
            return [s.service_at_location_full(row, ctx) for row in rows]
        return [s.service_at_location_list_item(row, ctx) for row in rows]

    return paginate(queryset, page, serialize)


@api_view
def service_at_location_detail(request: HttpRequest, ctx: s.Context, id: str) -> dict[str, Any]:
    pk = _path_id(id, "service at location")
    src = source_locale_id()
    row = (ServiceAtLocation.objects.filter(pk=pk, service__locale_id=src, location__locale_id=src)
           .select_related("service__organization", "location__organization", "location__county").first())
    if row is None:
        raise ApiError(f"No service at location with the id '{id}'.", status=404)
    s.prepare_service_at_locations([row], ctx, full=True)
    return s.service_at_location_full(row, ctx)


@api_view
def taxonomies(request: HttpRequest, ctx: s.Context) -> dict[str, Any]:
    params = request.GET
    _check_format(params)
    page = PageRequest.from_params(params)
    queryset = Taxonomy.objects.order_by("name", "id")
    if (term := _text(params, "search")) is not None:
        queryset = queryset.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return paginate(queryset, page, lambda rows: [s.taxonomy(row) for row in rows])


@api_view
def taxonomy_detail(request: HttpRequest, ctx: s.Context, id: str) -> dict[str, Any]:
    row = Taxonomy.objects.filter(pk=_path_id(id, "taxonomy")).first()
    if row is None:
        raise ApiError(f"No taxonomy with the id '{id}'.", status=404)
    return s.taxonomy(row)


@api_view
def taxonomy_terms(request: HttpRequest, ctx: s.Context) -> dict[str, Any]:
    params = request.GET
    _check_format(params)
    page = PageRequest.from_params(params)
    queryset = TaxonomyTerm.objects.filter(locale_id=source_locale_id())
    if (term := _text(params, "search")) is not None:
        queryset = queryset.filter(translation_key__in=_matching_keys(TaxonomyTerm, term, ("name", "description")))
    if (taxonomy_ids := _ids(params, "taxonomy_id")) is not None:
        queryset = queryset.filter(taxonomy_id__in=taxonomy_ids)
    if bool_param(params, "top_only"):
        queryset = queryset.filter(parent__isnull=True)
    if (parents := _ids(params, "parent_id")) is not None:
        queryset = queryset.filter(parent__translation_key__in=parents)
    queryset = queryset.select_related("taxonomy", "parent").order_by("taxonomy__name", "sort_order", "name", "id")

    def serialize(rows: list[TaxonomyTerm]) -> list[dict[str, Any]]:
        ctx.load(TaxonomyTerm, rows)
        return [s.taxonomy_term(row, ctx) for row in rows]

    return paginate(queryset, page, serialize)


@api_view
def taxonomy_term_detail(request: HttpRequest, ctx: s.Context, id: str) -> dict[str, Any]:
    key = _path_id(id, "taxonomy term")
    row = (TaxonomyTerm.objects.filter(locale_id=source_locale_id(), translation_key=key)
           .select_related("taxonomy", "parent").first())
    if row is None:
        raise ApiError(f"No taxonomy term with the id '{id}'.", status=404)
    ctx.load(TaxonomyTerm, [row])
    return s.taxonomy_term(row, ctx)


@api_view
def not_found(request: HttpRequest, ctx: s.Context, path: str = "") -> dict[str, Any]:
    raise ApiError(f"There is no endpoint '/api/hsds/{path}'; see the OpenAPI document for those there are.",
                   status=404)
