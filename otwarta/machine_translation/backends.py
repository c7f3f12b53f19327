"""Machine translation backends: a small interface and two real services (LibreTranslate, DeepL).

Every backend applies the glossary (:mod:`.glossary`) around the service call, in :meth:`Backend.translate`;
subclasses implement only the HTTP exchange (:meth:`Backend.send`) and the list of supported languages.
Nothing is configured by default: :func:`available_backend` returns ``None`` until settings name a service.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Literal

import requests
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .conf import mt_settings
from .exceptions import (
    AuthenticationFailed,
    BackendUnavailable,
    MachineTranslationError,
    QuotaExceeded,
    UnsupportedLanguagePair,
)
from .glossary import Glossary, restore

logger = logging.getLogger(__name__)

Format = Literal["html", "text"]


def _base(code: str) -> str:
    return code.lower().split("-")[0].split("_")[0]


class Backend(ABC):
    """A machine translation service. Language codes in and out of this interface are the portal's
    (Django's: ``pl``, ``en``, ``uk``, ``pt-br``, ``zh-hans``); each backend maps them to its own."""

    name: str = ""
    label: str = ""
    batch_size: int = 50

    def __init__(self, url: str, api_key: str = "", timeout: float = 30.0, connect_timeout: float = 5.0,
                 languages_cache_seconds: int = 24 * 3600) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = (connect_timeout, timeout)
        self.languages_cache_seconds = languages_cache_seconds

    # --- languages -----------------------------------------------------------------------------------
    @abstractmethod
    def fetch_pairs(self) -> set[tuple[str, str]]:
        """The service's (source, target) pairs in its own codes. Asks the service."""

    def supported_pairs(self) -> set[tuple[str, str]]:
        """(source, target) pairs the service translates, in its codes; cached (a failure is not cached)."""
        key = f"otwarta-mt:{self.name}:{self.url}:pairs"
        pairs = cache.get(key)
        if pairs is None:
            pairs = self.fetch_pairs()
            cache.set(key, pairs, self.languages_cache_seconds)
        return set(pairs)

    def backend_pair(self, source: str, target: str) -> tuple[str, str] | None:
        """The service's codes for a portal pair, or None when it does not translate it."""
        original = {(s.lower(), t.lower()): (s, t) for s, t in self.supported_pairs()}
        pairs = set(original)
        for src in self._candidates(source, pairs, side=0):
            for tgt in self._candidates(target, pairs, side=1):
                if (src, tgt) in pairs and _base(src) != _base(tgt):
                    return original[(src, tgt)]
        return None

    def _candidates(self, code: str, pairs: set[tuple[str, str]], side: int) -> list[str]:
        code = code.lower()
        known = {pair[side] for pair in pairs}
        return [c for c in (code, _base(code)) if c in known] or sorted(c for c in known if _base(c) == _base(code))

    def supports(self, source: str, target: str) -> bool:
        return self.backend_pair(source, target) is not None

    # --- translation ---------------------------------------------------------------------------------
    def translate(self, texts: list[str], source: str, target: str, fmt: Format = "html",
                  glossary: Glossary | None = None) -> list[str]:
        """Translate ``texts`` (HTML fragments or plain text) from ``source`` to ``target`` with the
        glossary of the pair applied. Returns one translation per text, in order."""
        if not texts:
            return []
        pair = self.backend_pair(source, target)
        if pair is None:
            raise UnsupportedLanguagePair(detail=f"{self.name}: {source}->{target}")
        glossary = glossary if glossary is not None else Glossary.for_pair(source, target)
        prepared, replacements = glossary.protect(texts, fmt)
        send_fmt: Format = "html" if replacements else fmt
        results: list[str] = []
        for start in range(0, len(prepared), self.batch_size):
            batch = prepared[start:start + self.batch_size]
            translated = self.send(batch, pair[0], pair[1], send_fmt)
            if len(translated) != len(batch):
                raise BackendUnavailable(detail=f"{self.name}: {len(batch)} texts sent, {len(translated)} returned")
            results.extend(translated)
        return restore(results, replacements, fmt) if replacements else results

    @abstractmethod
    def send(self, texts: list[str], source: str, target: str, fmt: Format) -> list[str]:
        """One request to the service, in its own language codes."""

    # --- HTTP ----------------------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = requests.request(method, f"{self.url}{path}", timeout=self.timeout, **kwargs)
        except requests.Timeout as exc:
            raise BackendUnavailable(detail=f"{self.name}: timeout: {exc}") from exc
        except requests.RequestException as exc:
            raise BackendUnavailable(detail=f"{self.name}: {exc}") from exc
        if response.status_code >= 400:
            raise self.error_for(response)
        try:
            return response.json()
        except ValueError as exc:
            raise BackendUnavailable(detail=f"{self.name}: not JSON: {response.text[:200]}") from exc

    def error_for(self, response: requests.Response) -> MachineTranslationError:
        detail = f"{self.name}: HTTP {response.status_code}: {response.text[:300]}"
        logger.warning("Machine translation request failed: %s", detail)
        if response.status_code in (401, 403):
            return AuthenticationFailed(detail=detail)
        if response.status_code == 429:
            return BackendUnavailable(
                _("The machine translation service is busy. Please try again in a minute."), detail=detail
            )
        return BackendUnavailable(detail=detail)


class LibreTranslateBackend(Backend):
    """A self-hosted LibreTranslate (https://github.com/LibreTranslate/LibreTranslate)."""

    name = "libretranslate"
    label = "LibreTranslate"
    batch_size = 25

    def fetch_pairs(self) -> set[tuple[str, str]]:
        data = self.request("GET", "/languages")
        if not isinstance(data, list):
            raise BackendUnavailable(detail=f"{self.name}: unexpected /languages answer")
        return {
            (str(lang["code"]), str(target))
            for lang in data for target in lang.get("targets", [])
            if _base(str(target)) != _base(str(lang["code"]))
        }

    def send(self, texts: list[str], source: str, target: str, fmt: Format) -> list[str]:
        payload: dict[str, Any] = {"q": texts, "source": source, "target": target, "format": fmt}
        if self.api_key:
            payload["api_key"] = self.api_key
        data = self.request("POST", "/translate", json=payload)
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list):
            raise BackendUnavailable(detail=f"{self.name}: unexpected /translate answer")
        return [str(t) for t in translated]

    def error_for(self, response: requests.Response) -> MachineTranslationError:
        if response.status_code == 400:
            try:
                message = str(response.json().get("error", ""))
            except ValueError:
                message = ""
            if "not supported" in message.lower():
                return UnsupportedLanguagePair(detail=f"{self.name}: {message}")
        return super().error_for(response)


# DeepL target codes: English and Portuguese need a variant; the portal's bare codes mean these.
DEEPL_DEFAULT_TARGET_VARIANTS = {"en": "en-gb", "pt": "pt-pt", "zh": "zh-hans"}


class DeepLBackend(Backend):
    """DeepL API (Free or Pro: https://developers.deepl.com/docs)."""

    name = "deepl"
    label = "DeepL"
    batch_size = 50  # DeepL accepts up to 50 texts per request

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"DeepL-Auth-Key {self.api_key}"}

    def languages(self, kind: str) -> list[str]:
        data = self.request("GET", "/v2/languages", params={"type": kind}, headers=self.headers())
        if not isinstance(data, list):
            raise BackendUnavailable(detail=f"{self.name}: unexpected /v2/languages answer")
        return [str(lang["language"]) for lang in data]

    def fetch_pairs(self) -> set[tuple[str, str]]:
        sources, targets = self.languages("source"), self.languages("target")
        return {(s, t) for s in sources for t in targets if _base(s) != _base(t)}

    def _candidates(self, code: str, pairs: set[tuple[str, str]], side: int) -> list[str]:
        code = code.lower()
        if side == 1 and code in DEEPL_DEFAULT_TARGET_VARIANTS:
            known = {pair[1] for pair in pairs}
            if DEEPL_DEFAULT_TARGET_VARIANTS[code] in known:
                return [DEEPL_DEFAULT_TARGET_VARIANTS[code]]
        return super()._candidates(code, pairs, side)

    def send(self, texts: list[str], source: str, target: str, fmt: Format) -> list[str]:
        data: list[tuple[str, str]] = [("text", text) for text in texts]
        data += [("source_lang", source.upper()), ("target_lang", target.upper())]
        if fmt == "html":
            data.append(("tag_handling", "html"))
        answer = self.request("POST", "/v2/translate", data=data, headers=self.headers())
        translations = answer.get("translations") if isinstance(answer, dict) else None
        if not isinstance(translations, list):
            raise BackendUnavailable(detail=f"{self.name}: unexpected /v2/translate answer")
        return [str(item.get("text", "")) for item in translations]

    def error_for(self, response: requests.Response) -> MachineTranslationError:
        if response.status_code == 456:
            detail = f"{self.name}: HTTP 456 quota exceeded"
            logger.warning("Machine translation request failed: %s", detail)
            return QuotaExceeded(detail=detail)
        return super().error_for(response)


def configured_backends() -> list[Backend]:
    """The services configured in settings.OTWARTA_MT, preferred first (DeepL, then LibreTranslate)."""
    config = mt_settings()
    common: dict[str, Any] = {
        "timeout": float(config.get("TIMEOUT", 30)),
        "connect_timeout": float(config.get("CONNECT_TIMEOUT", 5)),
        "languages_cache_seconds": int(config.get("LANGUAGES_CACHE_SECONDS", 24 * 3600)),
    }
    backends: list[Backend] = []
    if config.get("DEEPL_API_KEY"):
        backends.append(DeepLBackend(config["DEEPL_API_URL"], config["DEEPL_API_KEY"], **common))
    if config.get("LIBRETRANSLATE_URL"):
        backends.append(
            LibreTranslateBackend(config["LIBRETRANSLATE_URL"], config.get("LIBRETRANSLATE_API_KEY", ""), **common)
        )
    return backends


def available_backend(source: str, target: str) -> Backend | None:
    """The configured backend that translates ``source`` → ``target`` (DeepL preferred), or None: the
    editor offers "translate automatically" only when this returns a backend. A service that cannot be
    reached is skipped (and logged)."""
    if _base(source) == _base(target):
        return None
    for backend in configured_backends():
        try:
            if backend.supports(source, target):
                return backend
        except MachineTranslationError as exc:
            logger.warning("Machine translation backend %s skipped: %s", backend.name, exc.detail or exc)
    return None
