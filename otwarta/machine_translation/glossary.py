"""Glossary protection around machine translation, and the checks of human translations.

Before a text goes to a backend, every occurrence of a glossary term (whole word, case-insensitive unless
the term says otherwise, any of its listed forms) in the text is wrapped in
``<span translate="no" class="notranslate" data-mt-term="N">…</span>``; both LibreTranslate and DeepL
(``tag_handling=html``) leave such an element untranslated. A protected term keeps its own words inside the
span; a fixed translation puts the target term there already. After the call each marked span is replaced
by what was put into it, so the backend cannot alter it, and the markup disappears.

Limits: matching is by the forms listed on the term, not by morphology — Polish cases that are not listed
are not found (``other_forms`` is there for them). A fixed translation is inserted in its base form, so the
surrounding target sentence may need grammatical adjustment by a human. See docs/machine-translation.md.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TAG_RE = re.compile(r"(<[^>]*>)")
BR_RE = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
MARKED_SPAN_RE = re.compile(
    r"""<span\b[^>]*?\bdata-mt-term\s*=\s*["']?(\d+)["']?[^>]*>(.*?)</span\s*>""", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class Term:
    forms: tuple[str, ...]
    translation: str = ""
    case_sensitive: bool = False
    note: str = ""

    @property
    def is_protected(self) -> bool:
        return not self.translation

    @property
    def term(self) -> str:
        return self.forms[0]


def _word_pattern(forms: Iterable[str], case_sensitive: bool) -> str:
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    body = f"(?:{alternatives})" if case_sensitive else f"(?i:{alternatives})"
    return rf"(?<!\w){body}(?!\w)"


@dataclass
class Glossary:
    """The terms that apply to one language pair."""

    terms: list[Term] = field(default_factory=list)

    @classmethod
    def for_pair(cls, source: str, target: str) -> Glossary:
        from .models import GlossaryTerm

        rows = GlossaryTerm.objects.filter(source_lang=source).filter(
            Q(target_lang=target) | Q(target_lang="", translation="")
        )
        return cls([Term(tuple(row.forms()), row.translation, row.case_sensitive, row.note) for row in rows])

    def __bool__(self) -> bool:
        return bool(self.terms)

    def _pattern(self) -> re.Pattern[str] | None:
        # One alternation, longest forms first, so "karta pobytu czasowego" wins over "karta pobytu".
        entries = sorted(
            ((form, index) for index, term in enumerate(self.terms) for form in term.forms),
            key=lambda entry: len(entry[0]), reverse=True,
        )
        if not entries:
            return None
        parts: list[str] = []
        for form, index in entries:
            term = self.terms[index]
            escaped = re.escape(form)
            parts.append(f"(?P<t{index}_{len(parts)}>{escaped if term.case_sensitive else f'(?i:{escaped})'})")
        return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")

    def protect(self, texts: list[str], fmt: str = "html") -> tuple[list[str], list[str]]:
        """Wrap glossary terms. Returns the texts to send and the replacements to restore afterwards (the
        index in that list is the span's ``data-mt-term``). Plain text is escaped first: what is sent is
        always HTML when a term was found (see :func:`restore`)."""
        pattern = self._pattern()
        replacements: list[str] = []
        if pattern is None:
            return list(texts), replacements

        def wrap(match: re.Match[str]) -> str:
            group = match.lastgroup or ""
            term = self.terms[int(group[1:].split("_")[0])]
            inner = match.group(0) if term.is_protected else html.escape(term.translation, quote=False)
            replacements.append(inner)
            return f'<span translate="no" class="notranslate" data-mt-term="{len(replacements) - 1}">{inner}</span>'

        out = []
        for text in texts:
            # Plain text becomes HTML (escaped, line breaks as <br>): services collapse whitespace in HTML.
            source = html.escape(text, quote=False).replace("\n", "<br>") if fmt == "text" else text
            pieces = TAG_RE.split(source)
            # Odd pieces are tags; only text between tags is searched (never attributes or URLs).
            out.append("".join(p if i % 2 else pattern.sub(wrap, p) for i, p in enumerate(pieces)))
        if not replacements:
            return list(texts), replacements
        return out, replacements


def restore(texts: list[str], replacements: list[str], fmt: str = "html") -> list[str]:
    """Replace each marked span by what :meth:`Glossary.protect` put into it; unescape plain text."""

    def unwrap(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return replacements[index] if index < len(replacements) else match.group(2)

    restored = [MARKED_SPAN_RE.sub(unwrap, text) for text in texts]
    if fmt == "text":
        restored = [html.unescape(BR_RE.sub("\n", text)) for text in restored]
    return restored


@dataclass(frozen=True)
class GlossaryWarning:
    term: str
    translation: str
    message: str | Promise


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", text))


def _contains(text: str, forms: Iterable[str], case_sensitive: bool) -> bool:
    return re.search(_word_pattern(forms, case_sensitive), text) is not None


def glossary_warnings(
    source_text: str, translated_text: str, source_lang: str, target_lang: str, glossary: Glossary | None = None
) -> list[GlossaryWarning]:
    """Where a (human) translation breaks the glossary: a protected term of the source is missing from the
    translation, or a term with a fixed translation is not translated that way. HTML tags are ignored."""
    glossary = glossary if glossary is not None else Glossary.for_pair(source_lang, target_lang)
    source, translated = _plain(source_text), _plain(translated_text)
    warnings: list[GlossaryWarning] = []
    for term in glossary.terms:
        if not _contains(source, term.forms, term.case_sensitive):
            continue
        if term.is_protected:
            if not _contains(translated, term.forms, term.case_sensitive):
                warnings.append(GlossaryWarning(term.term, "", _(
                    "“%(term)s” should stay as it is in the translation, but it is missing."
                ) % {"term": term.term}))
        elif not _contains(translated, [term.translation], False):
            warnings.append(GlossaryWarning(term.term, term.translation, _(
                "“%(term)s” should be translated as “%(translation)s”."
            ) % {"term": term.term, "translation": term.translation}))
    return warnings
