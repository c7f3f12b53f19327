"""Our OpenAPI 3.1 document, derived from the HSDS 3.1 reference ``openapi.json`` (see docs/hsds-api.md).

Differences from the reference: only the GET operations we implement; ``servers`` is this site; the
``/service_at_locations/{id}`` response is the compiled *service_at_location* schema (the reference names
the service schema there by mistake); extra parameters ``lang``, ``proximity_radius`` and
``modified_after`` on organisations; ``proximity`` also takes ``latitude,longitude``; JSON error bodies."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

from .pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_PER_PAGE_MINIMAL
from .serializers import HSDS_VERSION

SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


PARAMETERS: dict[str, dict[str, Any]] = {
    # the reference's parameters (same names, places and types), with our limits in the descriptions
    "search": _query("search", "Full text search (case-insensitive substring of names and descriptions, "
                               "in any language).", {"type": "string"}),
    "page": _query("page", "Page number of paginated result.", {"type": "integer", "minimum": 1, "default": 1}),
    "per_page": _query("per_page", f"Number of results requested in a single page (default {DEFAULT_PER_PAGE}, "
                                   f"at most {MAX_PER_PAGE}; with minimal=true default and maximum "
                                   f"{MAX_PER_PAGE_MINIMAL}).",
                       {"type": "integer", "minimum": 1, "default": DEFAULT_PER_PAGE}),
    "minimal": _query("minimal", "Return services with just 'id', 'name', 'status' and 'last_modified'.",
                      {"type": "boolean"}),
    "full": _query("full", "Return a fully nested service, service_at_location, or organization based on the "
                           "request.", {"type": "boolean"}),
    "modified_after": _query("modified_after", "Return all results modified on or after this datetime "
                                               "(ISO 8601; a date means its midnight in Poland).",
                             {"type": "string", "format": "date-time"}),
    "taxonomy_term_id": _query("taxonomy_term_id", "Search for records with particular taxonomy_term (several "
                                                   "ids separated by commas: any of them).", {"type": "string"}),
    "taxonomy_id": _query("taxonomy_id", "Search for records which contain any term with this taxonomy.",
                          {"type": "string"}),
    "organization_id": _query("organization_id", "Search for services that this organization provides.",
                              {"type": "string"}),
    "full_service": _query("full_service", "Fully nested organization with service array that contains full "
                                           "service information.", {"type": "boolean"}),
    "postcode": _query("postcode", "A postcode. Alone: only services at locations with this postcode. With "
                                   "'proximity' in metres: only results within that distance from the centroid "
                                   "of our locations with this postcode.", {"type": "string"}),
    "proximity": _query("proximity", "Either 'latitude,longitude' (WGS 84 decimal degrees, e.g. 50.0614,19.9366): "
                                     "results sorted by distance from that point, optionally within "
                                     "'proximity_radius' km; or a distance in metres from the centroid of "
                                     "'postcode' (as in the HSDS reference), sorted by distance.",
                        {"type": "string", "pattern": r"^(-?\d+(\.\d+)?,\s*-?\d+(\.\d+)?|\d+(\.\d+)?)$"}),
    "format": _query("format", "Return results in the specified format: only 'json'.",
                     {"type": "string", "enum": ["json"]}),
    # ours
    "lang": _query("lang", "Language of the texts (default: the first supported language of Accept-Language, "
                           "else Polish). Fields without a translation are in Polish.",
                   {"type": "string"}),
    "proximity_radius": _query("proximity_radius", "With proximity=latitude,longitude: only results within this "
                                                   "many kilometres.", {"type": "number", "exclusiveMinimum": 0}),
    "top_only": _query("top_only", "Only retrieve taxonomy terms that have no parent term.", {"type": "boolean"}),
    "parent_id": _query("parent_id", "Retrieve taxonomy terms that have a parent with this id.", {"type": "string"}),
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _id_parameter(what: str) -> dict[str, Any]:
    return {"in": "path", "name": "id", "required": True,
            "description": f"The id of the {what} that the request is intended to retrieve.",
            "schema": {"type": "string", "format": "uuid"}}


ERRORS = {
    "400": {"description": "A parameter has a wrong value.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
}
NOT_FOUND = {
    "404": {"description": "There is no record with this id.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
}


def _page_of(schema_url: str) -> dict[str, Any]:
    return {"properties": {"contents": {"type": "array", "items": {"$ref": schema_url}}},
            "allOf": [{"$ref": "#/components/schemas/Page"}]}


def _get(operation_id: str, summary: str, parameters: list[str], schema: dict[str, Any], *,
         errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"get": {
        "summary": summary, "operationId": operation_id,
        "parameters": [_ref(name) for name in [*parameters, "lang"]],
        "responses": {"200": {"description": summary, "content": {"application/json": {"schema": schema}}},
                      **ERRORS, **(errors or {})},
    }}


def _detail(what: str, operation_id: str, summary: str, schema_url: str, parameters: tuple[str, ...] = ()
            ) -> dict[str, Any]:
    item = _get(operation_id, summary, list(parameters), {"$ref": schema_url}, errors=NOT_FOUND)
    return {"parameters": [_id_parameter(what)], **item}


LIST = ["search", "page", "per_page", "format"]
PATHS: dict[str, dict[str, Any]] = {
    "/": {"get": {
        "summary": "Retrieve information about this API and its relationship with HSDS.",
        "operationId": "getAPIMetaInformation",
        "responses": {"200": {"description": "Information about this API.", "content": {"application/json": {
            "schema": {"type": "object", "required": ["version", "profile", "openapi_url"], "properties": {
                "version": {"type": "string", "description": "HSDS version of this API."},
                "profile": {"type": "string", "format": "uri"},
                "openapi_url": {"type": "string", "format": "uri"},
            }}}}}},
    }},
    "/services": _get(
        "getPaginatedListOfServices", "Paginated listing of services (one-to-one fields and the organization; "
        "fully nested with full=true).",
        [*LIST, "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "minimal", "full"],
        _page_of(SCHEMA_BASE + "compiled/service_list.json")),
    "/services/{id}": _detail("service", "getFullyNestedServiceById",
                              "A fully nested service with all related data.", SCHEMA_BASE + "compiled/service.json"),
    "/organizations": _get(
        "getPaginatedListOfOrganizations", "Paginated list of organizations (fully nested with full=true).",
        [*LIST, "full", "full_service", "taxonomy_term_id", "taxonomy_id", "modified_after"],
        _page_of(SCHEMA_BASE + "compiled/organization_list.json")),
    "/organizations/{id}": _detail("organization", "getOrganizationById",
                                   "A fully nested organization; its services with one-to-one fields, or fully "
                                   "nested with full_service=true.", SCHEMA_BASE + "compiled/organization.json",
                                   ("full_service",)),
    "/service_at_locations": _get(
        "getPaginatedListOfServiceAtLocation", "Paginated listing of services at locations (fully nested with "
        "full=true); sorted by distance with proximity.",
        [*LIST, "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "full", "postcode",
         "proximity", "proximity_radius"],
        _page_of(SCHEMA_BASE + "compiled/service_at_location_list.json")),
    "/service_at_locations/{id}": _detail("service at location", "getServiceAtLocationWithNestedDataById",
                                          "A fully nested service_at_location with all related data.",
                                          SCHEMA_BASE + "compiled/service_at_location.json"),
    "/taxonomies": _get("getPaginatedListOfTaxonomies", "Paginated listing of taxonomies.", LIST,
                        _page_of(SCHEMA_BASE + "taxonomy.json")),
    "/taxonomies/{id}": _detail("taxonomy", "getTaxonomyById", "Full information on a taxonomy.",
                                SCHEMA_BASE + "taxonomy.json"),
    "/taxonomy_terms": _get("getPaginatedListOfTaxonomyTerms", "Paginated listing of taxonomy terms.",
                            [*LIST, "taxonomy_id", "top_only", "parent_id"],
                            _page_of(SCHEMA_BASE + "taxonomy_term.json")),
    "/taxonomy_terms/{id}": _detail("taxonomy term", "getTaxonomyTermById", "Full information on a taxonomy term.",
                                    SCHEMA_BASE + "taxonomy_term.json"),
}

COMPONENT_SCHEMAS: dict[str, Any] = {
    "Page": {"type": "object", "required": ["total_items", "total_pages", "page_number", "size", "first_page",
                                            "last_page", "empty", "contents"], "properties": {
        "total_items": {"type": "integer", "description": "The total number of entities returned."},
        "total_pages": {"type": "integer", "description": "Count of total pages."},
        "page_number": {"type": "integer", "description": "The number of the current page."},
        "size": {"type": "integer", "description": "The number of entities in the current page."},
        "first_page": {"type": "boolean", "description": "Whether this is the first page."},
        "last_page": {"type": "boolean", "description": "Whether this is the last page."},
        "empty": {"type": "boolean", "description": "Whether this page has no entities."},
    }},
    "Error": {"type": "object", "required": ["status", "error", "message"], "properties": {
        "status": {"type": "integer"}, "error": {"type": "string"}, "message": {"type": "string"},
        "parameter": {"type": "string", "description": "The query parameter at fault."},
    }},
}


def document(server_url: str) -> dict[str, Any]:
    """The OpenAPI document for the API served at ``server_url`` (e.g. https://example.org/api/hsds)."""
    parameters = copy.deepcopy(PARAMETERS)
    parameters["lang"]["schema"]["enum"] = [code for code, _name in settings.LANGUAGES]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Małopolska otwarta: service directory (Open Referral HSDS 3.1)",
            "version": "1.0.0",
            "summary": "Read-only HSDS 3.1 API of the services for immigrants in Małopolska.",
            "description": (
                f"HSDS {HSDS_VERSION} read API. Ids of organizations, services, locations and taxonomy terms are "
                "the same in every language; texts are in Polish unless 'lang' or Accept-Language asks for "
                "another language (see Content-Language). Opening hours are local time in Poland "
                "(Europe/Warsaw; 'timezone' gives the UTC offset on the schedule's reference date); closures "
                "and shortened hours are schedule entries limited by valid_from/valid_to. Responses may be "
                "cached for 5 minutes and are open to every origin (CORS)."),
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": server_url}],
        "paths": copy.deepcopy(PATHS),
        "components": {"schemas": copy.deepcopy(COMPONENT_SCHEMAS), "parameters": parameters},
    }
