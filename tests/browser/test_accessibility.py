"""WCAG 2.1 AA: axe-core finds no violation on the public page types in Polish, Ukrainian and Georgian.

One browser for the session, one context per language, five page loads per language: home, topic,
article, search results and the 404 page. axe runs with the WCAG 2.0/2.1 A and AA rule tags. The pages'
Content-Security-Policy forbids injected scripts, so only these axe contexts bypass it (``bypass_csp``);
every other browser test runs under the real policy.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ARTICLE_PATH, BROWSER_DB, TOPIC_PATH

pytestmark = [pytest.mark.browser, BROWSER_DB]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    "home": "",
    "topic": TOPIC_PATH,
    "article": ARTICLE_PATH,
    "search": "search/?q=karta",
    "404": "this-page-does-not-exist/",
}


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"      {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def run_axe(page: Any, axe_script: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return result["violations"]


@pytest.mark.parametrize("language", ["pl", "uk", "ka"])
def test_no_axe_violations(language: str, site: Any, new_context: Any, axe_script: Any) -> None:
    context = new_context(bypass_csp=True, locale=language, service_workers="block")
    page = context.new_page()
    failures = []
    for name, path in PAGES.items():
        response = page.goto(site(f"/{language}/{path}"))
        assert response is not None
        expected_status = 404 if name == "404" else 200
        assert response.status == expected_status, f"{name} page /{language}/{path}: HTTP {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        violations = run_axe(page, axe_script)
        if violations:
            failures.append(f"{name} page /{language}/{path}:\n{describe(violations)}")
    assert not failures, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(failures)


OTHER_PAGES = [
    "/pl/emergency/",
    "/pl/instytucje/",
    "/pl/instytucje/urzad/",
    "/pl/instytucje/fundacja/pesel/",  # an article past its review date: the "may be out of date" notice
    "/uk/search/?q=zzzzzz",  # no results
    "/uk/formularze/",  # the official forms library
]


def test_no_axe_violations_on_other_pages(site: Any, new_context: Any, axe_script: Any) -> None:
    page = new_context(bypass_csp=True, service_workers="block").new_page()
    page.goto(site(f"/pl/{ARTICLE_PATH}"))
    # the article is not in Russian: the switcher leads to a notice (in Russian) listing the versions
    unavailable = page.locator("nav.langs a[lang=ru]").get_attribute("href")
    assert unavailable and "/ru/unavailable/" in unavailable
    failures = []
    for path in [*OTHER_PAGES, unavailable]:
        page.goto(site(path))
        violations = run_axe(page, axe_script)
        if violations:
            failures.append(f"{path} ({page.url}):\n{describe(violations)}")
    assert not failures, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(failures)


def test_untranslated_languages_are_described_not_only_styled(site: Any, new_context: Any) -> None:
    from playwright.sync_api import expect

    page = new_context().new_page()
    page.goto(site(f"/pl/{ARTICLE_PATH}"))
    missing = page.locator("nav.langs a.missing")
    assert missing.count() == 2  # ru and be: the article is in pl, en, uk and ka
    for link in missing.all():
        expect(link).to_have_accessible_description("Ta strona nie jest dostępna w Twoim języku")
    expect(page.locator("nav.langs a[lang=uk]")).to_have_accessible_description("")
