"""The test portal is built once for this package (building it takes several seconds) inside an outer
transaction; every test runs in a savepoint of it (pytest-django's ``db``), so changes never leak between
tests, and the whole snapshot is rolled back when the package is done.

No test in this package may be transactional (``transaction=True``): it would flush the shared snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction


@pytest.fixture(scope="package")
def _portal_snapshot(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    from otwarta.core.testing import build_test_portal

    with django_db_blocker.unblock(), transaction.atomic():
        report = build_test_portal()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def portal(_portal_snapshot: Any, db: None) -> Any:
    """Same content as the root ``portal`` fixture, built once per package."""
    return _portal_snapshot
