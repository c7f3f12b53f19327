"""Pages of the information portal.

Tree (one per locale, Polish is the source)::

    HomePage
    ├── TopicPage …                 (regional administrators)
    └── InstitutionIndexPage
        └── InstitutionPage …       (root of one institution's subtree: its editors' rights start here)
            └── ArticlePage …       (topic, audiences, residence situations, areas, review dates)

Articles live under their institution so that Wagtail's own page permissions and per-subtree workflows
enforce "editors change only their institution's pages"; topic pages list the articles of every
institution that are filed under that topic.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.url_routing import RouteResult

from otwarta.core.languages import in_private_section
from otwarta.institutions.models import Area, Institution
from otwarta.readability.panels import ReadabilityPanel
from otwarta.search.indexing import stems_of_page
from otwarta.translations.forms import TranslatablePageForm
from otwarta.translations.models import MinorChangeMixin
from otwarta.translations.panels import TranslationStatusPanel

from .blocks import ArticleBodyBlock


class TaxonomyTerm(models.Model):
    """A fixed vocabulary term. ``name`` is an English msgid translated by the interface catalogue, so
    the seeded terms read correctly in every interface language; a term an administrator adds shows its
    name as typed until the catalogue gains it."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [FieldPanel("slug"), FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return gettext(self.name)


class Audience(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class ResidenceSituation(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("residence situation")
        verbose_name_plural = _("residence situations")


class ViewRestrictionsInOneQuery:
    """Wagtail checks the view restrictions of a page on every view of it with two queries (its
    ancestors, then their restrictions). This asks the same question in one: the restrictions of the
    page and its ancestors, an alias standing for the page it is an alias of (as in
    ``Page.get_view_restrictions``)."""

    path: str
    steplen: int

    def get_view_restrictions(self) -> models.QuerySet[PageViewRestriction]:
        lineage = Page.objects.filter(
            path__in=[self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        )
        return PageViewRestriction.objects.filter(
            Q(page__in=lineage.filter(alias_of__isnull=True).values("pk"))
            | Q(page__in=lineage.filter(alias_of__isnull=False).values("alias_of"))
        )


# Every page type: the "minor change" box and the status of the page's translations (otwarta.translations)
# at the end of the content tab.
MINOR_CHANGE_PANEL = MultiFieldPanel([FieldPanel("minor_change"), TranslationStatusPanel()],
                                     heading=_("Translations"))


class HomePage(ViewRestrictionsInOneQuery, MinorChangeMixin, Page):
    base_form_class = TranslatablePageForm
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), MINOR_CHANGE_PANEL]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.TopicPage", "portal.InstitutionIndexPage", "guide.SituationGuidePage"]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["topics"] = TopicPage.objects.child_of(self).live().exclude(in_private_section()).order_by("path")
        return context

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        """Find the page at a URL below this home page with two queries (the page's type, then the page
        with what its template needs, ``route_select_related``) instead of Wagtail's two per level of
        the tree. When no page has that URL path, Wagtail's own walk decides (a 404, or a page type
        that routes the rest of the path itself)."""
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            found = (
                Page.objects.filter(url_path=url_path, path__startswith=self.path)
                .values_list("pk", "content_type_id").first()
            )
            model = ContentType.objects.get_for_id(found[1]).model_class() if found else None
            if found and model is not None and issubclass(model, Page):
                pages = model._default_manager.all()
                if related := getattr(model, "route_select_related", ()):  # (no fields would mean all)
                    pages = pages.select_related(*related)
                page: Page = pages.get(pk=found[0])
                return page.route(request, [])
        return super().route(request, path_components)


TOPIC_ICONS = [
    ("stay", _("Legal stay")), ("id", _("Documents and PESEL")), ("work", _("Work")), ("job", _("Job search")),
    ("business", _("Business")), ("health", _("Health")), ("emergency", _("Emergency")), ("school", _("School")),
    ("language", _("Language")), ("home", _("Housing")), ("money", _("Benefits")), ("family", _("Family")),
    ("culture", _("Culture")), ("help", _("Help")),
]


class TopicPage(ViewRestrictionsInOneQuery, MinorChangeMixin, Page):
    base_form_class = TranslatablePageForm
    intro = models.TextField(_("introduction"), blank=True)
    icon = models.CharField(_("pictogram"), max_length=20, choices=TOPIC_ICONS, default="help")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("icon"), MINOR_CHANGE_PANEL]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("search_stems")]
    search_stems = stems_of_page  # inflected forms for search (otwarta.search.indexing)

    class Meta:
        verbose_name = _("topic")

    def articles(self) -> models.QuerySet[ArticlePage]:
        return (
            ArticlePage.objects.live().exclude(in_private_section()).filter(topic=self, locale_id=self.locale_id)
            .select_related("institution").order_by("title")
        )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = self.articles()
        return context


class InstitutionIndexPage(ViewRestrictionsInOneQuery, MinorChangeMixin, Page):
    base_form_class = TranslatablePageForm
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), MINOR_CHANGE_PANEL]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.InstitutionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("list of institutions")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["institution_pages"] = (
            InstitutionPage.objects.child_of(self).live().exclude(in_private_section())
            .select_related("institution").order_by("title")
        )
        return context


class InstitutionPage(ViewRestrictionsInOneQuery, MinorChangeMixin, Page):
    """An institution's own section. Its editors' and moderators' page permissions are granted here."""

    base_form_class = TranslatablePageForm
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="pages",
                                    verbose_name=_("institution"))
    intro = models.TextField(_("what the institution does for immigrants"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("institution", permission="institutions.change_institution"),
        FieldPanel("intro"),
        MINOR_CHANGE_PANEL,
    ]
    parent_page_types = ["portal.InstitutionIndexPage"]
    subpage_types = ["portal.ArticlePage", "pathways.PathwayPage"]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("search_stems")]
    search_stems = stems_of_page  # inflected forms for search (otwarta.search.indexing)
    route_select_related = ("institution",)  # read with the page when it is served (HomePage.route)

    class Meta:
        verbose_name = _("institution section")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = ArticlePage.objects.child_of(self).live().exclude(in_private_section()).order_by("title")
        return context


def normalised_body(body: Any) -> Any:
    """The body in Wagtail's current storage format. Lists assigned as plain JSON (the demo loader, imports)
    keep the old format of bare values, whose items wagtail-localize does not offer for translation (nor
    machine translation, nor XLIFF/PO); binding every block and storing it again gives each list item its
    ``{"type": "item", "value": …, "id": …}`` form."""
    block = ArticlePage.body.field.stream_block  # type: ignore[attr-defined]
    raw = body.get_prep_value() if hasattr(body, "get_prep_value") else body
    if isinstance(raw, str):
        raw = json.loads(raw) if raw else []
    value = block.to_python(raw or [])
    for _child in value:  # bind every block: unbound ones are stored again as they came
        pass
    return block.to_python(value.get_prep_value())


class ReviewState(models.TextChoices):
    CURRENT = "current", _("Current")
    DUE_SOON = "due_soon", _("Review due soon")
    OVERDUE = "overdue", _("Review overdue")
    STALE = "stale", _("Possibly out of date")


class ArticlePage(ViewRestrictionsInOneQuery, MinorChangeMixin, Page):
    base_form_class = TranslatablePageForm
    summary = models.TextField(_("summary"), max_length=400,
                               help_text=_("One or two plain sentences: what the reader learns here."))
    topic = models.ForeignKey(TopicPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("topic"))
    body = StreamField(ArticleBodyBlock(), verbose_name=_("content"))
    audiences = ParentalManyToManyField(Audience, blank=True, verbose_name=_("audiences"))
    residence_situations = ParentalManyToManyField(ResidenceSituation, blank=True,
                                                   verbose_name=_("residence situations"))
    areas = ParentalManyToManyField(Area, blank=True, verbose_name=_("areas"),
                                    help_text=_("Leave empty when the page applies to the whole region."))
    # Derived from the ancestor InstitutionPage on save: ownership is structural, never typed in.
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="articles", editable=False, verbose_name=_("institution"))
    last_reviewed_at = models.DateField(_("content last checked on"), default=timezone.localdate)
    review_interval_days = models.PositiveIntegerField(
        _("check again every (days)"), default=settings.OTWARTA_DEFAULT_REVIEW_INTERVAL_DAYS,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("topic"),
        FieldPanel("body"),
        ReadabilityPanel(),
        MultiFieldPanel(
            [FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
             FieldPanel("residence_situations",
                        widget=forms.CheckboxSelectMultiple),
             FieldPanel("areas")],
            heading=_("Who and where this applies to"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("last_reviewed_at"), FieldPanel("review_interval_days")])],
            heading=_("Keeping the page current"),
        ),
        MINOR_CHANGE_PANEL,
    ]
    parent_page_types = ["portal.InstitutionPage"]
    subpage_types: list[str] = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("search_stems"),
        index.FilterField("locale_id"),
        index.FilterField("topic_id"),
        index.FilterField("institution_id"),
    ]
    search_stems = stems_of_page  # inflected forms for search (otwarta.search.indexing)
    route_select_related = ("topic", "institution")  # read with the page when it is served (HomePage.route)

    class Meta:
        verbose_name = _("article")

    # --- ownership -------------------------------------------------------------------------------
    def owning_institution_page(self) -> InstitutionPage | None:
        parent = self.get_parent() if self.pk or self.path else None
        while parent is not None:
            specific = parent.specific
            if isinstance(specific, InstitutionPage):
                return specific
            parent = parent.get_parent()
        return None

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        self._sync_institution()
        super().full_clean(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.review_interval_days is not None and not 7 <= self.review_interval_days <= 730:
            raise ValidationError({"review_interval_days": _("Choose between 7 and 730 days.")})
        if self.last_reviewed_at and self.last_reviewed_at > timezone.localdate():
            raise ValidationError({"last_reviewed_at": _("The date of the last check cannot be in the future.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._sync_institution()
        self.body = normalised_body(self.body)
        super().save(*args, **kwargs)

    def _sync_institution(self) -> None:
        if self.path:
            owner = self.owning_institution_page()
            if owner is not None:
                self.institution_id = owner.institution_id

    # --- staying current -------------------------------------------------------------------------
    @property
    def review_due_on(self) -> dt.date:
        return self.last_reviewed_at + dt.timedelta(days=self.review_interval_days)

    def review_state(self, today: dt.date | None = None) -> ReviewState:
        today = today or timezone.localdate()
        due = self.review_due_on
        if today > due + dt.timedelta(days=settings.OTWARTA_REVIEW_GRACE_DAYS):
            return ReviewState.STALE
        if today > due:
            return ReviewState.OVERDUE
        if today >= due - dt.timedelta(days=settings.OTWARTA_REVIEW_DUE_SOON_DAYS):
            return ReviewState.DUE_SOON
        return ReviewState.CURRENT

    @cached_property
    def is_stale_for_readers(self) -> bool:
        return self.review_state() == ReviewState.STALE

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["topic_page"] = self.topic
        if getattr(request, "is_preview", False):  # the edited, unsaved choices live on the page object
            context.update(audiences=[str(t) for t in self.audiences.all()],
                           situations=[str(t) for t in self.residence_situations.all()],
                           areas=[str(a) for a in self.areas.all()])
        else:
            context.update(self.reader_labels())
        return context

    def reader_labels(self) -> dict[str, list[str]]:
        """Whom and where the page applies to, as the reader reads it: ``audiences``, ``situations`` and
        ``areas`` (each in its vocabulary's order), read with one UNION query instead of one per relation."""
        text, number = models.CharField(), models.IntegerField()
        branches: list[models.QuerySet[Any, Any]] = [
            model.objects.filter(articlepage=self).order_by().values_list(
                Value(group, output_field=text), "name", "sort_order", "slug", Value("", output_field=text)
            )
            for group, model in (("audiences", Audience), ("situations", ResidenceSituation))
        ]
        branches.append(
            Area.objects.filter(articlepage=self).order_by().values_list(
                Value("areas", output_field=text), "name", Value(0, output_field=number), "teryt", "kind"
            )
        )
        labels: dict[str, list[str]] = {"audiences": [], "situations": [], "areas": []}
        rows: Iterable[Any] = branches[0].union(*branches[1:], all=True) if self.pk else []
        for group, name, _order, _key, kind in sorted(rows, key=lambda row: (row[2], row[3])):
            # unsaved instances: their __str__ translates a term or names a county as everywhere else
            term = Area(name=name, kind=kind) if group == "areas" else Audience(name=name)
            labels[group].append(str(term))
        return labels
