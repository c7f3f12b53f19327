"""Test helpers shared by every app's tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from otwarta.demo.loader import DemoLoader, LoadReport

TEST_CONTENT = Path(__file__).resolve().parent.parent / "demo" / "tests" / "content"


def build_test_portal() -> LoadReport:
    """Load the small test content set (2 institutions, 1 topic, 2 articles, a few translations) with the
    real demo loader, accounts included (``urzad-editor``, ``urzad-moderator``, ``fundacja-editor``, …)."""
    return DemoLoader(content_dir=TEST_CONTENT).load(with_accounts=True)


# --- Browser tests (Debian's Chromium driven by Playwright; nothing downloaded at run time) -------------
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium's own connections are refused on a closed network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
INSTALL_HINT = "run `bash scripts/install-browser-deps.sh`"


def missing_browser_dependency(reason: str) -> None:
    """Fail under CI (a missing browser must not turn the browser checks green), skip elsewhere."""
    import os

    import pytest

    message = f"{reason}; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """A headless Chromium (Debian's) for the duration of the block."""
    import os

    if not CHROMIUM.exists():
        missing_browser_dependency(f"Debian's Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is in requirements.txt
        missing_browser_dependency("the Python package playwright is not installed")
    # Playwright's sync API keeps an asyncio loop in this thread; the test code's ORM calls are plain
    # synchronous calls all the same, so Django's async-safety guard must not trip on them.
    set_here = "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if set_here:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def signed_in_client(username: str, admin_language: str = "en") -> Any:
    """A test client signed in as ``username`` ("anonymous": not signed in), reading the admin in
    ``admin_language`` (the portal's admin defaults to Polish; tests read its messages in English)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from wagtail.users.models import UserProfile

    client = Client()
    if username != "anonymous":
        person = get_user_model().objects.get(username=username)
        profile = UserProfile.get_for_user(person)
        profile.preferred_language = admin_language
        profile.save()
        client.force_login(person)
    return client
