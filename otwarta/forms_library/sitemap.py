"""sitemap.xml entries of the forms library (added by otwarta.core.sitemap): the list in every language,
and each form in Polish and in every language it has a row in, with hreflang alternates."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .models import OfficialForm


def entries(base: str) -> list[dict[str, Any]]:
    """Nothing while the library is empty (its list page would only say so)."""
    codes = [code for code, _name in settings.LANGUAGES]
    if not OfficialForm.objects.filter(locale__language_code=settings.LANGUAGE_CODE).exists():
        return []
    out: list[dict[str, Any]] = []
    index_urls = []
    for code in codes:
        with translation.override(code):
            index_urls.append((code, base + reverse("forms_library:index")))
    for _code, url in index_urls:
        out.append({"loc": url, "lastmod": None, "alternates": index_urls, "x_default": index_urls[0][1]})
    rows: dict[Any, list[OfficialForm]] = defaultdict(list)
    for row in OfficialForm.objects.select_related("locale").filter(locale__language_code__in=codes).order_by("slug"):
        rows[row.translation_key].append(row)
    for group in rows.values():
        source = next((r for r in group if r.locale.language_code == settings.LANGUAGE_CODE), None)
        if source is None:
            continue
        alternates = [(r.locale.language_code, base + source.get_url(r.locale.language_code)) for r in group]
        for row in group:
            out.append({"loc": base + source.get_url(row.locale.language_code), "lastmod": row.updated_at,
                        "alternates": alternates, "x_default": base + source.get_url(settings.LANGUAGE_CODE)})
    return out
