from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from .servers import APIServer, DeepLHandler, LibreTranslateHandler, running

LIBRE_KEY = "libre-test-key"
DEEPL_KEY = "deepl-test-key:fx"


@pytest.fixture(autouse=True)
def _no_machine_translation(settings: Any) -> Iterator[None]:
    """Every test starts with nothing configured (the default) and an empty languages cache."""
    settings.OTWARTA_MT = {
        "LIBRETRANSLATE_URL": "", "LIBRETRANSLATE_API_KEY": "", "DEEPL_API_KEY": "",
        "DEEPL_API_URL": "https://api-free.deepl.com", "TIMEOUT": 5.0, "CONNECT_TIMEOUT": 2.0,
        "LANGUAGES_CACHE_SECONDS": 3600, "DEFAULT_MONTHLY_CHARACTERS": 1000,
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def libretranslate(settings: Any) -> Iterator[APIServer]:
    with running(LibreTranslateHandler, LIBRE_KEY) as server:
        settings.OTWARTA_MT = {**settings.OTWARTA_MT, "LIBRETRANSLATE_URL": server.url,
                               "LIBRETRANSLATE_API_KEY": LIBRE_KEY}
        yield server


@pytest.fixture
def deepl(settings: Any) -> Iterator[APIServer]:
    with running(DeepLHandler, DEEPL_KEY) as server:
        settings.OTWARTA_MT = {**settings.OTWARTA_MT, "DEEPL_API_KEY": DEEPL_KEY, "DEEPL_API_URL": server.url}
        yield server
