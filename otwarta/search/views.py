"""Search in the reader's language (see services.py for how inflected forms are matched)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from wagtail.models import Locale, Page

from otwarta.portal.models import ArticlePage, InstitutionPage, TopicPage

from . import services
from .stemming import fold, stem_word

RESULTS_PER_PAGE = 10
SNIPPET_WORDS = 30
KINDS = {ArticlePage: _("Article"), TopicPage: _("Topic"), InstitutionPage: _("Institution")}
_TOKENS = re.compile(r"([^\W_]+)")


@dataclass
class Hit:
    page: Page
    kind: str
    snippet: SafeString


def highlight(text: str, terms: list[str], language_code: str) -> SafeString:
    """``text`` escaped, with the words that match a query word (or its stem) marked."""
    wanted = {fold(term) for term in terms} | {stem_word(term, language_code) for term in terms}
    parts = []
    for i, piece in enumerate(_TOKENS.split(text)):
        escaped = html.escape(piece, quote=False)
        is_word = i % 2 == 1
        if is_word and (fold(piece) in wanted or stem_word(piece, language_code) in wanted):
            escaped = f"<mark>{escaped}</mark>"
        parts.append(escaped)
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def _hit(page: Page, terms: list[str], language_code: str) -> Hit:
    text = getattr(page, "summary", "") or getattr(page, "intro", "") or ""
    snippet = Truncator(text).words(SNIPPET_WORDS)
    return Hit(page=page, kind=str(KINDS.get(type(page), "")), snippet=highlight(snippet, terms, language_code))


@dataclass
class Elsewhere:
    """Pages in another language that contain every word of the query (offered when none here do)."""

    code: str
    name: str
    count: int
    url: str


def _elsewhere(query: str, terms: list[str], locale: Locale | None) -> list[Elsewhere]:
    names = dict(settings.LANGUAGES)
    offers = []
    for other, count in services.other_language_counts(terms, locale):
        code = other.language_code
        with translation.override(code):
            url = f"{reverse('search')}?{urlencode({'q': query})}"
        offers.append(Elsewhere(code=code, name=str(names.get(code, code)), count=count, url=url))
    return offers


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = services.normalise_query(request.GET.get("q", ""))
    locale = services.active_locale()
    outcome = services.search(query, locale) if query else services.SearchOutcome(query="")
    paginator = Paginator(outcome.page_ids, RESULTS_PER_PAGE)
    # get_page: page 1 for anything that is not a number, the last page for a number out of range.
    page = paginator.get_page(request.GET.get("page"))
    language_code = locale.language_code if locale else ""
    hits = [_hit(p, outcome.terms, language_code) for p in services.pages_in_order(list(page.object_list))]
    elsewhere = _elsewhere(query, outcome.terms, locale) if outcome.terms and not outcome.page_ids else []
    context = {
        "query": query,
        "searched": bool(outcome.terms),
        "outcome": outcome,
        "hits": hits,
        "results": page,
        "paginator": paginator,
        "elsewhere": elsewhere,
    }
    return render(request, "search/search.html", context)
