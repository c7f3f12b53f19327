"""Pages the reader has opened stay readable offline (a small service worker); nothing breaks without it.

The live server is http://localhost, a secure context, so Chromium registers the worker. The worker is
served from /sw.js (scope /, no caching of the script itself). On the reader's first visit the page was
loaded before the worker existed; site.js then hands the page and its stylesheet and script to the
worker, so that even that first page is kept.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from .conftest import ARTICLE_PATH, BROWSER_DB

pytestmark = [pytest.mark.browser, BROWSER_DB]

BRAND_BLUE = "rgb(11, 79, 138)"  # --brand in site.css: proof that the stylesheet came from the cache
CACHED = """async (url) => { const hit = await caches.match(url, {ignoreVary: true}); return !!hit; }"""


def wait_until_cached(page: Any, url: str, timeout: float = 10.0) -> None:
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(CACHED, url):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the service worker did not keep {url} within {timeout} s")


def test_service_worker_script_is_served_for_the_whole_site(site: Any, new_context: Any) -> None:
    response = new_context().request.get(site("/sw.js"))
    assert response.status == 200
    assert response.headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert response.headers.get("service-worker-allowed") == "/"
    assert "no-cache" in response.headers.get("cache-control", "")


def test_opened_article_is_readable_offline(site: Any, new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    url = site(f"/uk/{ARTICLE_PATH}")
    page.goto(url)
    title = page.locator("h1").inner_text()
    wait_until_cached(page, url)
    assert page.evaluate("navigator.serviceWorker.getRegistration('/').then((r) => !!r && r.scope)") == site("/")

    context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == title
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor") == BRAND_BLUE
    # the network is really gone for the page: a page never opened gets the worker's offline notice
    page.goto(site("/uk/instytucje/"))
    assert page.locator("h1").inner_text() == "Offline"
    assert page.locator("p[lang=uk]").count() == 1

    context.set_offline(False)
    page.goto(url)
    assert page.locator("h1").inner_text() == title


def test_pages_work_without_the_service_worker(site: Any, new_context: Any) -> None:
    page = new_context(service_workers="block").new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(site(f"/pl/{ARTICLE_PATH}"))
    assert page.locator("h1").inner_text() == "Karta pobytu czasowego"
    assert page.evaluate("navigator.serviceWorker === undefined || navigator.serviceWorker.controller === null")
    page.locator("details summary").first.click()
    assert page.locator("details .rt").first.is_visible()
    assert not errors, errors
