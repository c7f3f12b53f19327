"""Text search over the directory through one stored column per service row (``Service.search_document``).

Why not the portal's full-text index: the directory's filters are SQL, and the full-text engine returns
rows that must then be intersected with them. With 5,000 services the Wagtail database backend's search
and autocomplete took seconds on SQLite (benchmarks/directory.py). Instead each service row stores, in
its own language, the folded words of its texts (name, other name, description, who it is for,
interpreting, the organisation's name) followed by their stems (otwarta.search.stemming). A query word
matches a row when the folded word begins some word of the document or its stem is one of the
document's stems, so ``lekarz`` finds ``lekarza``, ``karty`` finds ``karta`` and ``porada`` does not
find ``poradnia``. That is a ``LIKE '% word%'`` over one column of one table,
combined with the other filters in a single SQL statement, and fast at the scale of a region (see
benchmarks/README.md); it behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from otwarta.search import services as search_services
from otwarta.search.stemming import fold, index_stems, stem_word, stop_words, words

TEXT_FIELDS = ("name", "alternate_name", "description", "eligibility_description", "interpretation_services")


def document_for(texts: list[str], language_code: str) -> str:
    """Folded words, then their stems, space-separated and space-framed (so ``" word"`` marks a word start)."""
    text = "\n".join(t for t in texts if t)
    folded = dict.fromkeys(fold(word) for word in words(text))
    stems = index_stems(text, language_code).split()
    return " " + " ".join([*folded, *(s for s in stems if s not in folded)]) + " "


def service_document(service: Any, organization_name: str = "") -> str:
    language = service.locale.language_code if service.locale_id else "pl"
    texts = [str(getattr(service, name, "") or "") for name in TEXT_FIELDS]
    return document_for([*texts, organization_name], language)


def organization_name_for(service: Any) -> str:
    """The organisation's name in the service row's language (its translation, else the Polish name)."""
    from .models import Organization

    org = service.organization
    if org is None:
        return ""
    if service.locale_id and org.locale_id != service.locale_id:
        translated = (Organization.objects.filter(translation_key=org.translation_key, locale_id=service.locale_id)
                      .values_list("name", flat=True).first())
        if translated:
            return translated
    return str(org.name)


def refresh_documents(services: Any) -> int:
    """Recompute and store the documents of ``services`` (a queryset) without touching last_modified."""
    count = 0
    for service in services.select_related("organization", "locale"):
        document = service_document(service, organization_name_for(service))
        if document != service.search_document:
            type(service).objects.filter(pk=service.pk).update(search_document=document)
            count += 1
    return count


def query_filter(query: str, locales: list[tuple[int, str]]) -> Q | None:
    """Rows (of any of ``locales``: (locale id, language code)) whose document has every query word, or
    None when the query has no searchable word."""
    terms = search_services.query_terms(search_services.normalise_query(query))
    if not terms:
        return None
    combined = Q()
    for locale_id, language in locales:
        stops = stop_words(language)
        kept = [term for term in terms if term not in stops] or terms
        row = Q(locale_id=locale_id)
        for term in kept:
            variants = {" " + fold(term)}  # the beginning of a word: "lekarz" finds "lekarza"
            stem = stem_word(term, language)
            if stem:  # a whole stem: "porady" finds "porada" (stem "porad") but not "poradnia"
                variants.add(" " + stem + " ")
            either = Q()
            for variant in sorted(variants):
                either |= Q(search_document__contains=variant)
            row &= either
        combined |= row
    return combined
