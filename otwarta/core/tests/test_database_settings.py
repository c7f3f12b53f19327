"""Database connection settings that matter for speed (see the comment in settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (make test runs the suite on PostgreSQL too)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
