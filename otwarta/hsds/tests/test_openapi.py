"""The served OpenAPI document: valid JSON, the implemented paths only, parameters that agree with the
HSDS reference and that the API really accepts, response schemas that exist in the reference."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_api_support import SCHEMA_BASE, Directory, build_directory, reference_dir

pytestmark = pytest.mark.django_db

IMPLEMENTED = {"/", "/services", "/services/{id}", "/organizations", "/organizations/{id}", "/service_at_locations",
               "/service_at_locations/{id}", "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms",
               "/taxonomy_terms/{id}"}


@pytest.fixture
def directory(portal: Any) -> Directory:
    return build_directory()


@pytest.fixture
def document(client: Any, portal: Any) -> dict[str, Any]:
    response = client.get("/api/hsds/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def reference() -> dict[str, Any]:
    return json.loads((reference_dir() / "openapi.json").read_text(encoding="utf-8"))


def parameters_of(document: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    item = document["paths"][path]
    found = {}
    for parameter in [*item.get("parameters", []), *item["get"].get("parameters", [])]:
        if "$ref" in parameter:
            assert parameter["$ref"].startswith("#/components/parameters/")
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found[parameter["name"]] = parameter
    return found


def test_the_document_lists_what_we_implement(client: Any, document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://testserver/api/hsds"}]
    assert set(document["paths"]) == IMPLEMENTED
    for path, item in document["paths"].items():
        assert set(item) <= {"get", "parameters"}, path  # read-only
        url = "/api/hsds" + path.replace("{id}", str(uuid.uuid4()))
        assert resolve(url).url_name != "not_found", path
        operation = item["get"]
        assert operation["operationId"] and "200" in operation["responses"]
    ids = [item["get"]["operationId"] for item in document["paths"].values()]
    assert len(ids) == len(set(ids))
    assert client.get("/api/hsds/").json()["openapi_url"] == "http://testserver/api/hsds/openapi.json"


def test_parameters_agree_with_the_reference(document: dict[str, Any], reference: dict[str, Any]) -> None:
    for path in IMPLEMENTED:
        ours = parameters_of(document, path)
        theirs = parameters_of(reference, path) if "get" in reference["paths"][path] else {}
        # every parameter of the reference is offered, at the same place and with the same type
        for name, parameter in theirs.items():
            assert name in ours, (path, name)
            assert ours[name]["in"] == parameter["in"], (path, name)
            assert ours[name]["schema"]["type"] == parameter["schema"]["type"], (path, name)
        assert "lang" in ours or path == "/"
    assert "proximity_radius" in parameters_of(document, "/service_at_locations")


def test_response_schemas_are_official(document: dict[str, Any]) -> None:
    """Every schema URL names a file of the reference (so clients can fetch and validate against it)."""
    text = json.dumps(document)
    urls = {part.split('"')[0] for part in text.split('"$ref": "')[1:] if part.startswith("https://")}
    assert urls
    for url in urls:
        assert url.startswith(SCHEMA_BASE), url
        assert (reference_dir() / url[len(SCHEMA_BASE):]).is_file(), url
    for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:] if part.startswith("#")}:
        node: Any = document
        for key in ref[2:].split("/"):
            node = node[key]
        assert node, ref


def sample(name: str, schema: dict[str, Any], directory: Directory) -> str:
    values = {
        "search": "zdrowia", "lang": "en", "format": "json", "postcode": "33-100", "proximity": "50.01,20.98",
        "taxonomy_term_id": str(directory.health.translation_key), "taxonomy_id": str(directory.health.taxonomy_id),
        "organization_id": str(directory.clinic.translation_key), "parent_id": str(directory.health.translation_key),
        "modified_after": (timezone.now() - dt.timedelta(days=1)).isoformat(),
    }
    if name in values:
        return values[name]
    return {"boolean": "true", "integer": "1", "number": "10"}[schema["type"]]


def test_every_documented_parameter_is_accepted(client: Any, document: dict[str, Any], directory: Directory) -> None:
    for path in IMPLEMENTED - {"/"}:
        concrete = path
        if "{id}" in path:
            record = {"/services/{id}": directory.health_service.translation_key,
                      "/organizations/{id}": directory.clinic.translation_key,
                      "/service_at_locations/{id}": directory.health_service.service_at_locations.first().pk,  # type: ignore[union-attr]
                      "/taxonomies/{id}": directory.health.taxonomy_id,
                      "/taxonomy_terms/{id}": directory.health.translation_key}[path]
            concrete = path.replace("{id}", str(record))
        for name, parameter in parameters_of(document, path).items():
            if parameter["in"] != "query":
                continue
            query = {name: sample(name, parameter["schema"], directory)}
            if name == "proximity_radius":
                query["proximity"] = "50.01,20.98"
            response = client.get("/api/hsds" + concrete, query)
            assert response.status_code == 200, (path, query, response.content[:300])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.dictionaries(
    st.sampled_from(["page", "per_page", "search", "minimal", "full", "modified_after", "taxonomy_term_id",
                     "organization_id", "lang", "proximity", "proximity_radius", "postcode", "format"]),
    st.text(max_size=12), max_size=4))
def test_random_queries_never_break_the_api(client: Any, portal: Any, query: dict[str, str]) -> None:
    """Property: whatever the query string, the answer is 200 or a JSON 400, never a server error."""
    for endpoint in ("/services", "/service_at_locations"):
        response = client.get("/api/hsds" + endpoint, query)
        assert response.status_code in (200, 400), (endpoint, query)
        body = response.json()
        assert ("contents" in body) if response.status_code == 200 else (body["status"] == 400)
