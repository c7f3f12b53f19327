"""The Wagtail admin works under its Content-Security-Policy: no script without this site's origin or the
request's nonce (no ``'unsafe-inline'``), Chromium reports no violation on the admin's pages and widgets.

Every ``securitypolicyviolation`` event is collected (an init script registers the listener before any
page script runs) while Chromium signs in, opens the dashboard, page explorer, page editor (StreamField
block menu, rich text, date picker), a new article (page chooser modal), snippets with inline panels, images,
documents, users, groups, sites, reports, the 2FA pages and the portal's own admin views. The last check
proves the listener works: a script injected into the admin's DOM without the nonce is refused and reported.
See docs/decisions/0007-admin-csp.md.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import BROWSER_DB

pytestmark = [pytest.mark.browser, BROWSER_DB]

LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI, sample: (e.sample || '').slice(0, 80),
   line: e.lineNumber}));"""

# Listings, forms and reports of Wagtail and of the portal's apps, visited as the superuser.
ADMIN_PAGES = [
    "/admin/", "/admin/pages/", "/admin/pages/search/?q=karta", "/admin/images/", "/admin/images/multiple/add/",
    "/admin/documents/", "/admin/documents/multiple/add/", "/admin/users/", "/admin/users/new/", "/admin/groups/",
    "/admin/groups/new/", "/admin/sites/", "/admin/sites/new/", "/admin/locales/", "/admin/workflows/list/",
    "/admin/workflows/add/", "/admin/reports/site-history/", "/admin/reports/workflow/", "/admin/reports/locked/",
    "/admin/reports/aging-pages/", "/admin/redirects/", "/admin/redirects/add/", "/admin/forms/", "/admin/account/",
    "/admin/snippets/", "/admin/snippets/institutions/institution/", "/admin/snippets/institutions/area/add/",
    "/admin/snippets/directory/organization/add/", "/admin/snippets/directory/location/add/",
    "/admin/snippets/forms_library/officialform/add/", "/admin/snippets/registers/person/add/",
    "/admin/snippets/printing/printpack/add/", "/admin/translation-exchange/", "/admin/translation-tasks/new/",
    "/admin/2fa/devices/new",
]


def session_cookie(username: str, url: str) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": url}


def violations(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("window.__csp")


def click_all(page: Any, selector: str, limit: int = 3) -> None:
    """Press the first few matching buttons (inline panels' "Add", choosers), closing any modal opened."""
    for button in page.locator(selector).all()[:limit]:
        if button.is_visible() and button.is_enabled():
            button.click()
            page.wait_for_timeout(600)
            page.keyboard.press("Escape")


def test_admin_pages_and_widgets_raise_no_csp_violation(site: Any, new_context: Any) -> None:
    from wagtail.models import Locale

    from otwarta.portal.models import ArticlePage

    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    found: dict[str, list[dict[str, Any]]] = {}

    # Signing in (anonymous): the login page and the form post.
    anonymous = new_context()
    anonymous.add_init_script(LISTEN)
    page = anonymous.new_page()
    page.goto(site("/admin/login/"))
    found["/admin/login/"] = violations(page)

    context = new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([session_cookie("admin", site("/"))])
    context.add_init_script(LISTEN)
    page = context.new_page()
    for path in ADMIN_PAGES:
        response = page.goto(site(path))
        assert response is not None and response.status == 200, path
        click_all(page, "button[id$='-ADD']")
        page.wait_for_timeout(200)
        found[path] = violations(page)

    # The page editor and its widgets.
    editor = f"/admin/pages/{article.pk}/edit/"
    page.goto(site(editor))
    page.locator("button.c-sf-add-button").first.click()  # StreamField block menu
    page.locator("[role=option]").first.click()  # adds a block
    page.locator(".public-DraftEditor-content").first.click()  # Draftail
    page.keyboard.type("Tekst")
    page.locator("#id_last_reviewed_at").click()  # date picker
    page.wait_for_timeout(400)
    page.keyboard.press("Escape")
    found[editor] = violations(page)
    # A new article (empty forms of every widget); wagtail-localize's translation editor and submit form.
    translation = article.get_translation(Locale.objects.get(language_code="uk"))
    for path in (f"/admin/pages/add/portal/articlepage/{article.get_parent().pk}/",
                 f"/admin/pages/{translation.pk}/edit/", f"/admin/localize/submit/page/{article.pk}/"):
        response = page.goto(site(path))
        assert response is not None and response.status == 200, path
        page.wait_for_timeout(800)
        if "/pages/add/" in path:  # the empty topic field: open its page chooser modal
            page.locator("button.chooser__choose-button:visible").first.click()
            page.locator(".modal-content").first.wait_for()
            page.wait_for_timeout(800)
            page.keyboard.press("Escape")
        found[path] = violations(page)

    assert {path: seen for path, seen in found.items() if seen} == {}

    # The check can fail: a script injected without the nonce is refused, and reported.
    page.goto(site("/admin/"))
    ran = page.evaluate("""() => { window.__ran = false; const s = document.createElement('script');
        s.textContent = 'window.__ran = true'; document.body.append(s); return window.__ran; }""")
    page.wait_for_timeout(200)
    assert ran is False
    assert [v["directive"] for v in violations(page)] == ["script-src-elem"]
