"""Public pages of the service directory: the search (a list that works without JavaScript, and the data
of the optional map) and one page per service, in the reader's language with the Polish text as the
fallback. Only Polish (source) rows are looked up; defunct services are not shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from wagtail.models import Page, ReferenceIndex

from . import hours
from .languages import language_name
from .models import Location, Organization, Phone, Service, ServiceAtLocation, TaxonomyTerm
from .search import (
    PER_PAGE,
    Filters,
    Localized,
    cards,
    category_choices,
    county_choices,
    filter_services,
    language_choices,
    map_points,
    municipality_choices,
    ordered,
    reader_language,
    service_url,
    spoken_languages,
    translations_of,
    visible_services,
    with_card_data,
)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    filters = Filters.from_query(request.GET)
    services = with_card_data(ordered(filter_services(filters)))
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    params = filters.as_params()
    return render(request, "directory/search.html", {
        "filters": filters,
        "results": page,
        "cards": cards(page.object_list),
        "count": page.paginator.count,
        "query_string": urlencode(params),
        "map_url": "?".join(filter(None, [_map_json_url(), urlencode(params)])),
        "categories": category_choices(),
        "counties": county_choices(),
        "municipalities": municipality_choices(filters.county),
        "language_options": language_choices(),
        "map": map_settings(),
    })


def _map_json_url() -> str:
    return reverse("directory:map_json")


def map_settings() -> dict[str, Any]:
    return {
        "tiles": settings.OTWARTA_MAP_TILES_URL,
        "attribution": settings.OTWARTA_MAP_ATTRIBUTION,
        "max_zoom": settings.OTWARTA_MAP_MAX_ZOOM,
    }


@require_safe
def map_json(request: HttpRequest) -> JsonResponse:
    """The places of the services that match the same filters as the list (all pages of it)."""
    points, truncated = map_points(filter_services(Filters.from_query(request.GET)))
    response = JsonResponse({"points": points, "truncated": truncated}, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "max-age=300"
    return response


# --- the service page ------------------------------------------------------------------------------------------
@dataclass
class PhoneLine:
    phone: Phone
    languages: list[tuple[str, str]]


@dataclass
class Place:
    """One location of the service as the page shows it."""

    location: Localized
    addresses: list[Any]
    phones: list[PhoneLine]
    languages: list[tuple[str, str]]
    note: str
    osm_url: str
    week: list[hours.DayHours]
    status: hours.OpeningStatus
    closures: list[hours.ClosureAhead]


def osm_url(location: Location) -> str:
    if location.latitude is None or location.longitude is None:
        return ""
    lat, lng = f"{location.latitude:.6f}", f"{location.longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"


def _phone_lines(phones: list[Phone]) -> list[PhoneLine]:
    return [PhoneLine(phone, [(row.code.lower(), language_name(row.code)) for row in phone.languages.all()])
            for phone in phones]


def _source_service(slug: str) -> Service:
    links = (ServiceAtLocation.objects.select_related("location__county")
             .prefetch_related("schedules", "location__schedules", "location__closures", "location__addresses",
                               "location__languages", Prefetch("location__phones",
                                                               queryset=Phone.objects.prefetch_related("languages"))))
    service = (visible_services().filter(slug=slug).select_related("organization", "institution")
               .prefetch_related("schedules", "closures", Prefetch("service_at_locations", queryset=links),
                                 "languages", Prefetch("phones", queryset=Phone.objects.prefetch_related("languages")),
                                 Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.order_by("sort_order")))
               .first())
    if service is None:
        raise Http404
    return service


def related_articles(service: Service) -> QuerySet[Page]:
    """Live, public pages in the reader's language that embed the service (any of its rows), through
    Wagtail's reference index (filled when a page is saved)."""
    service_ids = Service.objects.filter(translation_key=service.translation_key).values_list("pk", flat=True)
    page_ids = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(Service),
        to_object_id__in=[str(pk) for pk in service_ids],
        base_content_type=ContentType.objects.get_for_model(Page),
    ).values_list("object_id", flat=True)
    keys = Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).values("translation_key")
    return (Page.objects.live().public()
            .filter(translation_key__in=keys, locale__language_code=translation.get_language() or "pl")
            .order_by("title"))


def alternates(request: HttpRequest, service: Service) -> list[tuple[str, str]]:
    """(language code, absolute URL) of the page in Polish and in each language the service has a row in."""
    codes = set(Service.objects.filter(translation_key=service.translation_key)
                .values_list("locale__language_code", flat=True))
    base = request.build_absolute_uri("/").rstrip("/")
    result = []
    for code, _name in settings.LANGUAGES:
        if code in codes:
            with translation.override(code):
                result.append((code, base + service_url(service.slug)))
    return result


@require_safe
def service(request: HttpRequest, slug: str) -> HttpResponse:
    source = _source_service(slug)
    shown = Localized(source, translations_of(Service, [source]).get(source.translation_key))
    org = Localized(source.organization,
                    translations_of(Organization, [source.organization]).get(source.organization.translation_key))
    links = list(source.service_at_locations.all())
    location_rows = translations_of(Location, [link.location for link in links])
    terms = list(source.taxonomy_terms.all())
    term_rows = translations_of(TaxonomyTerm, terms)
    places = []
    for link in links:
        loc = link.location
        places.append(Place(
            location=Localized(loc, location_rows.get(loc.translation_key)),
            addresses=list(loc.addresses.all()),
            phones=_phone_lines(list(loc.phones.all())),
            languages=[(row.code.lower(), language_name(row.code)) for row in loc.languages.all()],
            note=link.description,
            osm_url=osm_url(loc),
            week=hours.week(source, loc),
            status=hours.status(source, loc),
            closures=hours.closures_ahead(source, loc),
        ))
    own_hours = not places
    return render(request, "directory/service.html", {
        "service": shown,
        "source": source,
        "organization": org,
        "categories": [Localized(term, term_rows.get(term.translation_key)) for term in terms],
        "places": places,
        "phones": _phone_lines(list(source.phones.all())),
        "spoken": spoken_languages(source),
        "status": hours.status(source),
        "week": hours.week(source) if own_hours else [],
        "closures": hours.closures_ahead(source) if own_hours else [],
        "articles": related_articles(source),
        "service_alternates": alternates(request, source),
        "time_zone": settings.TIME_ZONE,
        "reader_language": reader_language(),
    })
