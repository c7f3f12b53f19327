import re, traceback
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/uk/", "/uk/pobyt/", "/uk/instytucje/urzad/karta-pobytu/", "/ka/search/?q=karta", "/ka/nope/", "/pl/instytucje/urzad/", "/pl/instytucje/", "/en/instytucje/fundacja/pesel/"])
def test_q(client, portal, path):
    client.get("/pl/")
    with CaptureQueriesContext(connection) as c:
        r = client.get(path)
    print("\nQQ", path, r.status_code, len(c.captured_queries))
    for q in c.captured_queries:
        sql = q["sql"]
        frm = re.search(r'FROM (\S+)', sql); wh = sql[sql.find("WHERE"):][:200] if "WHERE" in sql else ""
        print("    ", frm.group(1) if frm else sql[:60], "|", wh)
