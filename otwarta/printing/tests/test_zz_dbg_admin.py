from otwarta.printing.tests.test_admin import *  # noqa
import re
def test_dbg(packs):
    c = client_for("urzad-editor")
    content = c.get(url("edit", packs.urzad)).content.decode()
    i = content.index('id="panel-child-items')  if 'id="panel-child-items' in content else content.index("items-TOTAL_FORMS")
    body = content[content.index("<main"):]
    text = re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
    text = re.sub(r"\n\s*\n+", "\n", text)
    open("/tmp/edit_page.html","w").write(text)
    lst = c.get(url("list")).content.decode()
    open("/tmp/list_page.html","w").write(lst)
    print("Files and problems" in lst)
    from otwarta.printing.models import PackFile
    c.post(reverse("printing_admin:regenerate", args=[packs.urzad.pk]))
    h = c.get(url("history", packs.urzad)).content.decode()
    print("history label:", "Generate the PDFs again" in h, "PDFs queued" in h)
    menu = c.get("/admin/").content.decode()
    print("menu:", "Print packs" in menu, "Packs to fix" in menu)
    print(c.get(reverse("printing_admin:to_fix")).status_code)
