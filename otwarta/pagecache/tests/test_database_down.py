"""When the database is down: cached pages are still served, everything else answers a clear 503."""

from __future__ import annotations

import contextlib
import copy
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.test import Client

from otwarta.pagecache import services

from .conftest import ARTICLE, ARTICLE_EN, OTHER, body_of

pytestmark = pytest.mark.django_db

FORM = "/pl/zamow-tlumacza/"


@contextlib.contextmanager
def database_down(tmp_path: Path) -> Iterator[None]:
    """Point the default connection at a database that cannot be opened (SQLite: a file in a directory that
    does not exist; PostgreSQL: a port nothing listens on): every query the application makes really fails
    to connect, as when the server is gone."""
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "missing-directory" / "db.sqlite3")
    else:
        with socket.socket() as sock:  # a free port, closed again: connections to it are refused
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        settings_dict.update({"HOST": "127.0.0.1", "PORT": str(port)})
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": settings_dict["NAME"]}
    broken = original.__class__(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


def _assert_no_trace(text: str) -> None:
    for word in ("Traceback", "OperationalError", "sqlite3", "psycopg", "File \"", "unable to open", "refused"):
        assert word not in text


def test_database_down_serves_cached_pages_and_503_elsewhere(portal, tmp_path) -> None:
    client = Client(raise_request_exception=False)
    assert client.get(ARTICLE)["X-Cache"] == "MISS"
    assert client.get(ARTICLE_EN)["X-Cache"] == "MISS"
    services.invalidate_all("an edit just before the outage")  # the English copy is now outdated
    assert client.get(ARTICLE)["X-Cache"] == "MISS"  # re-rendered, current again

    with database_down(tmp_path):
        with pytest.raises(OperationalError), connections["default"].cursor() as cursor:  # the outage is real
            cursor.execute("SELECT 1")
        hit = client.get(ARTICLE)
        assert hit.status_code == 200 and hit["X-Cache"] == "HIT"
        stale = client.get(ARTICLE_EN)  # outdated entry: rendering fails, the last good copy is served
        assert stale.status_code == 200
        assert stale["X-Cache"] == "STALE"
        assert b'lang="en"' in body_of(stale)
        assert stale["X-Accel-Expires"] == "0"

        uncached = client.get(OTHER)
        assert uncached.status_code == 503
        assert uncached["Retry-After"] == "30"
        assert uncached["Cache-Control"] == "no-store"
        text = uncached.content.decode()
        assert "<h1>" in text
        assert "temporarily unavailable" in text.lower() or "niedostępny" in text
        assert 'lang="pl"' in text
        _assert_no_trace(text)

        english = client.get("/en/no-such-page/")
        assert english.status_code == 503
        assert 'lang="en"' in english.content.decode()
        _assert_no_trace(english.content.decode())

        signed_in = Client(raise_request_exception=False)
        signed_in.cookies["sessionid"] = "x" * 32
        assert signed_in.get(ARTICLE).status_code == 200  # an editor still reads the last good copy

        posted = client.post(FORM, {"name": "Olena Kowalenko", "phone": "+48 600 100 200",
                                    "details": "Wizyta w urzędzie\nw czwartek", "password": "hunter2"})
        assert posted.status_code == 503
        assert posted["X-Cache"] == "BYPASS"
        text = posted.content.decode()
        _assert_no_trace(text)
        assert "Olena Kowalenko" in text and "+48 600 100 200" in text
        assert 'name="details" value="Wizyta w urzędzie\nw czwartek"' in text  # sent again as typed
        assert 'method="post"' in text and f'action="{FORM}"' in text
        assert "hunter2" not in text

    assert client.get(OTHER).status_code == 200  # back to normal


def test_other_errors_stay_a_plain_500(portal, settings) -> None:
    from django.test import RequestFactory

    from otwarta.core.views import server_error

    request = RequestFactory().get("/pl/x/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    _assert_no_trace(response.content.decode())


def test_lost_connection_error_is_recognised_in_the_cause_chain(portal) -> None:
    from django.test import RequestFactory

    from otwarta.core.views import server_error

    request = RequestFactory().get("/uk/x/")
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as exc:
            raise RuntimeError("template failed") from exc
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Content-Language"] == "uk"
