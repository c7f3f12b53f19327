from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import translation

from otwarta.core.emergency import EMERGENCY_NUMBERS
from otwarta.core.languages import language_links, page_translations

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_languages(context: dict[str, Any]) -> list[Any]:
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language() or settings.LANGUAGE_CODE
    return language_links(page if getattr(page, "pk", None) else None, current,
                          request.path if request is not None else "")


@register.simple_tag(takes_context=True)
def hreflang_alternates(context: dict[str, Any]) -> list[tuple[str, str]]:
    """(language code, absolute URL) for every existing translation of the current page."""
    request = context.get("request")
    page = context.get("page")
    if request is None or not getattr(page, "pk", None):
        return []
    base = request.build_absolute_uri("/").rstrip("/")
    return [(code, base + p.url) for code, p in page_translations(page).items()]


@register.simple_tag
def emergency_numbers() -> list[Any]:
    return EMERGENCY_NUMBERS


@register.simple_tag(takes_context=True)
def home_url(context: dict[str, Any]) -> str:
    return "/" + (translation.get_language() or settings.LANGUAGE_CODE) + "/"
