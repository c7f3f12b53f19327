"""What the guide gives a reader: the contract between the engine (``engine.evaluate``), the public views,
the PDF and the editors' preview and coverage report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Action:
    """Something to do, from a rule's "do" recommendation."""

    text: str
    priority: int
    rule: str  # the rule's name (shown to editors in the preview only)


@dataclass(frozen=True)
class Reading:
    """A page to read in the reader's language (or the Polish page, marked, when not translated)."""

    title: str
    url: str
    summary: str
    language: str  # the language of the page linked to
    is_pathway: bool
    priority: int
    note: str = ""
    rule: str = ""


@dataclass(frozen=True)
class ServiceGroup:
    """Services of some directory categories near the reader (their county, else the whole region)."""

    categories: tuple[str, ...]
    title: str  # the categories' names in the reader's language
    cards: tuple[Any, ...]  # the directory's service cards (otwarta.directory.search), nearest first
    search_url: str  # the directory search with the same filters, for "more services"
    priority: int
    note: str = ""
    rule: str = ""


@dataclass(frozen=True)
class LanguageHelp:
    register: str  # RegisterKind value
    title: str
    url: str  # the register's public page
    request_url: str  # the request form, preset to this register
    on_duty_now: int  # how many people are on duty now
    priority: int
    note: str = ""
    rule: str = ""


@dataclass(frozen=True)
class Checklist:
    answers: dict[str, tuple[str, ...]]
    actions: tuple[Action, ...] = ()
    readings: tuple[Reading, ...] = ()
    services: tuple[ServiceGroup, ...] = ()
    language_help: tuple[LanguageHelp, ...] = ()
    fired_rules: tuple[str, ...] = field(default=())

    @property
    def size(self) -> int:
        """The number of items (what the coverage report counts: empty is 0, thin below the page's limit)."""
        return len(self.actions) + len(self.readings) + len(self.services) + len(self.language_help)
