"""What a page adds to the search index so that inflected forms are found (see stemming.py).

A page model sets ``search_stems = stems_of_page`` (a method) and lists ``index.SearchField("search_stems")``
in its ``search_fields``. Wagtail then indexes, next to the page's own text, the stems of that text computed
in the page's language; the query's stems are searched in the same index (services.py). Being just one
more text field of the index, it works unchanged with the SQLite FTS5 and the PostgreSQL full-text
database backends and with OpenSearch/Elasticsearch.
"""

from __future__ import annotations

from typing import Any

from wagtail.search import index

from .stemming import index_stems

STEMS_FIELD = "search_stems"


def _flatten(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _flatten(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _flatten(item)]
    return [str(value)]


def page_text(page: Any) -> str:
    """The text of every other SearchField of the page (title, summary, intro, StreamField body …)."""
    texts: list[str] = []
    for field in page.get_search_fields():
        if isinstance(field, index.SearchField) and field.field_name != STEMS_FIELD:
            texts.extend(_flatten(field.get_value(page)))
    return "\n".join(texts)


def stems_of_page(page: Any) -> str:
    """The stems of the page's text in the page's own language (used as the ``search_stems`` method)."""
    locale = getattr(page, "locale", None)
    if locale is None:
        return ""
    return index_stems(page_text(page), locale.language_code)
