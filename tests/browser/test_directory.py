"""The service directory in Chromium, at 320 px: no axe-core violation on the search page (map closed and
open) and on a service page; the map opens from the keyboard under the real Content-Security-Policy and,
with the tile server unreachable, says so while the list stays fully usable; a reader in another time
zone sees their own time next to the Polish opening times. One test (each browser test flushes the DB)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import BROWSER_DB
from .test_accessibility import describe, run_axe

pytestmark = [pytest.mark.browser, BROWSER_DB]
NARROW = {"width": 320, "height": 720}


def make_services() -> None:
    from otwarta.directory import testing as f

    org = f.organization("Przychodnia Miejska")
    near = f.location(org, "Przychodnia przy Floriańskiej", wheelchair_accessible=True, closed_on_public_holidays=False)
    far = f.location(org, "Filia w Nowym Targu", teryt="1211", municipality="Nowy Targ", city="Nowy Targ",
                     lat="49.477000", lng="20.032000")
    clinic = f.service("Poradnia lekarska dla cudzoziemców", org, at=near, free_of_charge=True,
                       hours=(("MO,TU,WE,TH,FR", "08:00", "16:00"), ("SA", "09:00", "12:00")),
                       terms=(f.term(),))
    f.translate(clinic, "uk", name="Лікарська консультація для іноземців")
    f.service("Bezpłatna porada prawna", org, at=far, slug="bezplatna-porada-prawna")


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_directory_search_map_and_service_page(site: Any, new_context: Any, axe_script: Any) -> None:
    from playwright.sync_api import expect

    make_services()
    failures: list[str] = []

    # 1. axe (its context bypasses the CSP to inject axe-core), 320 px wide.
    axe_page = new_context(bypass_csp=True, viewport=NARROW, service_workers="block").new_page()
    axe_page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    for path in ["/pl/uslugi/", "/uk/uslugi/?free=1", "/uk/uslugi/poradnia-lekarska-dla-cudzoziemcow/",
                 "/pl/uslugi/poradnia-lekarska-dla-cudzoziemcow/", "/pl/uslugi/?q=zzzz"]:
        response = axe_page.goto(site(path))
        assert response is not None and response.status == 200, path
        assert no_horizontal_scroll(axe_page), f"{path} scrolls sideways at 320 px"
        if violations := run_axe(axe_page, axe_script):
            failures.append(f"{path}:\n{describe(violations)}")
    axe_page.goto(site("/en/uslugi/"))
    axe_page.get_by_role("button", name="Show on map").click()
    expect(axe_page.locator(".leaflet-marker-icon")).to_have_count(2)
    if violations := run_axe(axe_page, axe_script):
        failures.append(f"/en/uslugi/ with the map open:\n{describe(violations)}")
    assert not failures, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(failures)

    # 2. The real policy; tiles cannot load. Keyboard only.
    context = new_context(viewport=NARROW, service_workers="block", timezone_id="Europe/Warsaw")
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(site("/en/uslugi/"))
    assert page.locator("script[src*=leaflet]").count() == 0  # nothing of Leaflet before the reader asks
    toggle = page.get_by_role("button", name="Show on map")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Hide the map")).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
    expect(page.locator(".dir-map-message")).to_contain_text("The map could not be loaded")
    marker = page.locator(".leaflet-marker-icon[alt='Poradnia lekarska dla cudzoziemców']")
    marker.focus()
    page.keyboard.press("Enter")
    popup_link = page.locator(".leaflet-popup a[href='/en/uslugi/poradnia-lekarska-dla-cudzoziemcow/']")
    expect(popup_link).to_be_visible()
    assert not csp_errors, csp_errors
    assert no_horizontal_scroll(page)
    # the list is still there and usable with the map open
    result = page.locator(".dir-results a", has_text="Bezpłatna porada prawna")
    expect(result).to_be_visible()
    result.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/uslugi/bezplatna-porada-prawna/")
    expect(page.locator("h1")).to_have_text("Bezpłatna porada prawna")

    # 3. A reader in Tbilisi sees their own time next to the Polish times.
    away = new_context(viewport=NARROW, service_workers="block", timezone_id="Asia/Tbilisi").new_page()
    away.goto(site("/pl/uslugi/poradnia-lekarska-dla-cudzoziemcow/"))
    expect(away.locator(".dir-your-time").first).to_be_visible()
    expect(away.locator(".dir-your-zone")).to_contain_text("Asia/Tbilisi")
    home = new_context(viewport=NARROW, service_workers="block", timezone_id="Europe/Warsaw").new_page()
    home.goto(site("/pl/uslugi/poradnia-lekarska-dla-cudzoziemcow/"))
    expect(home.locator(".dir-your-time")).to_have_count(0)
