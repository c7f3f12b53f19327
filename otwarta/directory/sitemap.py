"""sitemap.xml entries of the service directory (added by otwarta.core.sitemap): the search page in every
language, and each visible service in Polish and in every language it has a row in, with hreflang
alternates."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .models import Service
from .search import VISIBLE_STATUSES


def _url(base: str, name: str, code: str, **kwargs: Any) -> str:
    with translation.override(code):
        return base + reverse(name, kwargs=kwargs or None)


def entries(base: str) -> list[dict[str, Any]]:
    """Nothing while the directory has no visible service."""
    codes = [code for code, _name in settings.LANGUAGES]
    rows: dict[Any, list[tuple[str, Any]]] = defaultdict(list)
    sources: dict[Any, Service] = {}
    for row in (Service.objects.filter(locale__language_code__in=codes)
                .select_related("locale").only("translation_key", "slug", "status", "last_modified",
                                               "locale__language_code")):
        rows[row.translation_key].append((row.locale.language_code, row.last_modified))
        if row.locale.language_code == settings.LANGUAGE_CODE and row.status in VISIBLE_STATUSES:
            sources[row.translation_key] = row
    if not sources:
        return []
    index_urls = [(code, _url(base, "directory:search", code)) for code in codes]
    out: list[dict[str, Any]] = [{"loc": url, "lastmod": None, "alternates": index_urls,
                                  "x_default": index_urls[0][1]} for _code, url in index_urls]
    for key, source in sorted(sources.items(), key=lambda item: item[1].slug):
        languages = dict(rows[key])
        alternates = [(code, _url(base, "directory:service", code, slug=source.slug))
                      for code in codes if code in languages]
        x_default = _url(base, "directory:service", settings.LANGUAGE_CODE, slug=source.slug)
        for code, url in alternates:
            out.append({"loc": url, "lastmod": languages[code], "alternates": alternates, "x_default": x_default})
    return out
