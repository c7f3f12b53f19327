"""Reverse-proxy / CDN purge through wagtail.contrib.frontend_cache, against a real local HTTP server that
records the PURGE requests it receives (as nginx with ngx_cache_purge would)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from wagtail.models import Page

from .conftest import ARTICLE, ARTICLE_EN

pytestmark = pytest.mark.django_db


class PurgeRecorder(ThreadingHTTPServer):
    def __init__(self) -> None:
        self.purged: list[tuple[str, str]] = []
        super().__init__(("127.0.0.1", 0), PurgeHandler)


class PurgeHandler(BaseHTTPRequestHandler):
    server: PurgeRecorder

    def do_PURGE(self) -> None:  # noqa: N802 (the HTTP method's name)
        self.server.purged.append((self.headers.get("Host", ""), self.path))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@pytest.fixture
def proxy(settings) -> Iterator[PurgeRecorder]:  # type: ignore[no-untyped-def]
    server = PurgeRecorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                  "LOCATION": f"http://127.0.0.1:{server.server_address[1]}"},
    }
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _article() -> Page:
    return Page.objects.get(url_path__endswith="/urzad/karta-pobytu/", locale__language_code="pl").specific


def _paths(proxy: PurgeRecorder) -> set[str]:
    return {path for _host, path in proxy.purged}


def test_publish_purges_the_page_in_every_language(portal, proxy, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _article().save_revision().publish()
    paths = _paths(proxy)
    assert ARTICLE in paths
    assert ARTICLE_EN in paths
    assert "/uk/instytucje/urzad/karta-pobytu/" in paths
    assert "/pl/instytucje/urzad/" in paths  # the institution page lists it
    assert {host for host, _path in proxy.purged} == {"localhost"}


def test_unpublish_purges(portal, proxy, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _article().unpublish()
    assert ARTICLE in _paths(proxy)


def test_move_purges_old_and_new_urls(portal, proxy, django_capture_on_commit_callbacks) -> None:
    target = Page.objects.get(url_path__endswith="/fundacja/", locale__language_code="pl")
    with django_capture_on_commit_callbacks(execute=True):
        _article().move(target, pos="last-child")
    paths = _paths(proxy)
    assert ARTICLE in paths
    assert "/pl/instytucje/fundacja/karta-pobytu/" in paths


def test_delete_purges(portal, proxy, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(url_path__endswith="/fundacja/pesel/", locale__language_code="pl").delete()
    assert "/pl/instytucje/fundacja/pesel/" in _paths(proxy)


def test_no_purge_without_configuration(portal, settings, django_capture_on_commit_callbacks) -> None:
    settings.WAGTAILFRONTENDCACHE = {}
    with django_capture_on_commit_callbacks(execute=True):
        _article().save_revision().publish()  # nothing to reach, nothing fails


def test_settings_read_backends_from_the_environment(monkeypatch) -> None:
    import importlib

    import otwarta.settings as project_settings

    monkeypatch.setenv("OTWARTA_FRONTEND_CACHE_URLS", "http://127.0.0.1:8081, http://10.0.0.2:8081")
    monkeypatch.setenv("CLOUDFLARE_ZONEID", "zone")
    monkeypatch.setenv("CLOUDFLARE_BEARER_TOKEN", "token")
    monkeypatch.setenv("CLOUDFRONT_DISTRIBUTION_ID", "E123")
    try:
        reloaded = importlib.reload(project_settings)
        config = reloaded.WAGTAILFRONTENDCACHE
        assert [c["LOCATION"] for k, c in config.items() if k.startswith("http")] == [
            "http://127.0.0.1:8081", "http://10.0.0.2:8081"]
        assert config["cloudflare"]["ZONEID"] == "zone"
        assert config["cloudfront"]["DISTRIBUTION_ID"] == "E123"
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
