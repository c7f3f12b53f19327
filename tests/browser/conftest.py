"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Nothing is downloaded at run time: the browser is /usr/bin/chromium (apt package ``chromium``) and axe-core
is the npm package installed into ``.cache/axe`` by ``scripts/install-browser-deps.sh``. When either is
missing the tests fail with a clear message if the environment variable ``CI`` is set, and are skipped
with the same message otherwise (a developer without the browser can still run the rest of the suite).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = "run `bash scripts/install-browser-deps.sh`"
# Without the background-networking flags Chromium's own connections are refused on a closed network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# Pages of the test portal (otwarta.core.testing.build_test_portal) that the browser tests load.
ARTICLE_PATH = "instytucje/urzad/karta-pobytu/"
TOPIC_PATH = "pobyt/"

# The live server needs committed data, so every browser test is transactional, and pytest-django
# flushes the database after each one. Rebuilding the portal with the loader after a flush is slow and
# needs Wagtail's migration data (root page, collection, locale) that a flush deletes too. Instead the
# tests use Django's serialized rollback with a snapshot of the *built* portal (see portal_snapshot):
# every browser test starts from the same complete portal and the flush skips post_migrate.
BROWSER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def missing(reason: str) -> None:
    """Fail under CI (a missing browser must not turn the accessibility checks green), skip elsewhere."""
    message = f"{reason}; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing(f"Debian's Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is in requirements.txt
        missing("the Python package playwright is not installed")
    # Playwright's sync API keeps an asyncio loop in this thread; the test code's ORM calls are plain
    # synchronous calls all the same, so Django's async-safety guard must not trip on them.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE_JS.exists():
        missing(f"axe-core is not installed at {AXE_JS.relative_to(ROOT)}")
    return AXE_JS


@pytest.fixture(scope="session", autouse=True)
def portal_snapshot(django_db_setup: None, django_db_blocker: Any) -> str:
    """The test database with the small portal built, serialized once per session; it becomes the
    connection's serialized-rollback contents, which Django restores at the start of each browser test
    (a restore over an identical database only rewrites the same rows)."""
    from django.db import connection
    from wagtail.models import Page

    from otwarta.core.testing import build_test_portal
    from otwarta.portal.models import HomePage

    with django_db_blocker.unblock():
        if not Page.objects.filter(depth=1).exists():
            # An earlier transactional test flushed the database: bring back what the migrations made.
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
        if not HomePage.objects.exists():
            build_test_portal()
        snapshot = connection.creation.serialize_db_to_string()
    connection._test_serialized_contents = snapshot
    return snapshot


@pytest.fixture
def site(live_server: Any) -> Callable[[str], str]:
    """Absolute URL on the live server of a path such as ``/pl/pobyt/``. The portal is in the database
    (restored from portal_snapshot before the test)."""
    from django.core.cache import cache

    cache.clear()  # Wagtail keeps the site root paths in the cache; the flush may have made them stale
    base = live_server.url.rstrip("/")

    def url(path: str) -> str:
        return base + path

    return url


@pytest.fixture
def new_context(browser: Any) -> Iterator[Callable[..., Any]]:
    """Factory of browser contexts, all closed at the end of the test."""
    contexts: list[Any] = []

    def make(**kwargs: Any) -> Any:
        context = browser.new_context(**kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
