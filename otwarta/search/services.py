"""Search over live pages in the current locale."""

from __future__ import annotations

import re
import unicodedata

from django.utils import translation
from wagtail.models import Locale, Page

MAX_QUERY_LENGTH = 200


def normalise_query(raw: str) -> str:
    """Strip control characters and excess length; what remains is safe to pass to any backend."""
    text = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUERY_LENGTH]


def search_pages(query: str) -> list[Page]:
    locale = Locale.get_active() if translation.get_language() else Locale.get_default()
    qs = Page.objects.live().public().filter(locale=locale, depth__gt=2).specific()
    return list(qs.search(query, operator="and"))
