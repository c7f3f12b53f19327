import os
import pytest
from wagtail.models import Page

CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample||'') + ' @' + e.sourceFile + ':' + e.lineNumber));
"""

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_csp(live_server, portal, settings):
    import copy
    pol = copy.deepcopy(settings.OTWARTA_ADMIN_CONTENT_SECURITY_POLICY)
    pol["DIRECTIVES"]["style-src"] = ["'self'"]
    pol["DIRECTIVES"]["img-src"] = ["'self'", "data:"]
    pol["DIRECTIVES"]["worker-src"] = ["'self'"]
    pol["DIRECTIVES"]["font-src"] = ["'self'"]
    # settings.OTWARTA_ADMIN_CONTENT_SECURITY_POLICY = pol
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright
    from django.contrib.auth import get_user_model
    U = get_user_model()
    u = U.objects.get(username="admin"); u.set_password("Secret-pass-123"); u.save()
    art = Page.objects.get(url_path="/home/instytucje/urzad/karta-pobytu/", locale__language_code="pl")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        ctx = b.new_context()
        ctx.add_init_script(CSP_PROBE)
        page = ctx.new_page()
        console = []
        page.on("console", lambda m: console.append(m.type + ": " + m.text))
        page.on("pageerror", lambda e: console.append("PAGEERROR: " + str(e)))
        page.on("framenavigated", lambda f: console.append("FRAME " + f.url + " parent=" + (f.parent_frame.url if f.parent_frame else "-")))
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "admin"); page.fill("#id_password", "Secret-pass-123")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        print("after login", page.url)
        for path in ["/admin/", f"/admin/pages/{art.pk}/edit/", f"/admin/pages/{art.get_parent().pk}/", "/admin/snippets/institutions/institution/edit/1/", "/admin/images/", "/admin/users/", "/admin/2fa/devices/new", f"/admin/pages/add/portal/articlepage/{art.get_parent().pk}/", "/pl/instytucje/urzad/karta-pobytu/"]:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            if "edit/" in path and "pages" in path:
                # open preview panel & add a block & open chooser
                try:
                    page.click("button[data-side-panel-toggle='preview']", timeout=3000)
                    page.wait_for_timeout(2500)
                except Exception as e:
                    print("no preview toggle", e)
                for sel in ["[data-chooser-action-choose]", "text=Close", ".w-combobox__field button, button[title='Insert a block']", "[contenteditable=true]"]:
                    try:
                        page.locator(sel).first.click(timeout=3000)
                        page.wait_for_timeout(1500)
                        print("clicked", sel, page.evaluate("window.__csp"))
                        page.keyboard.press("Escape")
                    except Exception as e:
                        print("no", sel, str(e)[:100])
            print("==", path, page.title(), page.evaluate("window.__csp"))
        print("\n".join(console))
        b.close()
