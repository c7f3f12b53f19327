"""wagtail-localize's machine translator, backed by this app: our backends, the glossary and the budget.

``settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR`` names :class:`PortalMachineTranslator` (always): its
``can_translate`` is true only when :func:`~.backends.available_backend` serves the pair, so the translation
editor shows its "Machine translate" button only then.

wagtail-localize hands the translator strings, not the object they belong to, so the institution that pays
is set around the call with :func:`charging` (a context variable). Without it the translator refuses: text is
never machine-translated at nobody's expense by accident. The URL of wagtail-localize's own view is shadowed
by ours (``views.machine_translate``), which sets it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue, extract_ids

from otwarta.institutions.models import Institution

from .backends import Backend, available_backend, configured_backends
from .exceptions import MachineTranslationError, NotConfigured
from .services import translate_for_institution

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Charge:
    """Who pays: an institution, or nobody (content of no institution, translated by a regional admin)."""

    institution: Institution | None


_charge: ContextVar[Charge | None] = ContextVar("otwarta_mt_charge", default=None)


@contextmanager
def charging(institution: Institution | None) -> Iterator[None]:
    """Machine translation inside the block is counted against ``institution``'s budget (None: nobody's;
    the caller has checked that the user may translate content of no institution)."""
    token = _charge.set(Charge(institution))
    try:
        yield
    finally:
        _charge.reset(token)


class NoPayer(MachineTranslationError):
    default_message = _("Machine translation has to be started from the page, so that it is counted against "
                        "the right institution's allowance.")


def to_string_value(source: StringValue, translated: str) -> StringValue | None:
    """The service's answer as a wagtail-localize string, or None when it cannot be used: block tags or
    attributes crept in, or the links (``<a id="a1">``) of the source are not exactly there."""
    try:
        value = StringValue.from_translated_html(translated)
    except ValueError as exc:
        logger.warning("Machine translation discarded (invalid markup: %s): %r", exc, translated[:200])
        return None
    if extract_ids(source.data) != extract_ids(value.data):
        logger.warning("Machine translation discarded (links changed): %r -> %r", source.data[:200], translated[:200])
        return None
    return value


class PortalMachineTranslator(BaseMachineTranslator):  # type: ignore[misc]
    """Our backends (DeepL preferred, LibreTranslate), with the glossary and the institution's budget."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options or {})
        self._backends: dict[tuple[str, str], Backend | None] = {}
        self._last: Backend | None = None

    @property
    def display_name(self) -> str:  # type: ignore[override]
        """The service used (shown on wagtail-localize's button and kept as each string's ``tool_name``)."""
        if self._last is not None:
            return self._last.label
        labels = [backend.label for backend in configured_backends()]
        return " / ".join(labels) if labels else str(_("Machine translation"))

    def backend_for(self, source: str, target: str) -> Backend | None:
        key = (source, target)
        if key not in self._backends:
            self._backends[key] = available_backend(source, target)
        backend = self._backends[key]
        if backend is not None:
            self._last = backend
        return backend

    def can_translate(self, source_locale: Any, target_locale: Any) -> bool:
        return self.backend_for(source_locale.language_code, target_locale.language_code) is not None

    def translate(self, source_locale: Any, target_locale: Any,
                  strings: Iterable[StringValue]) -> dict[StringValue, StringValue]:
        """Translate wagtail-localize strings (HTML: inline tags, links as ``<a id="a1">``). A string whose
        translation cannot be used is left out (it stays untranslated for a person to do)."""
        source, target = source_locale.language_code, target_locale.language_code
        strings = list(strings)
        if not strings:
            return {}
        backend = self.backend_for(source, target)
        if backend is None:
            raise NotConfigured(detail=f"{source}->{target}")
        charge = _charge.get()
        if charge is None:
            raise NoPayer(detail="PortalMachineTranslator.translate() called outside charging()")
        texts = [string.data for string in strings]
        if charge.institution is None:
            translated = backend.translate(texts, source, target, "html")
        else:
            translated = translate_for_institution(charge.institution, texts, source, target, "html", backend=backend)
        result: dict[StringValue, StringValue] = {}
        for string, text in zip(strings, translated, strict=True):
            value = to_string_value(string, text)
            if value is not None:
                result[string] = value
        return result
