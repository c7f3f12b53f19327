"""Editors' tools for the situation guide, for whoever may edit the guide page: "Try the guide" (any
combination of answers → the checklist, with the rule behind each item) and the "Coverage report"
(combinations that lead to an empty or thin checklist, rules that never fire).

Both read the latest revision of the page (a draft included), so editors can check rules before
publishing them. Mounted under /admin/situation-guide/ (see wagtail_hooks.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import coverage, engine
from .models import QuestionKind, SituationGuidePage

# The patterns (and single examples) a coverage page shows; the counts above them are complete.
SHOWN_PATTERNS = 100


def try_url(page: Any) -> str:
    return reverse("otwarta_guide:try", args=[page.pk])


def coverage_url(page: Any) -> str:
    return reverse("otwarta_guide:coverage", args=[page.pk])


def can_edit_guide(page: Any, user: Any) -> bool:
    return bool(page.permissions_for_user(user).can_edit())


class NotAnEditor(Exception):
    pass


def _guide(request: HttpRequest, page_id: int) -> tuple[SituationGuidePage, SituationGuidePage]:
    """The page and its latest revision; ``NotAnEditor`` for those who cannot edit the page."""
    page = get_object_or_404(SituationGuidePage, pk=page_id)
    if not can_edit_guide(page, request.user):
        raise NotAnEditor
    draft = page.get_latest_revision_as_object()
    return page, draft if isinstance(draft, SituationGuidePage) else page


def forbidden(request: HttpRequest) -> HttpResponse:
    """A plain 403 in the admin's look (Wagtail would turn PermissionDenied into a redirect to the
    dashboard, which hides the refusal from those who follow a shared link)."""
    return TemplateResponse(request, "guide/admin/forbidden.html", {"page_title": _("Situation guide")},
                            status=403)


class AnswersForm(forms.Form):
    """Every question of the guide, every answer optional."""

    def __init__(self, *args: Any, guide: SituationGuidePage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in engine.questions(guide):
            label = question.text or question.key
            if question.multiple:
                self.fields[question.key] = forms.MultipleChoiceField(
                    label=label, help_text=question.help, required=False, choices=question.options,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                widget = forms.Select if question.kind == QuestionKind.PLACE else forms.RadioSelect
                self.fields[question.key] = forms.ChoiceField(
                    label=label, help_text=question.help, required=False,
                    choices=[("", _("Not answered")), *question.options], widget=widget,
                )


def try_guide(request: HttpRequest, page_id: int) -> HttpResponse:
    try:
        page, guide = _guide(request, page_id)
    except NotAnEditor:
        return forbidden(request)
    language = page.locale.language_code
    with translation.override(language):
        form = AnswersForm(request.GET or None, guide=guide)
    answers = engine.parse(guide, request.GET)
    checklist = engine.evaluate(guide, answers, language, request=request)
    query = engine.query_string(answers)
    public_url = page.get_url(request=request) if page.live else ""
    return TemplateResponse(request, "guide/admin/try.html", {
        "page": page,
        "page_title": _("Try the guide"),
        "form": form,
        "language": language,
        "answers": answers,
        "answers_text": coverage.describe(guide, answers, language),
        "checklist": checklist,
        "public_url": f"{public_url}?{query}" if public_url and query else public_url,
        "coverage_url": coverage_url(page),
        "is_draft": page.has_unpublished_changes or not page.live,
    })


def _pattern_rows(guide: SituationGuidePage, patterns: list[coverage.Pattern], language: str,
                  page: Any) -> list[dict[str, Any]]:
    rows = []
    for pattern in patterns[:SHOWN_PATTERNS]:
        example = {key: (states[0],) for key, states in pattern.answers.items() if states[0] is not None}
        query = engine.query_string(example)
        rows.append({
            "text": coverage.describe(guide, pattern.answers, language, alternatives=True),
            "size": pattern.size,
            "count": pattern.count,
            "try_url": try_url(page) + (f"?{query}" if query else ""),
        })
    return rows


def coverage_view(request: HttpRequest, page_id: int) -> HttpResponse:
    try:
        page, guide = _guide(request, page_id)
    except NotAnEditor:
        return forbidden(request)
    language = page.locale.language_code
    report = coverage.coverage_report(guide, language)
    return TemplateResponse(request, "guide/admin/coverage.html", {
        "page": page,
        "page_title": _("Coverage report"),
        "language": language,
        "report": report,
        "empty_rows": _pattern_rows(guide, report.empty_patterns, language, page),
        "thin_rows": _pattern_rows(guide, report.thin_patterns, language, page),
        "more_empty": max(len(report.empty_patterns) - SHOWN_PATTERNS, 0),
        "more_thin": max(len(report.thin_patterns) - SHOWN_PATTERNS, 0),
        "milliseconds": round(report.seconds * 1000),
        "try_url": try_url(page),
        "is_draft": page.has_unpublished_changes or not page.live,
    })


urlpatterns = [
    path("<int:page_id>/try/", try_guide, name="try"),
    path("<int:page_id>/coverage/", coverage_view, name="coverage"),
]
