"""URLs of the HSDS 3.1 read API, mounted at ``/api/hsds/`` (namespace ``hsds``), outside i18n_patterns.

A trailing slash is accepted on every endpoint; anything else under the prefix is a JSON 404."""

from django.urls import path, re_path

from . import api

ID = r"(?P<id>[^/]+)/?$"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi_document, name="openapi"),
    re_path(r"^services/?$", api.services, name="services"),
    re_path(r"^services/" + ID, api.service_detail, name="service"),
    re_path(r"^organizations/?$", api.organizations, name="organizations"),
    re_path(r"^organizations/" + ID, api.organization_detail, name="organization"),
    re_path(r"^service_at_locations/?$", api.service_at_locations, name="service_at_locations"),
    re_path(r"^service_at_locations/" + ID, api.service_at_location_detail, name="service_at_location"),
    re_path(r"^taxonomies/?$", api.taxonomies, name="taxonomies"),
    re_path(r"^taxonomies/" + ID, api.taxonomy_detail, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", api.taxonomy_terms, name="taxonomy_terms"),
    re_path(r"^taxonomy_terms/" + ID, api.taxonomy_term_detail, name="taxonomy_term"),
    re_path(r"^(?P<path>.*)$", api.not_found, name="not_found"),
]
