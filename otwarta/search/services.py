"""Search over the live public pages of the reader's language, inflected forms included.

How a query is answered (docs/search.md has the full story):

1. The raw query is cleaned (:func:`normalise_query`): control characters and NUL bytes removed, spaces
   collapsed, cut to :data:`MAX_QUERY_LENGTH`. That text is what the page shows.
2. It is split into words of letters and digits only (:func:`query_terms`), lower case, at most
   :data:`MAX_TERMS`. Quotes, ``*``, ``-``, parentheses and the like never reach the full-text engine,
   and ``AND``/``OR``/``NEAR`` become ordinary lower-case words, so no query can be an FTS5 (or
   ``tsquery``) syntax error. This is the sanitising; nothing catches database errors.
3. Three tiers, each on the pages of the active locale only (article, topic and institution pages):

   * *exact*: every word as typed (the engine itself ignores case, and on SQLite diacritics);
   * *inflected*: every word's stem in the page language, stop words left out, matched against the
     stems indexed with each page (see indexing.py);
   * *some words*: only when the two above found nothing and the query has several words: any stem.

   Exact matches come first, then the pages found only through their stems; within a tier the
   engine's relevance order (BM25 on SQLite, ts_rank on PostgreSQL) is kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import translation
from wagtail.models import Locale, Page
from wagtail.query import PageQuerySet

from otwarta.portal.models import ArticlePage, InstitutionPage, TopicPage

from .stemming import stem_word, stop_words, words

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MAX_TERM_LENGTH = 60
# Enough for any real question on a regional portal; the engine ranks, we only merge the tiers.
MAX_RESULTS_PER_TIER = 300
RESULT_MODELS = (ArticlePage, TopicPage, InstitutionPage)


def normalise_query(raw: str) -> str:
    """The query as the reader will see it again: printable, single-spaced, at most 200 characters."""
    text = unicodedata.normalize("NFKC", raw[: MAX_QUERY_LENGTH * 4])
    # Format characters (zero-width joiners, soft hyphens) vanish; other controls, NUL included, and
    # every kind of space become one plain space.
    text = "".join("" if unicodedata.category(ch) == "Cf" else " " if unicodedata.category(ch)[0] in "CZ" else ch
                   for ch in text)
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_LENGTH].strip()


def query_terms(query: str) -> list[str]:
    """The words of the query that a full-text engine can take as they are (no operators, no quotes)."""
    terms: list[str] = []
    for word in words(query):
        term = word.casefold()[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def stemmed_terms(terms: list[str], language_code: str) -> list[str]:
    """The query's stems in the page language, stop words left out (unless the query is only those)."""
    stops = stop_words(language_code)
    kept = [term for term in terms if term not in stops] or terms
    stems: list[str] = []
    for term in kept:
        stem = stem_word(term, language_code)
        if stem and stem not in stems:
            stems.append(stem)
    return stems


def active_locale() -> Locale | None:
    """The Wagtail locale of the active language, or None when that language has no locale yet."""
    if not translation.get_language():
        return Locale.get_default()
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return None


def searchable_pages(locale: Locale | None = None) -> PageQuerySet:
    """Live, public article, topic and institution pages (of ``locale`` when given)."""
    content_types = ContentType.objects.get_for_models(*RESULT_MODELS).values()
    pages = Page.objects.live().public().filter(content_type__in=[ct.pk for ct in content_types])
    if locale is not None:
        pages = pages.filter(locale=locale)
    return pages


def _ranked_ids(pages: PageQuerySet, terms: list[str], operator: str, title_stems: list[str] | None = None,
                language_code: str = "") -> list[int]:
    """Ids in the engine's relevance order; with ``title_stems``, pages whose title has more of those
    stems move up (a stable sort, so the engine's order stays among equals). The title is the
    strongest signal, and the stems indexed with a page all sit in its body."""
    if not terms:
        return []
    results = list(pages.search(" ".join(terms), operator=operator, order_by_relevance=True)[:MAX_RESULTS_PER_TIER])
    if title_stems:
        wanted = set(title_stems)

        def title_matches(page: Page) -> int:
            return -len(wanted & {stem_word(word, language_code) for word in words(page.title)})

        results.sort(key=title_matches)
    return [page.pk for page in results]


@dataclass
class SearchOutcome:
    query: str
    terms: list[str] = field(default_factory=list)
    page_ids: list[int] = field(default_factory=list)
    #: True when no page had every word and the results contain only some of them.
    partial: bool = False
    exact_count: int = 0

    @property
    def count(self) -> int:
        return len(self.page_ids)


def search(query: str, locale: Locale | None = None) -> SearchOutcome:
    """Ranked ids of the pages of ``locale`` (default: the active one) that match ``query``."""
    outcome = SearchOutcome(query=query, terms=query_terms(query))
    locale = locale or active_locale()
    if not outcome.terms or locale is None:
        return outcome
    pages = searchable_pages(locale)
    language_code = locale.language_code
    stems = stemmed_terms(outcome.terms, language_code)
    exact = _ranked_ids(pages, outcome.terms, "and", stems, language_code)
    inflected = _ranked_ids(pages, stems, "and", stems, language_code) if stems != outcome.terms else []
    seen = set(exact)
    outcome.page_ids = exact + [pk for pk in inflected if pk not in seen]
    outcome.exact_count = len(exact)
    if not outcome.page_ids and len(stems) > 1:
        outcome.page_ids = _ranked_ids(pages, stems, "or", stems, language_code)
        outcome.partial = bool(outcome.page_ids)
    return outcome


def pages_in_order(page_ids: list[int]) -> list[Page]:
    """The specific pages for ``page_ids``, in that order."""
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()}
    return [by_id[pk] for pk in page_ids if pk in by_id]


def other_language_counts(terms: list[str], locale: Locale | None) -> list[tuple[Locale, int]]:
    """How many pages in each other language contain every word as typed (offered when none here do)."""
    if not terms:
        return []
    pages = searchable_pages()
    if locale is not None:
        pages = pages.exclude(locale=locale)
    ids = _ranked_ids(pages, terms, "and")
    if not ids:
        return []
    rows = Page.objects.filter(pk__in=ids).values("locale").annotate(n=Count("pk")).order_by("-n", "locale")
    locales = Locale.objects.in_bulk([row["locale"] for row in rows])
    return [(locales[row["locale"]], row["n"]) for row in rows if row["locale"] in locales]


def search_pages(query: str) -> list[Page]:
    """The matching pages of the active locale, best first (a convenience for callers outside the view)."""
    return pages_in_order(search(normalise_query(query)).page_ids)
