"""``{% translation_notice page %}``: tells readers when the page they read is a machine translation not yet
checked by a person, or a translation older than its Polish source, with a link to the Polish page."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.cache import cache
from wagtail.models import Locale, Page

from otwarta.translations.models import TranslationStatus
from otwarta.translations.services import NOTICE_CACHE_SECONDS, notice_cache_key, status_of

register = template.Library()
NOTICE_STATUSES = (TranslationStatus.MACHINE, TranslationStatus.OUTDATED)


@register.inclusion_tag("translations/notice.html", takes_context=True)
def translation_notice(context: dict[str, Any], page: Any) -> dict[str, Any]:
    request = context.get("request")
    if not isinstance(page, Page) or not page.pk or getattr(request, "is_preview", False):
        return {"status": None}
    key = notice_cache_key(page.translation_key, page.locale_id)
    status = cache.get(key)
    if status is None:  # cached until a publication or review changes it (services.forget_cached_statuses)
        # one query; the source (Polish) page itself has no row and so no notice
        status = status_of(page, Locale(pk=page.locale_id)) or ""
        cache.set(key, str(status), NOTICE_CACHE_SECONDS)
    if status not in NOTICE_STATUSES:
        return {"status": None}
    source = page.get_translation_or_none(Locale.get_default())
    source_url = source.get_url(request) if source is not None and source.live else None
    return {"status": status, "source_url": source_url, "source_lang": settings.LANGUAGE_CODE,
            "is_machine": status == TranslationStatus.MACHINE.value}
