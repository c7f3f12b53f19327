"""Health pathways: an article whose main part is ordered steps, each saying what to do, where (services from
the directory), which documents, what it costs and what language help exists; steps can apply only in some
situations of the reader (insured or not, PESEL UKR or a residence card, a child or an adult, ...).

``PathwayPage`` is an ``ArticlePage`` (multi-table inheritance): ownership by an institution, moderation,
review dates, translation status, search, topic listings and print packs treat it as an article. Its
``body`` holds the introduction ("before you start"); ``situations`` the questions its steps branch on
(keys shared with the situation guide, see ``otwarta.core.situations``); ``steps`` the steps.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from otwarta.core.situations import ConditionBlock, KeyBlock, OptionBlock
from otwarta.directory.blocks import ServiceCardBlock
from otwarta.portal.blocks import RICH_TEXT_FEATURES
from otwarta.portal.models import ArticlePage
from otwarta.registers.models import RegisterKind


class PathwayGroup(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    PREGNANCY = "pregnancy", _("Pregnant women and new mothers")
    CHILDREN = "children", _("Children and young people")
    SENIORS = "seniors", _("Older people")
    DISABILITY = "disability", _("People with disabilities")
    TRAUMA = "trauma", _("People who went through trauma")


class SituationQuestionBlock(blocks.StructBlock):
    key = KeyBlock(label=_("Question key"),
                   help_text=_("The same in every language; use the situation guide's key for the same "
                               "question (for example: insurance), so that the guide's answers carry over."))
    question = blocks.CharBlock(label=_("Question"), max_length=200)
    options = blocks.ListBlock(OptionBlock(), label=_("Answers"), min_num=2)

    class Meta:
        icon = "help"
        label = _("Question about the reader's situation")


class PathwayStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("What to do"), max_length=200)
    text = blocks.RichTextBlock(label=_("How"), features=RICH_TEXT_FEATURES)
    services = blocks.ListBlock(ServiceCardBlock(), label=_("Where (services from the directory)"),
                                required=False, default=[])
    documents = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("Documents to take"),
                                 required=False, default=[])
    cost = blocks.TextBlock(label=_("What it costs"), required=False,
                            help_text=_("For example: free with health insurance (NFZ); otherwise about ..."))
    language_help = blocks.MultipleChoiceBlock(
        label=_("Language help available"), choices=RegisterKind.choices, required=False,
        help_text=_("Links to the registers and to the request form are shown with the step."),
    )
    language_note = blocks.TextBlock(label=_("Note on language help"), required=False)
    applies_when = blocks.ListBlock(
        ConditionBlock(), label=_("Only in these situations"), required=False, default=[],
        help_text=_("Leave empty for a step everyone takes. Several conditions must all hold."),
    )
    urgent = blocks.BooleanBlock(label=_("Urgent (shown first, highlighted)"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class PathwayPage(ArticlePage):
    group = models.CharField(_("for whom"), max_length=16, choices=PathwayGroup.choices,
                             default=PathwayGroup.EVERYONE)
    situations = StreamField([("question", SituationQuestionBlock())], blank=True,
                             verbose_name=_("questions about the reader's situation"))
    steps = StreamField([("step", PathwayStepBlock())], verbose_name=_("steps"))

    content_panels = [
        *ArticlePage.content_panels[:3],  # title, summary, topic
        FieldPanel("group"),
        FieldPanel("body", heading=_("Before you start")),
        FieldPanel("situations"),
        FieldPanel("steps"),
        *ArticlePage.content_panels[4:],
    ]
    search_fields = [*ArticlePage.search_fields, index.SearchField("steps")]
    template = "pathways/pathway_page.html"
    parent_page_types = ["portal.InstitutionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("health pathway")
        verbose_name_plural = _("health pathways")

    # Methods only (the reader's view and the editor's checks live in services.py).
    def clean(self) -> None:
        """The article's checks, and conditions that name only this page's own question and answer keys."""
        from .services import pathway_problems

        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        problems = pathway_problems(self.situations, self.steps)
        if problems:
            errors.update(problems.validation_error().error_dict)
        if errors:
            raise ValidationError(errors)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .services import form_questions, reader_answers, situation_questions, visible_steps

        context = super().get_context(request, *args, **kwargs)
        questions = situation_questions(self)
        answers = reader_answers(self, request.GET)
        # The language switcher carries the known answers only (core.templatetags.otwarta.with_query).
        request.language_switch_query = urlencode(  # type: ignore[attr-defined]
            [(key, value) for key, values in answers.items() for value in values])
        steps = visible_steps(self, answers, questions)
        context.update(
            pathway_questions=form_questions(questions, answers), answers=answers, steps=steps,
            steps_total=len(self.steps), steps_hidden=len(self.steps) - len(steps),
            has_conditional_steps=any(step.conditional for step in steps),
        )
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Without a query string the page is the same for everyone (cacheable); with one it shows a
        reader's answers: private, not stored, its address not sent on as a referrer."""
        from .services import private_response_headers

        response = super().serve(request, *args, **kwargs)
        if request.GET:
            private_response_headers(response)
        return response
