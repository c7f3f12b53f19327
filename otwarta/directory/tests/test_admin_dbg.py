from otwarta.directory.tests.test_admin_translations import *  # noqa
from otwarta.directory.tests.test_admin import client_for

def test_dbg(portal):
    service = f.service("Tłumaczenia w przychodni")
    f.translate(service, "uk", name="Переклади в поліклініці")
    r = client_for("urzad-editor").get("/admin/translations/", {"locale": "uk"})
    for row in r.context["rows"]:
        print(row)
    assert 0
