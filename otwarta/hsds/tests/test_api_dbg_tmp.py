import re, collections
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from otwarta.directory import testing as f
from .test_api_support import directory  # noqa

@pytest.mark.django_db
def test_dbg(client, directory):
    for url in ["/api/hsds/service_at_locations?full=true&per_page=50"]:
        with CaptureQueriesContext(connection) as c:
            client.get(url)
        print(url, len(c))
        for q in c.captured_queries[:40]: print(q["sql"][:100], "...", q["sql"][-150:])
