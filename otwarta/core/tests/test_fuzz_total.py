"""The fuzz set's total (runs after test_fuzz_openapi.py and test_fuzz_public.py, alphabetically)."""

from __future__ import annotations

import pytest

from otwarta.core.tests import fuzzing


@pytest.mark.fuzz
def test_at_least_5000_generated_requests_without_a_server_error() -> None:
    if set(fuzzing.SHARES) - set(fuzzing.COUNTS):
        pytest.skip("only part of the fuzz set was selected")
    total = sum(fuzzing.COUNTS.values())
    fuzzing.save()
    print("\nfuzz requests: " + ", ".join(f"{k} {v}" for k, v in sorted(fuzzing.COUNTS.items()))
          + f"; total {total}")
    assert total >= fuzzing.MINIMUM_TOTAL
