"""What the editor reads: the template context of a result (shared by the panel and the JSON endpoint)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .services import IndexKind, ReadabilityResult, Verdict

LISTED_LONG_SENTENCES = 10

INDEX_NAMES = {
    IndexKind.FOG_PL: _("FOG-PL index"),
    IndexKind.FLESCH: _("Flesch Reading Ease"),
    IndexKind.OBORNEVA: _("Flesch Reading Ease, adapted for Russian (Oborneva)"),
}


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def summary_sentence(result: ReadabilityResult) -> str:
    """One sentence for screen readers when the panel is refreshed while typing."""
    if result.is_empty:
        return gettext("Plain language: there is no text to check yet.")
    verdict = {
        Verdict.EASY: gettext("easy to read"),
        Verdict.FAIR: gettext("fairly easy to read"),
        Verdict.HARD: gettext("hard to read"),
    }.get(result.verdict) if result.verdict else None
    long_sentences = ngettext(
        "%(count)d sentence is too long.", "%(count)d sentences are too long.", len(result.long_sentences)
    ) % {"count": len(result.long_sentences)}
    if verdict:
        return gettext("Plain language: %(verdict)s. %(long_sentences)s") % {
            "verdict": verdict, "long_sentences": long_sentences,
        }
    return gettext("Plain language: %(long_sentences)s") % {"long_sentences": long_sentences}


def results_context(result: ReadabilityResult) -> dict[str, Any]:
    index = result.index
    return {
        "result": result,
        "language_code": result.language,
        "language_name": language_name(result.language),
        "index": index,
        "index_name": INDEX_NAMES.get(index.kind) if index else None,
        "is_fog_pl": bool(index and index.kind is IndexKind.FOG_PL),
        "is_flesch": bool(index and index.kind is IndexKind.FLESCH),
        "is_oborneva": bool(index and index.kind is IndexKind.OBORNEVA),
        "is_approximation": result.language == "uk",
        "verdict": str(result.verdict) if result.verdict else "",
        "listed_long_sentences": result.long_sentences[:LISTED_LONG_SENTENCES],
        "unlisted_long_sentences": max(0, len(result.long_sentences) - LISTED_LONG_SENTENCES),
        "summary_sentence": summary_sentence(result),
    }
