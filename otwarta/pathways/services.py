"""How a health pathway reads for one reader: its questions, the reader's answers (from the query string, never
stored), and the steps that apply, in the order they are shown.

Branching (``visible_steps``): a step with conditions (``applies_when``) is shown when all of them hold for
the answers given; a condition on a question the reader has not answered holds (``matches(...,
unanswered=True)``), so until the reader says which situation is theirs every alternative is shown, each
labelled with the situation it applies to ("If: Health insurance — not insured"). Urgent steps come first;
the steps are numbered in the order shown.

Validation (``pathway_problems``): conditions may name only the page's own question and answer keys;
question keys are unique, and so are the answer keys of one question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.blocks.list_block import ListBlockValidationError

from otwarta.core.situations import Condition, conditions_of, matches, parse_answers, split_keys

if TYPE_CHECKING:
    from otwarta.directory.search import Card

    from .models import PathwayPage


# --- questions and answers --------------------------------------------------------------------------------------
def situation_questions(page: PathwayPage) -> list[dict[str, Any]]:
    """The page's questions: ``[{"key", "question", "options": [{"key", "label"}, ...]}, ...]``."""
    questions = []
    for child in page.situations or []:
        value = child.value
        options = [{"key": str(option["key"]), "label": str(option["label"])} for option in value["options"]]
        questions.append({"key": str(value["key"]), "question": str(value["question"]), "options": options})
    return questions


def allowed_answers(questions: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    return {question["key"]: [option["key"] for option in question["options"]] for question in questions}


def reader_answers(page: PathwayPage, query: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The reader's answers to the page's questions in ``query`` (``request.GET``): other keys (a guide's
    questions this pathway does not ask, tracking parameters) and unknown answers are ignored."""
    return parse_answers(query, allowed_answers(situation_questions(page)))


def form_questions(questions: list[dict[str, Any]], answers: Mapping[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    """The questions as the form shows them: each option ``checked`` when chosen; ``multiple`` (check boxes
    instead of radio buttons) when the reader arrived with several answers to one question (the guide asks
    some questions, such as who the reader is with, with several answers allowed)."""
    shown = []
    for question in questions:
        chosen = answers.get(question["key"], ())
        options = [{**option, "checked": option["key"] in chosen} for option in question["options"]]
        shown.append({**question, "options": options, "answered": bool(chosen), "multiple": len(chosen) > 1})
    return shown


# --- steps ---------------------------------------------------------------------------------------------------------
@dataclass
class LanguageHelp:
    kind: str
    label: str  # the register's name ("Interpreters")
    register_url: str  # its public page (or the registers' index when it is not set up)
    request_url: str = ""  # the request form, preset to this register ("" when it is not set up)
    request_label: str = ""


@dataclass
class ServiceView:
    card: Card
    note: str


@dataclass
class StepView:
    number: int
    title: str
    text: Any  # RichText
    documents: list[str]
    cost: str
    language_note: str
    urgent: bool
    conditions: list[Condition]
    situation: str  # "Health insurance — not insured; Age — child" ("" for a step everyone takes)
    services: list[ServiceView] = field(default_factory=list)
    language_help: list[LanguageHelp] = field(default_factory=list)
    service_values: list[Any] = field(default_factory=list, repr=False)
    help_kinds: list[str] = field(default_factory=list, repr=False)

    @property
    def conditional(self) -> bool:
        return bool(self.conditions)


def _alternatives(labels: list[str]) -> str:
    if len(labels) < 2:
        return "".join(labels)
    return gettext("%(items)s or %(last)s") % {"items": ", ".join(labels[:-1]), "last": labels[-1]}


def situation_label(conditions: Iterable[Condition], questions: list[dict[str, Any]]) -> str:
    """The situation a step applies to, in the reader's words: "Health insurance — not insured or don't
    know; Age — child" (keys for anything the page's questions do not name)."""
    by_key = {question["key"]: question for question in questions}
    parts = []
    for condition in conditions:
        question = by_key.get(condition.question)
        if question is None:
            parts.append(f"{condition.question} — {_alternatives(list(condition.answers))}")
            continue
        labels = {option["key"]: option["label"] for option in question["options"]}
        answers = [labels.get(key, key) for key in condition.answers]
        parts.append(f"{question['question']} — {_alternatives(answers)}")
    return "; ".join(parts)


def all_steps(page: PathwayPage, questions: list[dict[str, Any]] | None = None) -> list[StepView]:
    """Every step in the editor's order, unnumbered (``number`` 0), services and language help unresolved."""
    questions = situation_questions(page) if questions is None else questions
    steps = []
    for child in page.steps or []:
        value = child.value
        conditions = [c for c in conditions_of(value.get("applies_when") or []) if c.question]
        steps.append(StepView(
            number=0, title=str(value.get("title") or ""), text=value.get("text"),
            documents=[str(item) for item in value.get("documents") or [] if str(item).strip()],
            cost=str(value.get("cost") or ""), language_note=str(value.get("language_note") or ""),
            urgent=bool(value.get("urgent")), conditions=conditions,
            situation=situation_label(conditions, questions),
            service_values=list(value.get("services") or []),
            help_kinds=[str(kind) for kind in value.get("language_help") or []],
        ))
    return steps


def order_and_number(steps: list[StepView]) -> list[StepView]:
    """Urgent steps first (each group in the editor's order), numbered from 1."""
    ordered = sorted(steps, key=lambda step: not step.urgent)  # sorted() is stable
    for number, step in enumerate(ordered, start=1):
        step.number = number
    return ordered


def visible_steps(page: PathwayPage, answers: Mapping[str, tuple[str, ...]],
                  questions: list[dict[str, Any]] | None = None, resolve: bool = True) -> list[StepView]:
    """The steps for a reader with ``answers``: those whose conditions hold (unanswered questions do not
    exclude a step), urgent ones first, numbered in the order shown. ``resolve``: read the service cards
    and the registers' addresses (a few queries for all the steps together)."""
    steps = [step for step in all_steps(page, questions) if matches(step.conditions, answers, unanswered=True)]
    steps = order_and_number(steps)
    if resolve:
        attach_services(steps)
        attach_language_help(steps)
    return steps


def attach_services(steps: list[StepView]) -> None:
    """Each step's service cards as the article's service block shows them (name in the reader's language,
    today's status); services no longer visible in the directory are left out."""
    from otwarta.directory.search import cards, visible_services, with_card_data

    keys = {value["service"].translation_key for step in steps for value in step.service_values
            if value.get("service") is not None}
    if not keys:
        return
    found = {card.service.source.translation_key: card
             for card in cards(with_card_data(visible_services().filter(translation_key__in=keys)))}
    for step in steps:
        for value in step.service_values:
            service = value.get("service")
            card = found.get(service.translation_key) if service is not None else None
            if card is not None:
                step.services.append(ServiceView(card=card, note=str(value.get("note") or "")))


def attach_language_help(steps: list[StepView]) -> None:
    """Links to the registers' public pages and to the request form preset to each register."""
    from otwarta.registers.models import Register, RegisterKind
    from otwarta.registers.presentation import REQUEST_LABELS, request_url

    kinds = {kind for step in steps for kind in step.help_kinds}
    if not kinds:
        return
    slugs = dict(Register.objects.filter(kind__in=kinds).values_list("kind", "slug"))
    labels = dict(RegisterKind.choices)
    for step in steps:
        for kind in step.help_kinds:
            if kind not in labels:
                continue
            slug = slugs.get(kind)
            if slug is None:  # the register is not set up yet: the registers' index, no request form
                step.language_help.append(LanguageHelp(kind=kind, label=str(labels[kind]),
                                                       register_url=reverse("registers:index")))
                continue
            step.language_help.append(LanguageHelp(
                kind=kind, label=str(labels[kind]), register_url=reverse("registers:register", kwargs={"slug": slug}),
                request_url=request_url(kind), request_label=str(REQUEST_LABELS.get(kind, "")),
            ))


# --- validation ---------------------------------------------------------------------------------------------------
@dataclass
class Problems:
    """What is wrong with a pathway's questions and conditions, by place: ``situations[index][name]`` (a
    question's key or its answers) and ``conditions[(step index, condition index, name)]``."""

    situations: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    conditions: dict[tuple[int, int, str], list[str]] = field(default_factory=dict)
    summary: dict[str, list[str]] = field(default_factory=dict)  # field name → readable messages

    def __bool__(self) -> bool:
        return bool(self.situations or self.conditions)

    def validation_error(self) -> ValidationError:
        """A ValidationError the page editor shows on the fields concerned (and, above them, a summary)."""
        errors: dict[str, Any] = {}
        if self.situations:
            errors["situations"] = StreamBlockValidationError(
                block_errors={index: StructBlockValidationError(
                    block_errors={name: ValidationError(" ".join(messages)) for name, messages in fields.items()})
                    for index, fields in self.situations.items()},
                non_block_errors=self.summary.get("situations", []),
            )
        if self.conditions:
            by_step: dict[int, dict[int, dict[str, list[str]]]] = {}
            for (step, condition, name), messages in self.conditions.items():
                by_step.setdefault(step, {}).setdefault(condition, {})[name] = messages
            errors["steps"] = StreamBlockValidationError(
                block_errors={step: StructBlockValidationError(block_errors={
                    "applies_when": ListBlockValidationError(block_errors={
                        condition: StructBlockValidationError(block_errors={
                            name: ValidationError(" ".join(messages)) for name, messages in names.items()})
                        for condition, names in conditions.items()})})
                    for step, conditions in by_step.items()},
                non_block_errors=self.summary.get("steps", []),
            )
        return ValidationError(errors)


def _keys(keys: Iterable[str]) -> str:
    return ", ".join(keys) or "—"


UNKNOWN_QUESTION = _("“%(key)s” is not a question of this pathway. Question keys: %(valid)s.")
UNKNOWN_ANSWER = _("“%(key)s” is not an answer to the question “%(question)s”. Its answer keys: %(valid)s.")
DUPLICATE_QUESTION = _("Another question has the key “%(key)s”: each question needs its own key.")
DUPLICATE_ANSWER = _("The answer key “%(key)s” is used twice: each answer needs its own key.")
NO_ANSWERS = _("Give at least one answer key.")
STEP_PREFIX = _("Step %(number)s (“%(title)s”), condition %(condition)s: %(message)s")
QUESTION_PREFIX = _("Question %(number)s: %(message)s")


def _raw_items(value: Any) -> list[Any]:
    """The values of a ListBlock value (a ListValue, or a plain list of values or ``{"value": …}`` dicts)."""
    items = []
    for item in value or []:
        if isinstance(item, Mapping) and "value" in item and "type" in item:
            item = item["value"]
        items.append(item)
    return items


def pathway_problems(situations: Any, steps: Any) -> Problems:
    """Problems of a pathway's ``situations`` and ``steps`` (StreamValues): duplicate question or answer
    keys; conditions naming a question or an answer the page does not have (listing the valid keys)."""
    problems = Problems()
    allowed: dict[str, list[str]] = {}
    for index, child in enumerate(situations or []):
        value = child.value
        key = str(value["key"] or "")
        option_keys = [str(option["key"] or "") for option in _raw_items(value["options"])]
        messages: dict[str, list[str]] = {}
        if key in allowed:
            messages.setdefault("key", []).append(str(DUPLICATE_QUESTION % {"key": key}))
        duplicates = sorted({k for k in option_keys if k and option_keys.count(k) > 1})
        for duplicate in duplicates:
            messages.setdefault("options", []).append(str(DUPLICATE_ANSWER % {"key": duplicate}))
        if messages:
            problems.situations[index] = messages
            for texts in messages.values():
                problems.summary.setdefault("situations", []).extend(
                    str(QUESTION_PREFIX % {"number": index + 1, "message": text}) for text in texts)
        allowed.setdefault(key, option_keys)

    for step_index, child in enumerate(steps or []):
        value = child.value
        for condition_index, condition in enumerate(_raw_items(value.get("applies_when"))):
            question = str(condition["question"] or "")
            answers = split_keys(str(condition["answers"] or ""))
            found: list[tuple[str, str]] = []
            if question not in allowed:
                found.append(("question", str(UNKNOWN_QUESTION % {"key": question, "valid": _keys(allowed)})))
            else:
                unknown = [answer for answer in answers if answer not in allowed[question]]
                found.extend(("answers", str(UNKNOWN_ANSWER % {"key": answer, "question": question,
                                                               "valid": _keys(allowed[question])}))
                             for answer in unknown)
                if not answers:
                    found.append(("answers", str(NO_ANSWERS)))
            for name, message in found:
                problems.conditions.setdefault((step_index, condition_index, name), []).append(message)
                problems.summary.setdefault("steps", []).append(str(STEP_PREFIX % {
                    "number": step_index + 1, "title": value.get("title") or "",
                    "condition": condition_index + 1, "message": message}))
    return problems


def private_response_headers(response: Any) -> Any:
    """A page shown for a reader's answers: not kept by shared caches nor by the browser's cache, and its
    address (which holds the answers) not sent to other sites in the Referer header."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
