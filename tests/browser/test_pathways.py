"""A health pathway in Chromium. One test (each browser test flushes the database), several checks:

- with JavaScript disabled and under the real Content-Security-Policy, the reader chooses a situation and
  sends the form: the answers go into the address, the form keeps them, steps of other situations go away,
  the urgent step stays first, and "Clear" brings every step back;
- axe-core (WCAG 2.1 AA tags) finds no violation and nothing scrolls sideways at 320 px, on the page
  without answers (every alternative labelled) and with answers.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import BROWSER_DB
from .test_registers_assistance import NARROW, Checks

pytestmark = [pytest.mark.browser, BROWSER_DB]

PATH = "/pl/instytucje/urzad/do-lekarza/"


def test_pathway_form_without_javascript_and_axe(site: Any, new_context: Any, axe_script: Any) -> None:
    from playwright.sync_api import expect

    from otwarta.pathways.tests.helpers import make_pathway

    make_pathway(translate=False)
    steps_shown = "ol.pw-list > li > h3"

    # 1. No JavaScript, the real CSP: choose "not insured" and "a child", send the form.
    page = new_context(java_script_enabled=False, viewport=NARROW, service_workers="block").new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(site(PATH))
    assert response is not None and response.status == 200
    expect(page.locator(steps_shown)).to_have_count(5)
    expect(page.locator(".pw-if")).to_have_count(3)
    page.get_by_label("nie mam ubezpieczenia").check()
    page.get_by_label("dziecko").check()
    with page.expect_navigation() as navigation:
        page.locator("form.pw-form button[type=submit]").click()
    sent = navigation.value
    assert sent is not None and sent.status == 200
    assert sent.headers.get("cache-control") == "private, no-store"
    assert "insurance=not-insured" in page.url and "age=child" in page.url and page.url.endswith("#pw-steps")
    expect(page.get_by_label("nie mam ubezpieczenia")).to_be_checked()
    expect(page.get_by_label("dziecko")).to_be_checked()
    expect(page.locator(steps_shown)).to_have_count(3)
    expect(page.locator(steps_shown).first).to_contain_text("W nagłym wypadku dzwoń pod 112")
    expect(page.locator("main")).not_to_contain_text("Zaszczep dziecko")  # needs insurance as well
    expect(page.locator("main")).not_to_contain_text("Pokaż potwierdzenie ubezpieczenia")
    page.locator("form.pw-form a").click()  # clear the answers
    expect(page.locator(steps_shown)).to_have_count(5)
    assert "?" not in page.url
    assert not [e for e in errors if "Content Security Policy" in e], errors

    # 2. axe and reflow at 320 px, without and with answers (the axe context bypasses the CSP).
    checks = Checks(axe_script)
    page = new_context(bypass_csp=True, viewport=NARROW, service_workers="block").new_page()
    for path in (PATH, PATH + "?insurance=nfz-work&age="):
        response = page.goto(site(path))
        assert response is not None and response.status == 200
        checks.page(page, path)
    assert not checks.failures, "\n".join(checks.failures)
