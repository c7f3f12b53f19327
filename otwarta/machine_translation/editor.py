""""Translate automatically": machine-translate a Polish page into a target locale as a wagtail-localize
draft. Used by the editor's action (views) and by bulk translation (bulk.py)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

from otwarta.translations.services import (
    ensure_translation,
    is_synced_translation,
    save_translation,
    target_locales,
)

from .backends import configured_backends
from .exceptions import MachineTranslationError, NotConfigured
from .ownership import owning_institution
from .translator import PortalMachineTranslator, charging

logger = logging.getLogger(__name__)

SERVED_CACHE_SECONDS = 60


class ManualTranslation(MachineTranslationError):
    """The target locale already has a translation written by hand: machine translation would overwrite it."""

    default_message = _("This translation was written by hand in the page editor. Machine translation would "
                        "overwrite it, so it is not offered; edit the translation in the page editor.")


def served_target_codes(source: str | None = None) -> frozenset[str]:
    """Target language codes some configured service translates ``source`` into. Asked once per service
    (a service that does not answer is skipped) and cached for a minute, so that page listings, which ask
    for every page, never wait for a service."""
    source = source or settings.LANGUAGE_CODE
    backends = configured_backends()
    if not backends:
        return frozenset()
    fingerprint = hashlib.sha256("|".join(f"{b.name}:{b.url}" for b in backends).encode()).hexdigest()[:16]
    key = f"otwarta-mt:served:{source}:{fingerprint}"
    codes = cache.get(key)
    if codes is None:
        found: set[str] = set()
        targets = [code for code, _name in settings.LANGUAGES if code != source]
        for backend in backends:
            try:
                backend.supported_pairs()
            except MachineTranslationError as exc:
                logger.warning("Machine translation backend %s skipped: %s", backend.name, exc.detail or exc)
                continue
            found.update(code for code in targets if backend.supports(source, code))
        codes = frozenset(found)
        cache.set(key, codes, SERVED_CACHE_SECONDS)
    return frozenset(codes)


def is_source_page(page: Page) -> bool:
    return bool(page.locale.language_code == settings.LANGUAGE_CODE and page.depth > 1)


@dataclass(frozen=True)
class Offer:
    """Whether "translate automatically" is offered for one target locale of a page, and why not."""

    locale: Locale
    target: Page | None
    available: bool
    reason: str | Promise = ""

    @property
    def updates(self) -> bool:
        return self.target is not None and not self.target.alias_of_id


def offer_for(page: Page, locale: Locale, served: frozenset[str] | None = None) -> Offer:
    served = served if served is not None else served_target_codes(page.locale.language_code)
    target = page.get_translation_or_none(locale)
    if locale.language_code not in served:
        return Offer(locale, target, False, _("No machine translation service translates into this language."))
    if target is not None and not target.alias_of_id and not is_synced_translation(target):
        return Offer(locale, target, False, ManualTranslation.default_message)
    return Offer(locale, target, True)


def offers(page: Page) -> list[Offer]:
    served = served_target_codes(page.locale.language_code)
    return [offer_for(page, locale, served) for locale in target_locales()]


def translate_missing_segments(translation: Any, user: Any, translator: PortalMachineTranslator) -> int:
    """Machine-translate the strings of a wagtail-localize ``Translation`` that have no translation in its
    locale yet (what is translated already — by a person or an earlier run — is kept). Returns the number of
    segments translated. Like wagtail-localize's ``apply_machine_translation``, without needing the target
    object to exist yet."""
    from wagtail_localize.models import StringSegment, StringTranslation

    locale = translation.target_locale
    translated = StringTranslation.objects.filter(
        translation_of_id=OuterRef("string_id"), locale=locale, context_id=OuterRef("context_id")
    )
    pending: dict[Any, list[tuple[int, int]]] = {}
    segments = (StringSegment.objects.filter(source=translation.source).annotate(done=Exists(translated))
                .filter(done=False).select_related("string").order_by("order"))
    for segment in segments:
        pending.setdefault(segment.string.as_value(), []).append((segment.string_id, segment.context_id))
    if not pending:
        return 0
    results = translator.translate(translation.source.locale, locale, pending.keys())
    count = 0
    with transaction.atomic():
        for string, contexts in pending.items():
            value = results.get(string)
            if value is None or value.data is None:
                continue
            for string_id, context_id in contexts:
                _obj, created = StringTranslation.objects.get_or_create(
                    translation_of_id=string_id, locale=locale, context_id=context_id,
                    defaults={
                        "data": value.data, "translation_type": StringTranslation.TRANSLATION_TYPE_MACHINE,
                        "tool_name": translator.display_name, "last_translated_by": user,
                        "has_error": False, "field_error": "",
                    },
                )
                count += created
    return count


@dataclass(frozen=True)
class Outcome:
    translation: Any
    segments: int  # segments machine-translated now
    saved: bool  # a new draft of the target was saved


def translate_page(page: Page, locale: Locale, user: Any, translator: PortalMachineTranslator | None = None,
                   save_when_unchanged: bool = True) -> Outcome:
    """Machine-translate the Polish ``page`` into ``locale`` and save the result as a draft (never
    published: a person checks it first). The caller checks permissions (``can_machine_translate``).

    Raises :class:`NotConfigured` when no service serves the pair, :class:`ManualTranslation` over a
    translation written by hand, the budget and service errors of :mod:`.exceptions`, and the validation
    errors of saving the draft."""
    page = page.specific
    translator = translator or PortalMachineTranslator()
    if not translator.can_translate(page.locale, locale):
        raise NotConfigured(detail=f"{page.locale.language_code}->{locale.language_code}")
    existing = page.get_translation_or_none(locale)
    if existing is not None and not existing.alias_of_id and not is_synced_translation(existing):
        raise ManualTranslation(detail=f"page {existing.pk}")
    translation = ensure_translation(page, locale, user)
    with charging(owning_institution(page)):
        segments = translate_missing_segments(translation, user, translator)
    saved = False
    if segments or save_when_unchanged or existing is None or existing.alias_of_id:
        save_translation(translation, user=user)  # a draft; a live translation keeps its published text
        saved = True
    return Outcome(translation, segments, saved)
