"""Readable on a small screen and at 400 % zoom, in the reader's script and direction, and on paper.

- Reflow (WCAG 1.4.10): at 320 CSS pixels wide (a 1280 px window at 400 % zoom) the pages need no
  horizontal scrolling.
- Text spacing (WCAG 1.4.12): with the spacing of the success criterion applied, nothing is cut off.
- Every page carries the right ``lang`` and ``dir``, and the language switcher names each language in
  its own language and script.
- Right-to-left: no right-to-left language is configured today, so the test configures one the way an
  administrator would (``settings.LANGUAGES``, as OTWARTA_LANGUAGES does) and loads a page that needs no
  translated content (emergency numbers): ``<html dir="rtl">`` and the layout is mirrored in Chromium
  (the brand at the right, the emergency link at the left, the skip link appearing at the right). The
  stylesheet uses logical properties only, so nothing else needs to change for such a language; a check
  of site.css (test_stylesheet.py) keeps it that way.
- Print: the stylesheet has print rules; printed, the header, language switcher and footer are left out
  and the answers of closed questions are printed.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ARTICLE_PATH, BROWSER_DB, TOPIC_PATH

pytestmark = [pytest.mark.browser, BROWSER_DB]

NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# WCAG 1.4.12 text spacing, added through the CSS object model (the page's CSP forbids <style> elements).
TEXT_SPACING = """() => { const sheet = document.styleSheets[0];
  sheet.insertRule('* { line-height: 1.5 !important; letter-spacing: .12em !important; ' +
                   'word-spacing: .16em !important; }', sheet.cssRules.length);
  sheet.insertRule('p { margin-bottom: 2em !important; }', sheet.cssRules.length);
  return getComputedStyle(document.querySelector('main p')).letterSpacing; }"""
CLIPPED = """() => [...document.querySelectorAll('main *, header *')].filter((el) => {
  const s = getComputedStyle(el);
  return (s.overflowX === 'hidden' || s.overflowY === 'hidden') && !el.classList.contains('vh')
         && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
}).map((el) => el.outerHTML.slice(0, 80))"""


@pytest.mark.parametrize("language", ["pl", "uk", "ka"])
def test_no_horizontal_scrolling_at_320_css_pixels(language: str, site: Any, new_context: Any) -> None:
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in (ARTICLE_PATH, "", TOPIC_PATH, "search/?q=karta"):
        page.goto(site(f"/{language}/{path}"))
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"/{language}/{path} scrolls sideways at 320 px: {widths}"
    page.goto(site(f"/{language}/{ARTICLE_PATH}"))
    assert page.evaluate(TEXT_SPACING) != "normal"  # the spacing is applied
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the article scrolls sideways with WCAG text spacing"
    assert page.evaluate(CLIPPED) == []


def test_article_at_200_percent_zoom(site: Any, new_context: Any) -> None:
    """A 1280 px window at 200 % zoom lays out 640 CSS pixels (rendered with two device pixels each): no
    sideways scrolling, text at least 16 CSS pixels, and text that follows the browser's font size (rem)."""
    page = new_context(viewport={"width": 640, "height": 480}, device_scale_factor=2).new_page()
    page.goto(site(f"/pl/{ARTICLE_PATH}"))
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert size >= 16
    page.evaluate("document.documentElement.style.fontSize = '200%'")  # a reader's larger default font
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") >= 2 * size
    assert page.evaluate(NO_HORIZONTAL_SCROLL)


@pytest.mark.parametrize("language", ["pl", "en", "uk", "ru", "be", "ka"])
def test_every_language_has_lang_and_dir(language: str, site: Any, new_context: Any) -> None:
    page = new_context(java_script_enabled=False).new_page()
    for path in ("", TOPIC_PATH, "search/?q=a", "emergency/", "no-such-page/"):
        page.goto(site(f"/{language}/{path}"))
        html = page.locator("html")
        assert html.get_attribute("lang") == language, path
        assert html.get_attribute("dir") == "ltr", path
    # each language is named in itself, marked with its language so that it is read out correctly
    switcher = page.locator("nav.langs li > *")
    assert switcher.count() == 6
    for item in switcher.all():
        assert item.get_attribute("lang") in {"pl", "en", "uk", "ru", "be", "ka"}
    assert page.locator("nav.langs [lang=ka]").inner_text() == "ქართული"
    assert page.locator("nav.langs [lang=uk]").inner_text() == "Українська"


def test_right_to_left_language_renders_mirrored(site: Any, new_context: Any, settings: Any) -> None:
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]
    page = new_context(viewport={"width": 1000, "height": 700}).new_page()
    response = page.goto(site("/ar/emergency/"))
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    brand = page.locator(".brand").bounding_box()
    sos = page.locator("header .sos").bounding_box()
    assert brand and sos
    assert brand["x"] > sos["x"], "in a right-to-left page the brand belongs at the right"
    first_language = page.locator("nav.langs li").first.bounding_box()
    last_language = page.locator("nav.langs li").last.bounding_box()
    assert first_language and last_language and first_language["x"] > last_language["x"]
    page.keyboard.press("Tab")
    skip = page.locator(".skip").bounding_box()
    assert skip and skip["x"] + skip["width"] >= 1000 - 2, "the skip link should appear at the right edge"
    # the same page left to right, for comparison
    page.goto(site("/pl/emergency/"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    brand_ltr = page.locator(".brand").bounding_box()
    sos_ltr = page.locator("header .sos").bounding_box()
    assert brand_ltr and sos_ltr and brand_ltr["x"] < sos_ltr["x"]


def test_print_stylesheet(site: Any, new_context: Any) -> None:
    page = new_context().new_page()
    page.goto(site(f"/pl/{ARTICLE_PATH}"))
    rules = page.evaluate("""() => [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules])
        .filter((rule) => rule.media && [...rule.media].includes('print')).length""")
    assert rules >= 1
    answer = page.locator("details .rt").first
    assert not answer.is_visible()
    page.emulate_media(media="print")
    for hidden in ("header.top", "nav.langs", "footer.foot", "nav.crumbs"):
        assert not page.locator(hidden).is_visible(), f"{hidden} is printed"
    assert page.locator("h1").is_visible()
    assert answer.is_visible(), "the answers of closed questions are not printed"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
