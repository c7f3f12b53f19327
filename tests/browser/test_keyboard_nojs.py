"""Usable by keyboard alone, and without JavaScript.

Keyboard: the first Tab reaches the skip link, Enter on it moves the focus to the main content; every
interactive element of the article page is reached by Tab, in document order, and shows a focus indicator
(its computed outline or box-shadow differs from the unfocused state).

Without JavaScript (a context with JavaScript disabled): the questions and answers open on click and on
Enter, search works, and the language switcher leads to the same article in another language.

These contexts run under the pages' real Content-Security-Policy; a violation would show as a console
error, and the tests check there is none.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ARTICLE_PATH, BROWSER_DB

pytestmark = [pytest.mark.browser, BROWSER_DB]

FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), "
    "textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)
# Tags every element the reader can reach with Tab (rendered, not inside a closed <details>) with its
# position in document order and remembers its unfocused outline and box-shadow.
MARK_FOCUSABLE = """(selector) => {
  const style = (el) => { const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' | '); };
  const found = [...document.querySelectorAll(selector)].filter((el) => el.checkVisibility());
  return found.map((el, i) => { el.dataset.kb = String(i);
    return {i, tag: el.tagName.toLowerCase(), text: (el.textContent || el.value || '').trim().slice(0, 40),
            unfocused: style(el)}; });
}"""
ACTIVE = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {kb: el.dataset ? el.dataset.kb : undefined, tag: el.tagName.toLowerCase(), id: el.id,
          cls: el.className, focused: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' | '),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none',
          inView: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth + 1};
}"""


def console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_skip_link_is_first_and_moves_focus_to_main(site: Any, new_context: Any) -> None:
    page = new_context().new_page()
    errors = console_errors(page)
    page.goto(site(f"/pl/{ARTICLE_PATH}"))
    page.keyboard.press("Tab")
    active = page.evaluate(ACTIVE)
    assert active["cls"] == "skip", f"the first Tab reached {active}, not the skip link"
    assert active["inView"], "the focused skip link is not visible on the screen"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")
    assert page.evaluate("location.hash") == "#main"
    # the next Tab continues inside the main content, not back at the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert not errors, errors


@pytest.mark.parametrize("language", ["pl", "ka"])
def test_every_interactive_element_is_reached_by_tab_with_visible_focus(
        language: str, site: Any, new_context: Any) -> None:
    page = new_context().new_page()
    errors = console_errors(page)
    page.goto(site(f"/{language}/{ARTICLE_PATH}"))
    elements = page.evaluate(MARK_FOCUSABLE, FOCUSABLE)
    assert len(elements) > 15, elements  # skip link, header, language links, breadcrumbs, article, footer
    reached: list[int] = []
    problems: list[str] = []
    for _ in range(len(elements) + 5):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active["kb"] is None:
            if active["tag"] == "body":
                break  # past the last element: the focus left the page
            problems.append(f"Tab reached an element that is not in the list: {active}")
            continue
        index = int(active["kb"])
        if index in reached:
            break
        reached.append(index)
        element = elements[index]
        if active["focused"] == element["unfocused"] or not (active["outline"] or active["shadow"]):
            problems.append(f"no visible focus indicator on {element}")
        if not active["inView"]:
            problems.append(f"the focused element is off the screen: {element}")
    missing = [elements[i] for i in range(len(elements)) if i not in reached]
    assert not missing, f"not reachable by Tab: {missing}"
    assert reached == sorted(reached), "the Tab order does not follow the reading order"
    assert not problems, "\n".join(problems)
    assert not errors, errors


@pytest.fixture
def nojs_page(new_context: Any) -> Any:
    page = new_context(java_script_enabled=False).new_page()
    return page


def test_questions_and_answers_open_without_javascript(site: Any, nojs_page: Any) -> None:
    page = nojs_page
    page.goto(site(f"/pl/{ARTICLE_PATH}"))
    summary = page.locator("details summary").first
    answer = page.locator("details .rt").first
    assert summary.is_visible()
    assert not answer.is_visible()
    summary.click()
    assert answer.is_visible()
    summary.click()
    assert not answer.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert answer.is_visible()
    assert "Zwykle kilka miesięcy." in answer.inner_text()
    page.keyboard.press("Enter")
    assert not answer.is_visible()


def test_search_works_without_javascript(site: Any, nojs_page: Any) -> None:
    page = nojs_page
    page.goto(site("/uk/"))
    field = page.locator("header input[type=search]")
    field.fill("посвідка")
    field.press("Enter")
    page.wait_for_url("**/uk/search/?q=*")
    assert page.locator("html").get_attribute("lang") == "uk"
    results = page.locator("main ol.list a")
    assert results.count() >= 1, page.locator("main").inner_text()
    results.first.click()
    page.wait_for_url(f"**/uk/{ARTICLE_PATH}")
    assert page.locator("h1").inner_text() == "Посвідка на тимчасове проживання"


def test_language_switcher_works_without_javascript(site: Any, nojs_page: Any) -> None:
    page = nojs_page
    page.goto(site(f"/pl/{ARTICLE_PATH}"))
    page.locator("nav.langs a[lang=ka]").click()
    page.wait_for_url(f"**/ka/{ARTICLE_PATH}")
    assert page.locator("html").get_attribute("lang") == "ka"
    assert page.locator("h1").inner_text() == "დროებითი ბინადრობის ბარათი"
    assert page.locator("nav.langs [aria-current]").get_attribute("lang") == "ka"
    # a language the article is not translated into: a notice in that language lists the versions
    page.locator("nav.langs a[lang=ru]").click()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator(f"main a[href='/pl/{ARTICLE_PATH}']").count() == 1
    page.locator("nav.langs a[lang=pl]").click()
    assert page.locator("html").get_attribute("lang") == "pl"
