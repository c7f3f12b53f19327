"""The reader's situation: answers to short questions (``insurance=yes``, ``document=pesel-ukr``), shared by
the health pathways (steps that apply only in some situations) and the situation guide (rules).

Answers live only in the URL's query string: they are never stored on the server (see docs/situation-guide.md).
Questions and options are identified by keys (lower-case letters, digits and hyphens) that editors choose
and that are the same in every language: a pathway linked from the guide's checklist receives the answers
whose question keys it shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

# The keys the demo content and the editors' guide (docs/situation-guide.md, "Keys") share, so that the guide's
# answers carry over to the pathways' questions. Editors may add others; these are the documented ones.
SHARED_KEYS: dict[str, frozenset[str]] = {
    "residence": frozenset({"pesel-ukr", "residence-card", "visa", "visa-free", "eu-citizen", "applying", "other"}),
    "insurance": frozenset({"nfz-work", "nfz-pesel-ukr", "nfz-voluntary", "not-insured", "dont-know"}),
    "with": frozenset({"alone", "partner", "children", "pregnant", "older-person", "disabled-person"}),
    "need": frozenset({"doctor", "emergency", "pregnancy", "child-health", "vaccinations", "mental-health",
                       "disability-support", "seniors", "work", "school", "housing", "documents",
                       "language-course", "legal-help"}),
    "place": frozenset(),  # the TERYT codes of Małopolska's counties, filled in automatically
    "polish": frozenset({"none", "basic", "good"}),
    "age": frozenset({"child", "adult", "senior"}),
}

# question key → the option keys chosen (one for a single-choice question, several for a multiple one)
Answers = Mapping[str, tuple[str, ...]]


def validate_key(value: str) -> None:
    if not KEY_RE.match(value or ""):
        raise ValidationError(_("Use lower-case letters, digits and hyphens only (for example: pesel-ukr)."))


def split_keys(value: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in (value or "").split(",") if key.strip())


class KeyBlock(blocks.CharBlock):
    """A key (``pesel-ukr``): validated, and not offered to translators (wagtail-localize extracts no
    segment from a block that says it has none, so translations keep the source's key)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("validators", [validate_key])
        super().__init__(**kwargs)

    def get_translatable_segments(self, value: Any) -> list[Any]:
        return []


class KeyListBlock(blocks.CharBlock):
    """Several keys separated by commas (``insured,not-insured``); not translated either."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        for key in split_keys(value):
            validate_key(key)
        return ", ".join(split_keys(value))

    def get_translatable_segments(self, value: Any) -> list[Any]:
        return []


class OptionBlock(blocks.StructBlock):
    key = KeyBlock(label=_("Key"), help_text=_("The same in every language, for example: pesel-ukr."))
    label = blocks.CharBlock(label=_("Answer as the reader sees it"), max_length=120)


class ConditionBlock(blocks.StructBlock):
    """True when the reader's answer to ``question`` is one of ``answers``."""

    question = KeyBlock(label=_("Question key"))
    answers = KeyListBlock(label=_("Any of these answer keys"), help_text=_("Separate keys with commas."))


@dataclass(frozen=True)
class Condition:
    question: str
    answers: tuple[str, ...]


def conditions_of(values: Iterable[Any]) -> list[Condition]:
    """``Condition`` objects from the StructValues of a ListBlock(ConditionBlock)."""
    return [Condition(str(value["question"]), split_keys(str(value["answers"]))) for value in values]


def matches(conditions: Iterable[Condition], answers: Answers, unanswered: bool = False) -> bool:
    """All conditions hold. A condition on a question the reader has not answered holds when ``unanswered``
    (a pathway shows every alternative until the reader says which applies) and fails otherwise (a guide
    rule fires only on what the reader said)."""
    for condition in conditions:
        given = answers.get(condition.question)
        if not given:
            if not unanswered:
                return False
            continue
        if not set(given) & set(condition.answers):
            return False
    return True


def parse_answers(query: Mapping[str, Any], allowed: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """The answers in a query string (``QueryDict`` or dict of lists), keeping only known questions and
    options (``allowed``: question key → option keys); order and duplicates do not matter."""
    answers: dict[str, tuple[str, ...]] = {}
    getlist = getattr(query, "getlist", None)
    for question, options in allowed.items():
        raw = getlist(question) if getlist is not None else query.get(question, [])
        if isinstance(raw, str):
            raw = [raw]
        known = set(options)
        chosen = tuple(sorted({value for value in raw if value in known}))
        if chosen:
            answers[question] = chosen
    return answers
