"""The panel's progressive enhancement in a real browser (Debian's Chromium through Playwright): typing in
the summary or in a rich text block refreshes the analysis without saving; without JavaScript the panel
still shows the saved version's analysis.

The browser talks to Django's test client through Playwright's request routing (no live server, no
network): every request of the page — the edit view, Wagtail's static files, the readability endpoint —
is answered in this thread, inside the test's database transaction, with CSRF checks enforced.
Skipped when the browser is missing, failed instead when ``CI`` is set (as in ``tests/browser``).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from otwarta.core.testing import chromium_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ORIGIN = "http://testserver"
LONG_SENTENCE = (
    "Wniosek o udzielenie zezwolenia na pobyt czasowy składa się osobiście w urzędzie wojewódzkim właściwym "
    "ze względu na miejsce pobytu cudzoziemca najpóźniej w ostatnim dniu legalnego pobytu."
)  # 26 words
FORWARDED_HEADERS = {"accept", "content-type", "x-csrftoken", "x-requested-with"}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with chromium_browser() as browser:
        yield browser


def _answer(client: Client, endpoint_calls: list[str]) -> Callable[[Any, Any], None]:
    # Playwright calls the handler in a greenlet of its own, where Django would open a second connection
    # to the in-memory test database; hand it the test's connection (same thread, same transaction).
    connection = connections[DEFAULT_DB_ALIAS]

    def handle(route: Any, request: Any) -> None:
        connections[DEFAULT_DB_ALIAS] = connection
        url = urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        if url.path.startswith(django_settings.STATIC_URL):
            found = finders.find(url.path.removeprefix(django_settings.STATIC_URL))
            if not found:
                route.fulfill(status=404, body="")
                return
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            route.fulfill(status=200, body=Path(found).read_bytes(), headers={"content-type": content_type})
            return
        headers = {name: value for name, value in request.headers.items() if name.lower() in FORWARDED_HEADERS}
        if request.method == "POST":
            if "readability" in url.path:
                endpoint_calls.append(url.path)
            response = client.generic("POST", path, data=request.post_data_buffer or b"",
                                      content_type=headers.pop("content-type", ""), headers=headers)
        else:
            response = client.get(path, headers=headers)
        response_headers = {name.lower(): value for name, value in response.items()}
        route.fulfill(status=response.status_code, body=response.content, headers=response_headers)

    return handle


@pytest.fixture
def editor_page(chromium: Any, portal: Any) -> Iterator[Callable[..., Any]]:
    """A factory of browser tabs showing the test article's edit view, logged in as ``urzad-editor``."""
    from wagtail.users.models import UserProfile

    user = get_user_model().objects.get(username="urzad-editor")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    article = Page.objects.get(url_path="/home/instytucje/urzad/karta-pobytu/", locale__language_code="pl")
    contexts: list[Any] = []

    def open_page(javascript: bool = True) -> tuple[Any, list[str]]:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        endpoint_calls: list[str] = []
        context = chromium.new_context(java_script_enabled=javascript, locale="en")
        context.set_default_timeout(15_000)
        context.route("**/*", _answer(client, endpoint_calls))
        contexts.append(context)
        page = context.new_page()
        response = page.goto(ORIGIN + reverse("wagtailadmin_pages:edit", args=[article.pk]))
        assert response is not None and response.status == 200
        return page, endpoint_calls

    yield open_page
    for context in contexts:
        context.close()


def test_typing_in_the_summary_refreshes_the_panel(editor_page: Any) -> None:
    page, endpoint_calls = editor_page()
    panel = page.locator("[data-readability-panel]")
    assert panel.locator("[data-readability-long-sentences-none]").count() == 1

    summary = page.locator("textarea[name=summary]")
    summary.fill("")
    summary.press_sequentially(LONG_SENTENCE, delay=2)  # quicker than the panel's pause
    long_sentences = panel.locator("[data-readability-long-sentences] li")
    long_sentences.first.wait_for()
    assert LONG_SENTENCE in long_sentences.first.inner_text()
    assert "(26 words)" in long_sentences.first.inner_text()
    assert "Checked as you type" in panel.locator("[data-readability-source]").inner_text()
    assert "1 sentence is too long" in panel.locator("[data-readability-status]").inner_text()
    assert endpoint_calls == ["/admin/readability/analyse/"]  # one request after the pause, not one per key


def test_typing_in_a_rich_text_block_refreshes_the_panel(editor_page: Any) -> None:
    page, _calls = editor_page()
    panel = page.locator("[data-readability-panel]")
    words_before = int(panel.locator('[data-readability-figure="words"]').inner_text())
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" Trzy nowe słowa.")
    page.wait_for_function(
        "(expected) => document.querySelector('[data-readability-figure=\"words\"]').textContent.trim() == expected",
        arg=str(words_before + 3),
    )


def test_without_javascript_the_saved_version_is_analysed(editor_page: Any) -> None:
    page, endpoint_calls = editor_page(javascript=False)
    panel = page.locator("[data-readability-panel]")
    assert "Checked: the last saved version" in panel.inner_text()
    assert int(panel.locator('[data-readability-figure="words"]').inner_text()) > 20
    assert panel.locator('[data-readability-figure="index"]').count() == 1
    assert endpoint_calls == []
