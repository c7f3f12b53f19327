"""Schemathesis against the HSDS API's own OpenAPI document (otwarta/hsds/openapi.py), in-process through
the WSGI application: every operation, no server error, responses conforming to the document."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from otwarta.core.tests import fuzzing
from otwarta.hsds.openapi import document

TARGET = "hsds-openapi (schemathesis)"
OPERATIONS = 11  # GET operations in the document (index, 5 lists, 5 details)

schema = schemathesis.openapi.from_dict(document("http://localhost/api/hsds"))
schema.app = get_wsgi_application()
EXAMPLES = fuzzing.SHARES[TARGET] // OPERATIONS  # schemathesis adds its coverage phase on top


@pytest.fixture
def directory_data(portal: Any) -> None:
    """A few directory records, so that lists and details have something to serialise."""
    from otwarta.directory import testing as directory

    term = directory.term()
    org = directory.organization(owner=directory.institution())
    directory.service(org=org, terms=(term,))
    directory.service("Poradnia prawna", org=org, languages=("uk", "ru", "en"))


@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_hsds_api_conforms_to_its_openapi_document(case: Any, directory_data: None, settings_override: None,
                                                   test_connection_kept: None) -> None:
    # identity: schemathesis reads the WSGI body as it comes, and a long enough error answer is gzipped
    response = case.call(headers={"Accept-Encoding": "identity"})
    fuzzing.record(TARGET)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                             response_schema_conformance])


@pytest.fixture
def settings_override(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]


@pytest.fixture
def test_connection_kept() -> Any:
    """Call the WSGI application as Django's test client does: without ``close_old_connections`` on the
    request signals. Otherwise the end of each request closes the test's connection (PostgreSQL; SQLite's
    in-memory database ignores it) and every later query fails with "the connection is closed"."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.fuzz
def test_hsds_openapi_share() -> None:
    """Runs after the parametrized operations: together they made their share of the requests."""
    fuzzing.save()
    if fuzzing.COUNTS[TARGET] == 0:
        pytest.skip("the schemathesis tests were not selected")
    assert fuzzing.COUNTS[TARGET] >= fuzzing.SHARES[TARGET], fuzzing.COUNTS
