"""The situation guide: at most eight short questions lead to a personal checklist.

Editors maintain it without code, as one page per language (translated with wagtail-localize like any page):
``questions`` (keys and options, see ``otwarta.core.situations``) and ``rules``: conditions on the answers →
recommendations with a priority (something to do first, a page to read — an article or a health pathway —,
a category of services near where the reader lives, a kind of language help). ``engine.evaluate`` turns
answers into a checklist; answers are never stored (they live in the URL).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from otwarta.core.situations import ConditionBlock, KeyBlock, KeyListBlock, OptionBlock
from otwarta.portal.models import MINOR_CHANGE_PANEL, ViewRestrictionsInOneQuery
from otwarta.registers.models import RegisterKind
from otwarta.translations.models import MinorChangeMixin

MAX_QUESTIONS = 8
# The sub-URLs of a guide page that readers use (views.RESULT, views.PDF).
SUB_URLS = ("wynik", "wynik.pdf")


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("Choose from the answers below")
    PLACE = "place", _("Where the reader lives (the counties of Małopolska, filled in automatically)")


class RecommendationKind(models.TextChoices):
    DO_FIRST = "do", _("Something to do")
    READ = "read", _("A page to read (article or health pathway)")
    SERVICES = "services", _("Services near the reader (a directory category)")
    LANGUAGE_HELP = "language", _("Language help (a register)")


class GuideQuestionBlock(blocks.StructBlock):
    key = KeyBlock(label=_("Question key"), help_text=_("The same in every language, for example: residence."))
    question = blocks.CharBlock(label=_("Question"), max_length=160)
    help_text = blocks.CharBlock(label=_("Hint under the question"), max_length=255, required=False)
    kind = blocks.ChoiceBlock(label=_("Answers"), choices=QuestionKind.choices, default=QuestionKind.CHOICE)
    multiple = blocks.BooleanBlock(label=_("The reader may choose several answers"), required=False)
    options = blocks.ListBlock(OptionBlock(), label=_("Answers"), required=False, default=[])

    class Meta:
        icon = "help"
        label = _("Question")


class RecommendationBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(label=_("What"), choices=RecommendationKind.choices, default=RecommendationKind.DO_FIRST)
    priority = blocks.IntegerBlock(label=_("Priority"), min_value=1, max_value=100, default=50,
                                   help_text=_("1 is the most urgent; the checklist is sorted by it."))
    text = blocks.TextBlock(label=_("Text"), required=False,
                            help_text=_("For something to do: the action, in one or two short sentences. "
                                        "For the others: an optional note."))
    page = blocks.PageChooserBlock(label=_("Page"), required=False,
                                   page_type=["portal.ArticlePage", "pathways.PathwayPage"])
    categories = KeyListBlock(label=_("Directory category codes"), required=False,
                              help_text=_("Codes of service categories, separated by commas."))
    register = blocks.ChoiceBlock(label=_("Register"), choices=RegisterKind.choices, required=False)

    class Meta:
        icon = "tick"
        label = _("Recommendation")


class GuideRuleBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name (for editors)"), max_length=120)
    when = blocks.ListBlock(ConditionBlock(), label=_("When all of these hold"), required=False, default=[],
                            help_text=_("Leave empty for recommendations everyone gets."))
    recommendations = blocks.ListBlock(RecommendationBlock(), label=_("Recommend"), min_num=1)

    class Meta:
        icon = "cogs"
        label = _("Rule")


class SituationGuidePage(ViewRestrictionsInOneQuery, MinorChangeMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)
    questions = StreamField([("question", GuideQuestionBlock())], verbose_name=_("questions"),
                            max_num=MAX_QUESTIONS)
    rules = StreamField([("rule", GuideRuleBlock())], verbose_name=_("rules"), blank=True)
    thin_below = models.PositiveSmallIntegerField(
        _("a checklist is thin below"), default=3,
        help_text=_("The coverage report lists answer combinations whose checklist has fewer items."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("questions"), FieldPanel("rules"),
                      FieldPanel("thin_below"), MINOR_CHANGE_PANEL]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "guide/guide_page.html"

    class Meta:
        verbose_name = _("situation guide")

    def clean(self) -> None:
        super().clean()
        keys = [block.value["key"] for block in self.questions]
        if len(keys) != len(set(keys)):
            raise ValidationError({"questions": _("Each question needs its own key.")})

    # --- readers (otwarta.guide.views): the form here, the checklist at wynik/, its PDF at wynik.pdf --------
    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        if len(path_components) == 1 and path_components[0] in SUB_URLS:
            if not self.live:
                raise Http404
            return RouteResult(self, kwargs={"view": path_components[0]})
        return super().route(request, path_components)

    def serve(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        from otwarta.guide import views

        return views.serve(self, request, view=str(kwargs.get("view") or ""))
