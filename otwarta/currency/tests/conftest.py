"""Fixtures of the currency tests: review settings pinned, users by name, article helpers, a local web
server for the link checker (127.0.0.1 only; the tests never reach another host)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from otwarta.portal.models import ArticlePage

KARTA = "karta-pobytu"  # urzad, translated into en, uk, ka
PESEL = "pesel"  # fundacja, translated into en


@pytest.fixture(autouse=True)
def _test_database(db):  # type: ignore[no-untyped-def]
    """Depend on ``db`` statically: the shared ``portal`` fixture asks for it with getfixturevalue(), and
    a test that reaches it only that way was seen running against var/db.sqlite3 instead of the test
    database (pytest-django 4.14)."""


@pytest.fixture(autouse=True)
def _review_settings(settings):  # type: ignore[no-untyped-def]
    settings.OTWARTA_REVIEW_GRACE_DAYS = 30
    settings.OTWARTA_REVIEW_DUE_SOON_DAYS = 14
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.WAGTAILADMIN_BASE_URL = "https://otwarta.example.org"


@pytest.fixture
def user():  # type: ignore[no-untyped-def]
    def get(username: str) -> Any:
        return get_user_model().objects.get(username=username)

    return get


def source(slug: str) -> ArticlePage:
    return ArticlePage.objects.get(slug=slug, locale__language_code="pl")


def set_review(slug: str, last_reviewed: dt.date, interval: int | None = None) -> None:
    """Set the review dates of an article and its translations (as wagtail-localize keeps them)."""
    page = source(slug)
    values: dict[str, Any] = {"last_reviewed_at": last_reviewed}
    if interval is not None:
        values["review_interval_days"] = interval
    ArticlePage.objects.filter(translation_key=page.translation_key).update(**values)
    # A QuerySet.update() sends no signal: tell the page cache, as the editors' actions do.
    from otwarta.pagecache.services import invalidate_all

    invalidate_all("test: review dates set directly")


def make_due(slug: str, today: dt.date, days_overdue: int, interval: int = 30) -> None:
    """Make an article's check due ``days_overdue`` days before ``today`` (negative: in the future)."""
    set_review(slug, today - dt.timedelta(days=interval + days_overdue), interval)


# --- a local web server ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server_version = "OtwartaTest/1.0"
    seen: list[tuple[str, str, str]]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
        pass

    def _answer(self, head: bool) -> None:
        self.server.seen.append((self.command, self.path, self.headers.get("User-Agent", "")))  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        try:
            if path == "/ok":
                self._send(200, head)
            elif path == "/missing":
                self._send(404, head)
            elif path == "/error":
                self._send(500, head)
            elif path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/ok")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/moved-to-missing":
                self.send_response(302)
                self.send_header("Location", "/missing")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/no-head":
                self._send(405 if head else 200, head)
            elif path == "/slow":
                time.sleep(2)
                self._send(200, head)
            else:
                self._send(404, head)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, head: bool) -> None:
        body = f"<p>{status}</p>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(head=False)


@pytest.fixture
def web_server(monkeypatch) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A web server on 127.0.0.1 (a free port) in a thread; ``.url(path)`` and ``.seen`` requests."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    server.url = lambda path: f"http://{host}:{port}{path}"  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
