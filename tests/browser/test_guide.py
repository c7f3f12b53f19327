"""The situation guide in Chromium: no axe-core violation on the questions and on the checklist in
Ukrainian (320 px wide, no sideways scrolling); without JavaScript, under the real Content-Security-Policy,
a reader answers, gets the checklist, goes back with "Change my answers" (the answers still chosen) and
downloads the PDF with the same answers. One test (each browser test flushes the database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext

from otwarta.guide.tests.test_public import ACTION_CARD, ACTION_DOCTOR, OPTIONS, make_guide, result_path

from .conftest import BROWSER_DB
from .test_accessibility import describe, run_axe

pytestmark = [pytest.mark.browser, BROWSER_DB]
NARROW = {"width": 320, "height": 720}


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_guide_form_checklist_and_pdf(site: Any, new_context: Any, axe_script: Any) -> None:
    from playwright.sync_api import expect

    make_guide()
    failures: list[str] = []

    # 1. axe (its context bypasses the CSP to inject axe-core), 320 px wide, in Ukrainian.
    axe_page = new_context(bypass_csp=True, viewport=NARROW, locale="uk", service_workers="block").new_page()
    for path in ["/uk/przewodnik/", result_path("uk"), result_path("uk", {"residence": "pesel-ukr"}),
                 result_path("uk", sub="")]:
        response = axe_page.goto(site(path))
        assert response is not None and response.status == 200, path
        assert axe_page.locator("html").get_attribute("lang") == "uk"
        assert no_horizontal_scroll(axe_page), f"{path} scrolls sideways at 320 px"
        if violations := run_axe(axe_page, axe_script):
            failures.append(f"{path}:\n{describe(violations)}")
    assert not failures, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(failures)

    # 2. Without JavaScript, under the real policy: answer, read the checklist, change, print.
    context = new_context(java_script_enabled=False, viewport=NARROW, service_workers="block")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site("/uk/przewodnik/"))
    page.get_by_label(OPTIONS["uk"]["residence"][2], exact=True).check()  # Віза
    page.get_by_label(OPTIONS["uk"]["need"][0], exact=True).check()  # Лікар
    page.locator("select[name=place]").select_option("1261")
    page.locator(".guide-form button[type=submit]").click()
    page.wait_for_url("**/uk/przewodnik/wynik/?**")
    assert "residence=visa" in page.url and "need=doctor" in page.url and "place=1261" in page.url
    steps = page.locator("ol.guide-do > li")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_have_text(ACTION_DOCTOR["uk"])
    expect(steps.nth(1)).to_have_text(ACTION_CARD["uk"])
    expect(page.locator("#g-services ~ ul .dir-card-title a")).to_have_text("Poradnia dla cudzoziemców")
    expect(page.locator(".guide-duty")).to_contain_text("1")
    # every request the page made went to this site
    base = site("/")
    assert all(url.startswith(base) for url in requests), [u for u in requests if not u.startswith(base)]

    pdf_href = page.locator(".guide-tools a[type='application/pdf']").first.get_attribute("href")
    assert pdf_href and pdf_href.startswith("/uk/przewodnik/wynik.pdf?") and "need=doctor" in pdf_href
    pdf = context.request.get(site(pdf_href))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["referrer-policy"] == "no-referrer" and "no-store" in pdf.headers["cache-control"]
    assert pdf.body().startswith(b"%PDF-")

    with translation.override("uk"):
        change = gettext("Change my answers")
    page.locator(".guide-tools").first.get_by_role("link", name=change).click()
    page.wait_for_url("**/uk/przewodnik/?**")
    expect(page.get_by_label(OPTIONS["uk"]["residence"][2], exact=True)).to_be_checked()
    expect(page.get_by_label(OPTIONS["uk"]["need"][0], exact=True)).to_be_checked()
    expect(page.get_by_label(OPTIONS["uk"]["need"][1], exact=True)).not_to_be_checked()
    expect(page.locator("select[name=place]")).to_have_value("1261")
    # choosing nothing leads back to the questions
    page.goto(site("/uk/przewodnik/wynik/"))
    assert page.url == site("/uk/przewodnik/")
    assert not [text for text in console if "Content Security Policy" in text], console
