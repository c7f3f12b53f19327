"""The situation guide for readers (``SituationGuidePage.route``/``serve`` dispatch here).

- ``/<lang>/<guide>/``: the introduction and all the questions in one GET form (works without JavaScript).
  With answers in the query string (``?residence=visa&need=doctor``, the "Change my answers" link) the form
  shows them chosen.
- ``/<lang>/<guide>/wynik/?<answers>``: the personal checklist. Without any known answer: back to the form.
- ``/<lang>/<guide>/wynik.pdf?<answers>``: the same checklist as a tagged PDF, rendered on the fly (``pdf``).

Privacy by design: the answers live only in the URL. Nothing here writes to the database, uses the session
or logs the query string; unknown questions and answers are dropped (``engine.parse``). Every response of
the guide sends ``Referrer-Policy: no-referrer`` (the next request, to a service or article, does not carry
the answers in its ``Referer``); those with answers also ``Cache-Control: private, no-store`` and a
Content-Security-Policy that allows images from this site only (no map tiles, nothing from third parties).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from csp.constants import SELF
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation

from otwarta.core.emergency import EMERGENCY_NUMBERS
from otwarta.core.languages import spoken_language_name

from . import engine
from .models import QuestionKind

if TYPE_CHECKING:
    from .checklist import Checklist
    from .models import SituationGuidePage

RESULT = "wynik"
PDF = "wynik.pdf"
# The general help everyone gets (and all that an empty checklist gives): helplines by number.
GENERAL_HELPLINES = ("112", "800 190 590", "800 70 2222", "116 123", "116 111")


@dataclass(frozen=True)
class OptionChoice:
    key: str
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionForm:
    """A question as the form shows it: radio buttons, checkboxes (several answers) or a drop-down list."""

    key: str
    text: str
    help: str
    multiple: bool
    options: tuple[OptionChoice, ...]
    as_select: bool  # where the reader lives: the counties in a drop-down list


    @property
    def answered(self) -> bool:
        return any(option.checked for option in self.options)


@dataclass(frozen=True)
class GivenAnswer:
    question: str
    answers: tuple[str, ...]


def answers_query(questions: list[Any], answers: dict[str, tuple[str, ...]]) -> str:
    """The answers as a query string in the order of the questions and their options (one URL per
    combination, whatever order the browser or the reader wrote them in)."""
    pairs = [(q.key, key) for q in questions for key, _label in q.options if key in answers.get(q.key, ())]
    return urlencode(pairs)


def question_forms(questions: list[Any], answers: dict[str, tuple[str, ...]]) -> list[QuestionForm]:
    return [
        QuestionForm(key=q.key, text=str(q.text), help=str(q.help or ""), multiple=bool(q.multiple),
                     options=tuple(OptionChoice(str(key), str(label), key in answers.get(q.key, ()))
                                   for key, label in q.options),
                     as_select=q.kind == QuestionKind.PLACE and not q.multiple)
        for q in questions
    ]


def given_answers(questions: list[Any], answers: dict[str, tuple[str, ...]]) -> list[GivenAnswer]:
    """What the reader answered, in their words (the labels), for the checklist's "Your answers"."""
    given = []
    for q in questions:
        chosen = answers.get(q.key, ())
        labels = tuple(str(label) for key, label in q.options if key in chosen)
        if labels:
            given.append(GivenAnswer(str(q.text), labels))
    return given


def general_helplines() -> list[Any]:
    by_number = {n.number: n for n in EMERGENCY_NUMBERS}
    return [by_number[number] for number in GENERAL_HELPLINES if number in by_number]


def private(response: HttpResponseBase, answers: bool = True) -> HttpResponseBase:
    """Headers that keep the answers in the reader's browser (see the module's docstring)."""
    response["Referrer-Policy"] = "no-referrer"
    if answers:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response._csp_replace = {"img-src": [SELF, "data:"]}  # type: ignore[attr-defined]
    return response


def page_language(guide: SituationGuidePage) -> str:
    return str(guide.locale.language_code) if guide.locale_id else (translation.get_language()
                                                                      or settings.LANGUAGE_CODE)


def serve(guide: SituationGuidePage, request: HttpRequest, view: str = "") -> HttpResponseBase:
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return response
    questions = engine.questions(guide)
    answers = engine.parse(guide, request.GET)
    if view in (RESULT, PDF) and not answers:
        return private(HttpResponseRedirect(guide.get_url(request) or guide.url or "/"), answers=False)
    if view == PDF:
        return pdf_response(guide, request, questions, answers)
    if view == RESULT:
        return result_response(guide, request, questions, answers)
    return form_response(guide, request, questions, answers)


def base_context(guide: SituationGuidePage, request: HttpRequest, questions: list[Any],
                 answers: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    context = guide.get_context(request)
    page_url = guide.get_url(request) or guide.url or ""
    query = answers_query(questions, answers)
    # The language switcher carries the known answers only (core.templatetags.otwarta.with_query).
    request.language_switch_query = query  # type: ignore[attr-defined]
    context.update({
        "guide": guide,
        "guide_url": page_url,
        "result_action": page_url + RESULT + "/",
        "query": query,
        "result_url": page_url + RESULT + "/" + ("?" + query if query else ""),
        "change_url": page_url + ("?" + query if query else ""),
        "pdf_url": page_url + PDF + ("?" + query if query else ""),
    })
    return context


def form_response(guide: SituationGuidePage, request: HttpRequest, questions: list[Any],
                  answers: dict[str, tuple[str, ...]]) -> HttpResponseBase:
    context = base_context(guide, request, questions, answers)
    context["questions"] = question_forms(questions, answers)
    response = TemplateResponse(request, guide.get_template(request), context)
    return private(response, answers=bool(request.GET))


def checklist_context(guide: SituationGuidePage, request: HttpRequest, questions: list[Any],
                      answers: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    checklist: Checklist = engine.evaluate(guide, answers, page_language(guide), request=request)
    context = base_context(guide, request, questions, answers)
    context.update({
        "checklist": checklist,
        "given_answers": given_answers(questions, answers),
        # (reading, the name of its language when it is not the page's: "Polski") for the lang marks and notes
        "readings": [(r, spoken_language_name(r.language) if r.language != page_language(guide) else "")
                     for r in checklist.readings],
        "helplines": general_helplines(),
        "language": page_language(guide),
        "now": timezone.localtime(),
    })
    return context


def result_response(guide: SituationGuidePage, request: HttpRequest, questions: list[Any],
                    answers: dict[str, tuple[str, ...]]) -> HttpResponseBase:
    context = checklist_context(guide, request, questions, answers)
    return private(TemplateResponse(request, "guide/result.html", context))


def pdf_response(guide: SituationGuidePage, request: HttpRequest, questions: list[Any],
                 answers: dict[str, tuple[str, ...]]) -> HttpResponseBase:
    from .pdf import render_checklist_pdf

    context = checklist_context(guide, request, questions, answers)
    data = render_checklist_pdf(context)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{guide.slug}-{page_language(guide)}.pdf"'
    response["Content-Length"] = str(len(data))
    return private(response)


def serve_pdf_path(request: HttpRequest, path: str) -> HttpResponseBase:
    """``<page path>/wynik.pdf``: Wagtail's own serving (site, locale, routing, privacy of the page), for a
    URL that Wagtail's pattern does not take (it has a dot). Pages other than a guide answer 404."""
    from wagtail.views import serve as wagtail_serve

    return wagtail_serve(request, path + PDF)
