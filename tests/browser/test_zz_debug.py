import pytest
from django.db import connections
from wagtail.models import Page
from .conftest import BROWSER_DB
pytestmark = [pytest.mark.browser, BROWSER_DB]

@pytest.fixture
def show(live_server):
    c = connections["default"]
    print("ROOT", Page.objects.count(), c.in_atomic_block, c.get_autocommit(), c.savepoint_ids, len(c._test_serialized_contents))
    c.creation.deserialize_db_from_string(c._test_serialized_contents)
    print("AFTER manual", Page.objects.count())

@pytest.mark.parametrize("path", ["/pl/", "/robots.txt", "/pl/"])
def test_dbg(path, show, new_context, live_server):
    p = new_context(service_workers="block").new_page()
    p.goto(live_server.url + path)
