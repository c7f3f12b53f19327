from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters() -> Iterator[None]:
    """The endpoint counts requests per user in the cache; user ids repeat between tests."""
    cache.clear()
    yield
    cache.clear()
