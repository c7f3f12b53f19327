"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Nothing is downloaded at run time: the browser is /usr/bin/chromium (apt package ``chromium``) and axe-core
is the npm package installed into ``.cache/axe`` by ``scripts/install-browser-deps.sh``. When either is
missing the tests fail with a clear message if the environment variable ``CI`` is set, and are skipped
with the same message otherwise (a developer without the browser can still run the rest of the suite).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from otwarta.core.testing import chromium_browser, missing_browser_dependency

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# Pages of the test portal (otwarta.core.testing.build_test_portal) that the browser tests load.
ARTICLE_PATH = "instytucje/urzad/karta-pobytu/"
TOPIC_PATH = "pobyt/"

# The live server needs committed data, so every browser test is transactional and pytest-django
# flushes the database after each one. Rebuilding the portal with the loader after such a flush is slow,
# and impossible without the rows that Wagtail's migrations made (root page, collection, locale), which
# the flush deletes too. So each browser test starts from a snapshot of the built portal (portal_snapshot)
# that live_portal restores whenever the portal is not in the database.
BROWSER_DB = pytest.mark.django_db(transaction=True)


missing = missing_browser_dependency


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE_JS.exists():
        missing(f"axe-core is not installed at {AXE_JS.relative_to(ROOT)}")
    return AXE_JS


def restore(snapshot: str) -> None:
    """Replace the whole database with ``snapshot`` (content types and permissions included)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    # The flush after the previous test ran post_migrate, which made new content types and emptied the
    # content type cache; the snapshot's own come first (see portal_snapshot), so that signal handlers
    # that look content types up while the rows are restored find them rather than create them.
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(snapshot)
    with connection.cursor() as cursor:  # PostgreSQL: ids continue after the restored rows
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


@pytest.fixture(scope="session")
def portal_snapshot(django_db_setup: None, django_db_blocker: Any) -> str:
    """The test database with the small portal built (the root conftest builds it once per session, right
    after the migrations), serialized once."""
    from django.db import connection
    from wagtail.models import Page

    from otwarta.core.testing import build_test_portal
    from otwarta.portal.models import HomePage

    with django_db_blocker.unblock():
        if not Page.objects.filter(depth=1).exists():
            pytest.fail("a test that ran before the browser tests flushed the test database, Wagtail's root "
                        "page included; the browser tests need the portal that conftest.py builds",
                        pytrace=False)
        if not HomePage.objects.exists():
            build_test_portal()
        # Without the audit log's rows: restoring them on PostgreSQL collides with entries written while the
        # restore runs (the sequence restarts at 1 after the flush), and no browser test reads them.
        rows = [row for row in json.loads(connection.creation.serialize_db_to_string())
                if row["model"] != "auditlog.logentry"]
    rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")  # content types first (see restore)
    return json.dumps(rows)


def end_live_server_sessions() -> None:
    """PostgreSQL: end the live server's database sessions before pytest-django flushes the database.

    A request still in flight when a test ends (a service worker's background fetch, say) holds locks
    on the tables it reads; the flush's TRUNCATE then waits for it, or the two deadlock. The browser
    contexts are closed by now, so nothing is lost by ending those sessions."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def live_portal(live_server: Any, portal_snapshot: str) -> Iterator[None]:
    """The portal in the database the live server reads: the first browser test finds it there, the
    later ones (after pytest-django's flush) get it back from the snapshot."""
    from django.core.cache import cache

    from otwarta.portal.models import HomePage

    if not HomePage.objects.exists():
        restore(portal_snapshot)
    cache.clear()  # Wagtail keeps the site root paths in the cache
    yield
    end_live_server_sessions()


@pytest.fixture
def site(live_server: Any, live_portal: None) -> Callable[[str], str]:
    """Absolute URL on the live server of a path such as ``/pl/pobyt/``."""
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
    end_live_server_sessions()
