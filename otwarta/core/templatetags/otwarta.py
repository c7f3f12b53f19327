from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import template
from django.conf import settings
from django.utils import translation

from otwarta.core.emergency import EMERGENCY_NUMBERS
from otwarta.core.languages import language_links, page_translations

register = template.Library()


def _translations(request: Any, page: Any) -> dict[str, Any]:
    """``page_translations(page)``, queried once per request: the language switcher and the hreflang
    links of the same page view share it."""
    if request is None:
        return page_translations(page)
    memo: dict[int, dict[str, Any]] = request.__dict__.setdefault("_otwarta_translations", {})
    if page.pk not in memo:
        memo[page.pk] = page_translations(page)
    return memo[page.pk]


@register.simple_tag(takes_context=True)
def portal_languages(context: dict[str, Any]) -> list[Any]:
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language() or settings.LANGUAGE_CODE
    if not getattr(page, "pk", None):
        links = language_links(None, current, request.path if request is not None else "")
    else:
        links = language_links(page, current, translations=_translations(request, page))
    return with_query(links, request)


def with_query(links: list[Any], request: Any) -> list[Any]:
    """The reader's query string carried to the other languages' versions (the situation guide's answers, a
    pathway's situation, the directory's filters): question and option keys are the same in every language.
    A view may set ``request.language_switch_query`` to carry a cleaned query instead (the guide does).
    Not to the "not available in your language" notice, which takes no parameters."""
    if request is None:
        return links
    # A view may give the query to carry (the situation guide: its known answers only), else the reader's own.
    query = getattr(request, "language_switch_query", None)
    if query is None:
        query = request.GET.urlencode() if request.GET else ""
    if not query:
        return links
    return [replace(link, url=f"{link.url}?{query}") if link.available else link for link in links]


@register.simple_tag(takes_context=True)
def hreflang_alternates(context: dict[str, Any]) -> list[tuple[str, str]]:
    """(language code, absolute URL) for every existing translation of the current page."""
    request = context.get("request")
    page = context.get("page")
    if request is None or not getattr(page, "pk", None):
        return []
    base = request.build_absolute_uri("/").rstrip("/")
    return [(code, base + p.url) for code, p in _translations(request, page).items()]


@register.simple_tag
def emergency_numbers() -> list[Any]:
    return EMERGENCY_NUMBERS


@register.simple_tag(takes_context=True)
def home_url(context: dict[str, Any]) -> str:
    return "/" + (translation.get_language() or settings.LANGUAGE_CODE) + "/"


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context: dict[str, Any], page: Any) -> list[tuple[str, str]]:
    """(title, URL) of the pages above ``page``, from the home page of the reader's language (named as in
    the header). Pages right below the home page, as topics are, need no database query."""
    trail = [(str(settings.PORTAL_NAME), home_url(context))]
    if getattr(page, "depth", 0) > 3:
        request = context.get("request")
        trail += [(a.title, a.get_url(request)) for a in page.get_ancestors().filter(depth__gt=2)]
    return trail
