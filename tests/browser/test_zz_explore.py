import pytest
from .conftest import BROWSER_DB
pytestmark = [pytest.mark.browser, BROWSER_DB]

def test_explore(site, new_context, axe_script):
    ctx = new_context(bypass_csp=True, service_workers="block", viewport={"width": 320, "height": 800})
    p = ctx.new_page()
    for path in ["/pl/", "/ka/pobyt/", "/pl/instytucje/urzad/karta-pobytu/", "/ka/instytucje/urzad/karta-pobytu/", "/uk/search/?q=karta", "/pl/nope/", "/pl/emergency/", "/pl/instytucje/", "/pl/instytucje/urzad/", "/ka/instytucje/fundacja/pesel/", "/pl/search/"]:
        r0 = p.goto(site(path))
        print(path, "SW", p.evaluate("document.documentElement.scrollWidth"))
        p.add_script_tag(path=str(axe_script))
        r = p.evaluate("async () => await axe.run(document)")
        print(path, r0.status, "violations", [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in r["violations"]], "incomplete", [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in r["incomplete"]])
    p.goto(site("/pl/instytucje/urzad/karta-pobytu/"))
    p.screenshot(path="/tmp/pl320.png", full_page=True)
