"""What the reader sees of the forms library: which version of a form to show in the reader's language,
the list with its search and filter, and the articles that link to a form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from wagtail.models import Locale, Page, ReferenceIndex
from wagtail.search.backends import get_search_backend
from wagtail_localize.models import Translation

from otwarta.search import services as search_services

from .models import OfficialForm


def source_locale() -> Locale:
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def reader_locale() -> Locale:
    """The locale of the active language, or the source locale when that language has none."""
    return search_services.active_locale() or source_locale()


def is_reader_ready(row: OfficialForm) -> bool:
    """A translated row is shown to readers unless wagtail-localize is still filling it in: its synced
    translation has untranslated strings, which it fills with the Polish text in the meantime."""
    translation = (Translation.objects.filter(source__object_id=row.translation_key, target_locale_id=row.locale_id,
                                              enabled=True).only("pk", "source_id", "target_locale_id").first())
    if translation is None:
        return True
    total, translated = translation.get_progress()
    return translated >= total


@dataclass
class FormVersion:
    """A form as one reader sees it."""

    source: OfficialForm  # the Polish row
    shown: OfficialForm  # the reader's-language row, or the Polish one when there is none (fallback)
    language_code: str  # of the reader
    is_fallback: bool

    @property
    def shown_language(self) -> str:
        return self.shown.locale.language_code

    @property
    def original_document(self) -> Any:
        return self.source.document

    @property
    def translated_document(self) -> Any:
        """The reader's-language (or bilingual) PDF, when the translation has its own."""
        if self.is_fallback or self.shown.pk == self.source.pk or not self.shown.document_id:
            return None
        return self.shown.document if self.shown.document_id != self.source.document_id else None

    @property
    def url(self) -> str:
        return self.source.get_url(self.language_code)


def reader_version(form: OfficialForm, locale: Locale | None = None) -> FormVersion:
    """``form`` (any of its rows) in the reader's language, falling back to the Polish row."""
    locale = locale or reader_locale()
    source = form if form.locale.language_code == settings.LANGUAGE_CODE else (
        OfficialForm.objects.filter(translation_key=form.translation_key, locale__language_code=settings.LANGUAGE_CODE)
        .select_related("locale", "institution", "document").first() or form
    )
    if locale.pk == source.locale_id:
        return FormVersion(source=source, shown=source, language_code=locale.language_code, is_fallback=False)
    row = form if form.locale_id == locale.pk else (
        OfficialForm.objects.filter(translation_key=form.translation_key, locale=locale)
        .select_related("locale", "document").first()
    )
    if row is not None and is_reader_ready(row):
        return FormVersion(source=source, shown=row, language_code=locale.language_code, is_fallback=False)
    return FormVersion(source=source, shown=source, language_code=locale.language_code, is_fallback=True)


def library(locale: Locale, query: str = "", institution_id: int | None = None) -> list[FormVersion]:
    """The forms for the list page: each once, in the reader's language where it has a row (else Polish),
    matching ``query`` (in the reader's language or in Polish, inflected forms included)."""
    source = source_locale()
    sources = OfficialForm.objects.filter(locale=source).select_related("locale", "institution", "document")
    if institution_id is not None:
        sources = sources.filter(institution_id=institution_id)
    by_key = {form.translation_key: form for form in sources}
    order = list(by_key)
    if query:
        order = [key for key in _matching_keys(query, locale, source) if key in by_key]
    translated: dict[Any, OfficialForm] = {}
    if locale.pk != source.pk:
        rows = OfficialForm.objects.filter(locale=locale, translation_key__in=order).select_related("locale",
                                                                                                    "document")
        translated = {row.translation_key: row for row in rows}
    versions = []
    for key in order:
        row = translated.get(key)
        if locale.pk == source.pk:
            versions.append(FormVersion(by_key[key], by_key[key], locale.language_code, False))
        elif row is not None:
            versions.append(FormVersion(by_key[key], row, locale.language_code, False))
        else:
            versions.append(FormVersion(by_key[key], by_key[key], locale.language_code, True))
    if not query:
        versions.sort(key=lambda v: v.shown.title.casefold())
    return versions


def _matching_keys(query: str, locale: Locale, source: Locale) -> list[Any]:
    """translation_keys of the forms whose reader's-language or Polish row matches every word of the query
    (as typed, or by its stem in the row's language), best first."""
    terms = search_services.query_terms(search_services.normalise_query(query))
    if not terms:
        return []
    keys: list[Any] = []
    backend = get_search_backend()
    for loc in dict.fromkeys([locale, source]):
        rows = OfficialForm.objects.filter(locale_id=loc.pk)
        tiers = [terms, search_services.stemmed_terms(terms, loc.language_code)]
        for words in tiers:
            for row in backend.search(" ".join(words), rows, operator="and", order_by_relevance=True):
                if row.translation_key not in keys:
                    keys.append(row.translation_key)
    return keys


def linking_articles(version: FormVersion) -> QuerySet[Page]:
    """Live, public pages in the reader's language that link to the form (any of its rows), through
    Wagtail's reference index (filled when a page is saved)."""
    form_ids = OfficialForm.objects.filter(translation_key=version.source.translation_key).values_list("pk", flat=True)
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(OfficialForm),
        to_object_id__in=[str(pk) for pk in form_ids],
        base_content_type=page_type,
    ).values_list("object_id", flat=True)
    keys = Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).values("translation_key")
    return (Page.objects.live().public().filter(translation_key__in=keys, locale__language_code=version.language_code)
            .order_by("title"))


@dataclass
class FieldGroup:
    heading: str
    fields: list[Any]


def field_groups(form: OfficialForm) -> list[FieldGroup]:
    """The field explanations grouped under the "part of the form" headings that precede them."""
    groups: list[FieldGroup] = []
    for block in form.fields:
        if block.block_type == "section":
            groups.append(FieldGroup(heading=str(block.value), fields=[]))
        else:
            if not groups:
                groups.append(FieldGroup(heading="", fields=[]))
            groups[-1].fields.append(block.value)
    return [group for group in groups if group.fields]
