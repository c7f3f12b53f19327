from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from otwarta.machine_translation.backends import (
    DeepLBackend,
    LibreTranslateBackend,
    available_backend,
    configured_backends,
)
from otwarta.machine_translation.exceptions import (
    AuthenticationFailed,
    BackendUnavailable,
    QuotaExceeded,
    UnsupportedLanguagePair,
)
from otwarta.machine_translation.glossary import Glossary

from .servers import APIServer

pytestmark = pytest.mark.django_db

EMPTY = Glossary()


def test_off_when_unconfigured() -> None:
    assert configured_backends() == []
    assert available_backend("pl", "en") is None


def test_libretranslate_pairs_and_cache(libretranslate: APIServer) -> None:
    backend = available_backend("pl", "uk")
    assert isinstance(backend, LibreTranslateBackend)
    assert ("pl", "uk") in backend.supported_pairs()
    assert backend.supports("pl", "ka")
    assert backend.supports("pl", "pt-br")
    assert not backend.supports("uk", "ka")
    assert not backend.supports("pl", "be")
    assert available_backend("pl", "be") is None
    assert available_backend("pl", "pl") is None
    # /languages was asked once: the answer is cached.
    assert libretranslate.paths().count("/languages") == 1


def test_libretranslate_translates_html_batch(libretranslate: APIServer) -> None:
    backend = available_backend("pl", "en")
    assert backend is not None
    out = backend.translate(["<p>Dzień <a href=\"/pl/a/\">dobry</a></p>", "Drugi"], "pl", "en", glossary=EMPTY)
    assert out == ['<p>DZIEŃ <a href="/pl/a/">DOBRY</a></p>', "DRUGI"]
    request = libretranslate.requests[-1]
    assert request["path"] == "/translate"
    assert request["body"] == {"q": ["<p>Dzień <a href=\"/pl/a/\">dobry</a></p>", "Drugi"], "source": "pl",
                               "target": "en", "format": "html", "api_key": "libre-test-key"}


def test_libretranslate_keeps_the_service_language_code(libretranslate: APIServer) -> None:
    backend = available_backend("pl", "pt-br")
    assert backend is not None
    assert backend.translate(["tak"], "pl", "pt-br", fmt="text", glossary=EMPTY) == ["TAK"]
    assert libretranslate.requests[-1]["body"]["target"] == "pt-BR"
    assert libretranslate.requests[-1]["body"]["format"] == "text"


def test_libretranslate_errors(libretranslate: APIServer, settings: Any) -> None:
    settings.OTWARTA_MT = {**settings.OTWARTA_MT, "LIBRETRANSLATE_API_KEY": "wrong"}
    backend = configured_backends()[0]
    with pytest.raises(AuthenticationFailed) as excinfo:
        backend.translate(["tak"], "pl", "en", glossary=EMPTY)
    with translation.override("en"):
        assert "refused the key" in str(excinfo.value)
    assert "Invalid API key" in excinfo.value.detail
    libretranslate.fail_with = 500
    with pytest.raises(BackendUnavailable):
        backend.translate(["tak"], "pl", "en", glossary=EMPTY)
    with pytest.raises(UnsupportedLanguagePair):
        backend.translate(["tak"], "pl", "be", glossary=EMPTY)


def test_deepl_pairs_variants_and_auth_header(deepl: APIServer) -> None:
    backend = available_backend("pl", "en")
    assert isinstance(backend, DeepLBackend)
    assert backend.backend_pair("pl", "en") == ("PL", "EN-GB")
    assert backend.backend_pair("pl", "pt") == ("PL", "PT-PT")
    assert backend.backend_pair("pl", "pt-br") == ("PL", "PT-BR")
    assert backend.backend_pair("en", "pl") == ("EN", "PL")
    assert not backend.supports("pl", "ka")
    languages = [r for r in deepl.requests if r["path"] == "/v2/languages"]
    assert sorted(r["body"]["type"][0] for r in languages) == ["source", "target"]
    assert all(r["headers"]["Authorization"] == "DeepL-Auth-Key deepl-test-key:fx" for r in deepl.requests)


def test_deepl_translates_with_form_params(deepl: APIServer) -> None:
    backend = configured_backends()[0]
    out = backend.translate(["<p>Wniosek</p>", "Urząd"], "pl", "en", glossary=EMPTY)
    assert out == ["<p>WNIOSEK</p>", "URZĄD"]
    body = deepl.requests[-1]["body"]
    assert deepl.requests[-1]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert body == {"text": ["<p>Wniosek</p>", "Urząd"], "source_lang": "PL", "target_lang": "EN-GB",
                    "tag_handling": "html"}
    backend.translate(["tak"], "pl", "uk", fmt="text", glossary=EMPTY)
    assert "tag_handling" not in deepl.requests[-1]["body"]


def test_deepl_batches_of_fifty(deepl: APIServer) -> None:
    backend = configured_backends()[0]
    texts = [f"zdanie {i}" for i in range(120)]
    out = backend.translate(texts, "pl", "en", fmt="text", glossary=EMPTY)
    assert out == [t.upper() for t in texts]
    sizes = [len(r["body"]["text"]) for r in deepl.requests if r["path"] == "/v2/translate"]
    assert sizes == [50, 50, 20]


@pytest.mark.parametrize(("status", "error"), [(456, QuotaExceeded), (500, BackendUnavailable),
                                               (429, BackendUnavailable), (503, BackendUnavailable)])
def test_deepl_errors(deepl: APIServer, status: int, error: type[Exception]) -> None:
    backend = configured_backends()[0]
    backend.supported_pairs()
    deepl.fail_with = status
    with pytest.raises(error):
        backend.translate(["tak"], "pl", "en", glossary=EMPTY)


def test_deepl_wrong_key(deepl: APIServer, settings: Any) -> None:
    settings.OTWARTA_MT = {**settings.OTWARTA_MT, "DEEPL_API_KEY": "wrong"}
    backend = configured_backends()[0]
    with pytest.raises(AuthenticationFailed):
        backend.supported_pairs()
    # An unreachable or refusing service is not offered (and the failure is not cached).
    assert available_backend("pl", "en") is None
    settings.OTWARTA_MT = {**settings.OTWARTA_MT, "DEEPL_API_KEY": "deepl-test-key:fx"}
    assert isinstance(available_backend("pl", "en"), DeepLBackend)


def test_timeout_and_connection_refused(deepl: APIServer, settings: Any) -> None:
    settings.OTWARTA_MT = {**settings.OTWARTA_MT, "TIMEOUT": 0.3}
    backend = configured_backends()[0]
    backend.supported_pairs()
    deepl.delay = 1.0
    with pytest.raises(BackendUnavailable) as excinfo:
        backend.translate(["tak"], "pl", "en", glossary=EMPTY)
    assert "timeout" in excinfo.value.detail
    deepl.delay = 0
    closed = DeepLBackend(f"http://127.0.0.1:{_free_port()}", "k")
    with pytest.raises(BackendUnavailable):
        closed.supported_pairs()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_deepl_preferred_libretranslate_for_the_rest(deepl: APIServer, libretranslate: APIServer) -> None:
    assert [b.name for b in configured_backends()] == ["deepl", "libretranslate"]
    assert isinstance(available_backend("pl", "uk"), DeepLBackend)
    assert isinstance(available_backend("pl", "ka"), LibreTranslateBackend)
    assert available_backend("pl", "be") is None


def test_deepl_default_url_follows_the_key() -> None:
    import importlib
    import os

    from otwarta import settings as project_settings

    saved = {k: os.environ.get(k) for k in ("DEEPL_API_KEY", "DEEPL_API_URL")}
    try:
        os.environ.pop("DEEPL_API_URL", None)
        os.environ["DEEPL_API_KEY"] = "abc:fx"
        assert importlib.reload(project_settings).OTWARTA_MT["DEEPL_API_URL"] == "https://api-free.deepl.com"
        os.environ["DEEPL_API_KEY"] = "abc"
        assert importlib.reload(project_settings).OTWARTA_MT["DEEPL_API_URL"] == "https://api.deepl.com"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        importlib.reload(project_settings)
