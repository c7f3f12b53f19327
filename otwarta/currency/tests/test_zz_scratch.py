import re
from django.urls import reverse
from .conftest import KARTA, source, make_due
import datetime as dt

def test_dump(portal, user, client):
    page = source(KARTA)
    url = reverse("otwarta_currency:mark_checked", args=[page.pk])
    client.force_login(user("urzad-editor"))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    for m in re.finditer(re.escape(url), html):
        print("EDIT:", html[max(0,m.start()-300):m.end()+100].replace("\n"," "))
        print("----")
    listing = client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()
    print("LISTING has url:", url in listing)
    make_due(KARTA, dt.date.today(), 3)
    from django.db import connection; print("TABLES", [t for t in connection.introspection.table_names() if "currency" in t], connection.settings_dict["NAME"])
    home = client.get("/admin/").content.decode()
    i = home.find("pages-to-check")
    i = home.find("id=\"pages-to-check\""); print("HOME:", home[i-200:i+3500])
    open("/tmp/scratch/home.html","w").write(home)
    r = client.get(reverse("otwarta_currency:pages_report"))
    print(r.status_code)
    open("/tmp/scratch/report.html","w").write(r.content.decode())
    r = client.get(reverse("otwarta_currency:pages_report") + "?export=csv")
    print(r.status_code, b"".join(r.streaming_content).decode())
    r = client.get(reverse("otwarta_currency:broken_links"))
    print(r.status_code)
    open("/tmp/scratch/links.html","w").write(r.content.decode())
