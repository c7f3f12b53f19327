"""The registers' public pages and the request e-service in Chromium. One test (each browser test flushes the
database), several pages:

- axe-core (WCAG 2.1 AA tags) finds no violation and nothing scrolls sideways at 320 px on the registers'
  index, a register's page with a filter applied, the empty request form, the form sent with errors and
  the private follow page of a request;
- the form sent with errors has an error summary whose links lead to the fields, and keeps what was typed;
- keyboard only: the first Tab reaches the skip link, and the form is filled in and sent with keys alone;
- with JavaScript disabled the form is sent, shows its errors, and a corrected form creates the request.

The form refuses what is sent faster than ``min_seconds()`` after it was shown (anti-spam); the test waits
that long before each submission rather than weakening the check.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from .conftest import BROWSER_DB
from .test_accessibility import describe, run_axe

pytestmark = [pytest.mark.browser, BROWSER_DB]
NARROW = {"width": 320, "height": 720}
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
ACTIVE = "() => { const el = document.activeElement; return el ? (el.id || el.className || el.tagName) : ''; }"


def make_register() -> str:
    """The interpreters' register with a hotline and two public people on duty around the clock (every day
    00:00–12:00 and 12:00–24:00, so someone is on duty whenever the test runs), and one unpublished person.
    Returns the private token of a request made through the services module."""
    from django.utils import timezone

    from otwarta.assistance import services
    from otwarta.registers import testing as f

    register = f.register()
    line = f.hotline(register, hours="pon.–pt. 8:00–16:00")
    all_day = tuple((day, starts, ends) for day in range(7) for starts, ends in (("00:00", "12:00"),
                                                                                  ("12:00", "00:00")))
    olena = f.person(register, "Olena Kowalska", languages=("uk", "ru"), slots=all_day,
                     specialisations=["medical"], public_phone="+48 12 111 22 33")
    olena.duty_slots.filter(weekday__in=range(7)).update(hotline=line)
    f.person(register, "Giorgi Beridze", languages=("ka",), slots=all_day, sworn_translator=True,
             sworn_number="TP/1/26")
    f.person(register, "Ukryta Osoba", languages=("ka",), public=False, slots=all_day)
    _req, token = services.create_request(
        register=register, language="uk", specialisation="medical", description="Wizyta u lekarza.",
        starts_at=timezone.now() + dt.timedelta(days=3), duration_minutes=60, on_site=False,
        requester_type="immigrant", requester_name="Mykola Petrenko", email="mykola@example.com", phone="",
        message_language="en")
    return token


class Checks:
    """axe and the 320 px reflow check on each page, failures collected."""

    def __init__(self, axe_script: Any) -> None:
        self.axe_script = axe_script
        self.failures: list[str] = []

    def page(self, page: Any, what: str) -> None:
        if not page.evaluate(NO_HORIZONTAL_SCROLL):
            widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            self.failures.append(f"{what}: scrolls sideways at 320 px {widths}")
        if violations := run_axe(page, self.axe_script):
            self.failures.append(f"{what}:\n{describe(violations)}")


def wait_for_anti_spam(shown_at: float) -> None:
    """The form refuses a submission made less than min_seconds() after it was shown."""
    from otwarta.assistance.forms import min_seconds

    remaining = min_seconds() + 0.5 - (time.monotonic() - shown_at)
    if remaining > 0:
        time.sleep(remaining)


def tab_to(page: Any, element_id: str, limit: int = 40) -> int:
    """Press Tab until the element with ``element_id`` has the focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} is not reached by Tab (the focus is on {page.evaluate(ACTIVE)})")


def test_registers_and_request_form(site: Any, new_context: Any, axe_script: Any) -> None:
    from playwright.sync_api import expect

    token = make_register()
    soon = dt.date.today() + dt.timedelta(days=30)  # a date for the requests
    checks = Checks(axe_script)

    # 1. axe and reflow at 320 px (the axe context bypasses the CSP to inject axe-core).
    page = new_context(bypass_csp=True, viewport=NARROW, service_workers="block").new_page()
    response = page.goto(site("/pl/tlumacze/"))
    assert response is not None and response.status == 200
    on_duty = page.locator("#reg-interpreter ~ ul.reg-duties").first
    expect(on_duty).to_contain_text("Olena Kowalska")
    expect(on_duty).to_contain_text("Giorgi Beridze")
    expect(page.locator("main")).not_to_contain_text("Ukryta Osoba")
    expect(page.locator("main .reg-tel")).to_have_text("+48 12 345 67 89")
    checks.page(page, "/pl/tlumacze/")

    response = page.goto(site("/uk/tlumacze/tlumacze/?language=ka&specialisation=&mode=&county="))
    assert response is not None and response.status == 200
    people = page.locator("ul.reg-people > li")
    expect(people).to_have_count(1)
    expect(people.first.locator(".reg-name")).to_have_text("Giorgi Beridze")
    expect(page.locator("#f-language")).to_have_value("ka")
    checks.page(page, "/uk/tlumacze/tlumacze/?language=ka")

    response = page.goto(site("/en/zamow-tlumacza/"))
    assert response is not None and response.status == 200
    shown_at = time.monotonic()
    checks.page(page, "/en/zamow-tlumacza/ (empty)")
    # Sent with errors: what was typed stays, the summary lists each problem with a link to its field.
    page.locator("#id_description").fill("Potrzebuję tłumacza w urzędzie.")
    page.locator("#id_email").fill("not-an-address")
    page.locator("#id_requester_name").fill("Mykola")
    wait_for_anti_spam(shown_at)
    with page.expect_navigation():
        page.get_by_role("button", name="Send the request").click()
    summary = page.locator("#rq-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # (autofocus: the reader lands on the list of problems, JavaScript or not)
    expect(summary.get_by_role("heading")).to_contain_text("problems")
    assert page.title().startswith("Error:")
    expect(page.locator("#id_description")).to_have_value("Potrzebuję tłumacza w urzędzie.")
    expect(page.locator("#id_email")).to_have_value("not-an-address")
    expect(page.locator("#id_requester_name")).to_have_value("Mykola")
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    hrefs = summary.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert {"#id_register_0", "#id_language", "#id_email", "#id_date", "#id_on_site_0"} <= set(hrefs), hrefs
    for href in hrefs:
        assert page.locator(href).count() == 1, f"the summary links to {href}, which is not on the page"
    summary.locator("a[href='#id_email']").click()
    assert page.evaluate(ACTIVE) == "id_email", "the summary's link does not move the focus to the field"
    summary.locator("a[href='#id_language']").click()
    assert page.evaluate(ACTIVE) == "id_language"
    checks.page(page, "/en/zamow-tlumacza/ (sent with errors)")

    response = page.goto(site(f"/en/zamow-tlumacza/{token}/"))
    assert response is not None and response.status == 200
    expect(page.locator(".rq-state")).to_contain_text("New")
    expect(page.get_by_role("button", name="Cancel the request")).to_be_visible()
    checks.page(page, "/en/zamow-tlumacza/<token>/")
    assert not checks.failures, "\n".join(checks.failures)

    # 2. Keyboard only, under the real Content-Security-Policy.
    context = new_context(viewport=NARROW, service_workers="block", locale="en-US", timezone_id="Europe/Warsaw")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(site("/en/zamow-tlumacza/"))
    shown_at = time.monotonic()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip", "the first Tab does not reach the skip link"
    tab_to(page, "id_register_0")
    page.keyboard.press("Space")
    tab_to(page, "id_language")
    page.keyboard.type("Georgian")  # a closed <select> picks the option whose name is typed
    tab_to(page, "id_specialisation")
    tab_to(page, "id_description")
    page.keyboard.type("Rozmowa w szkole o zapisie dziecka.")
    tab_to(page, "id_date")
    page.keyboard.type(soon.strftime("%m%d%Y"))  # en-US: month, day, year
    tab_to(page, "id_time")
    page.keyboard.type("1030AM")
    tab_to(page, "id_duration_minutes")
    tab_to(page, "id_on_site_0")
    page.keyboard.press("Space")
    tab_to(page, "id_requester_type_0")
    page.keyboard.press("Space")
    tab_to(page, "id_requester_name")
    page.keyboard.type("Nino Beridze")
    tab_to(page, "id_email")
    page.keyboard.type("nino@example.com")
    tab_to(page, "id_consent")
    page.keyboard.press("Space")
    values = page.evaluate("""() => ({date: document.querySelector('#id_date').value,
        time: document.querySelector('#id_time').value, language: document.querySelector('#id_language').value,
        consent: document.querySelector('#id_consent').checked})""")
    assert values == {"date": soon.isoformat(), "time": "10:30", "language": "ka", "consent": True}, values
    # the honeypot is skipped: the next stop is the submit button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit", page.evaluate(ACTIVE)
    wait_for_anti_spam(shown_at)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#rq-errors").count() == 0, page.locator("#rq-errors").inner_text()
    expect(page.locator("h1")).to_have_text("Your request was sent")
    link = page.locator(".rq-url a")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".rq-state")).to_contain_text("New")
    expect(page.locator(".rq-details")).to_contain_text("Georgian")
    # the requester cancels it (the page's own form: its referrer policy must let the CSRF check pass)
    page.get_by_role("button", name="Cancel the request").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".rq-state")).to_contain_text("Cancelled")
    assert not errors, errors

    # 3. Without JavaScript: the form is sent, shows its errors; corrected, it creates the request.
    page = new_context(java_script_enabled=False, viewport=NARROW, service_workers="block").new_page()
    page.goto(site("/uk/zamow-tlumacza/"))
    shown_at = time.monotonic()
    page.locator("#id_description").fill("Переклад у лікарні.")
    wait_for_anti_spam(shown_at)
    with page.expect_navigation():
        page.locator("form.rq-form button[type=submit]").click()
    expect(page.locator("#rq-errors")).to_be_visible()
    expect(page.locator("#rq-errors")).to_be_focused()
    expect(page.locator("#rq-errors a[href='#id_language']")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("Переклад у лікарні.")
    shown_at = time.monotonic()
    page.locator("#id_register_0").check()
    page.locator("#id_language").select_option("uk")
    page.locator("#id_date").fill((soon + dt.timedelta(days=1)).isoformat())
    page.locator("#id_time").fill("09:00")
    page.locator("#id_on_site_0").check()
    page.locator("#id_requester_type_0").check()
    page.locator("#id_requester_name").fill("Mykola Petrenko")
    page.locator("#id_phone").fill("+48 601 222 333")
    page.locator("#id_consent").check()
    wait_for_anti_spam(shown_at)
    with page.expect_navigation():
        page.locator("form.rq-form button[type=submit]").click()
    expect(page.locator(".rq-link .rq-url a")).to_be_visible()

    from otwarta.assistance.models import AssistanceRequest

    made = {(r.language, r.requester_name) for r in AssistanceRequest.objects.all()}
    assert made == {("uk", "Mykola Petrenko"), ("ka", "Nino Beridze")}, made
