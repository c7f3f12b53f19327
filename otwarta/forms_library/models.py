"""The library of official forms: a translatable snippet, one row per locale sharing a translation_key.

The Polish row is the source: the official name, the official PDF and the Polish description. A row in
another locale holds the name, summary and field-by-field explanations in that language and, optionally,
a translated or bilingual PDF (see docs/official-forms.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from otwarta.institutions.models import Institution
from otwarta.search.indexing import stems_of_page

from .blocks import FormFieldsBlock


class OfficialFormAdminForm(WagtailAdminModelForm):
    """Institution editors choose among their own institutions only (and so cannot save a form for
    another one); regional administrators choose among all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from otwarta.institutions.services import own_institution_ids

        field = self.fields.get("institution")
        if field is None or self.for_user is None:
            return
        ids = own_institution_ids(self.for_user)
        if ids is None:
            return
        field.queryset = Institution.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        if len(ids) == 1 and not self.instance.pk:
            field.initial = next(iter(ids))


class OfficialForm(TranslatableMixin, index.Indexed, models.Model):
    title = models.CharField(
        _("name of the form"), max_length=255,
        help_text=_("In Polish: the official name as printed on the form. In a translation: the name in that "
                    "language."),
    )
    slug = models.SlugField(
        _("slug"), max_length=80,
        help_text=_("The end of the form's address in the library, for example wniosek-pesel. The same in "
                    "every language."),
    )
    code = models.CharField(
        _("form symbol or number"), max_length=80, blank=True,
        help_text=_("Only when the form has an official symbol or number. Leave empty rather than guess."),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="official_forms", verbose_name=_("institution"),
        help_text=_("The institution that issues the form and answers questions about it."),
    )
    source_url = models.URLField(
        _("official page of the form"), max_length=500,
        help_text=_("The page of the issuing authority where the current form is published."),
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("PDF file"),
        help_text=_("In Polish: the official form. In a translation: a translated or bilingual version, "
                    "if there is one."),
    )
    summary = models.TextField(_("what the form is for"), max_length=600)
    fields = StreamField(FormFieldsBlock(), blank=True, verbose_name=_("field-by-field explanations"))
    last_checked_at = models.DateField(_("form last checked on"), default=timezone.localdate)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    base_form_class = OfficialFormAdminForm
    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("slug"), FieldPanel("code")]),
        FieldPanel("institution"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("document"), FieldPanel("source_url"), FieldPanel("last_checked_at")],
                        heading=_("The form itself")),
        FieldPanel("fields"),
    ]
    # What wagtail-localize offers for translation (see docs/official-forms.md): the texts; the rest is
    # copied from the Polish row. A translation may replace the PDF and the official page (a translated
    # or bilingual version); it keeps the institution, slug, symbol and check date of the source.
    translatable_fields = [
        TranslatableField("title"),
        SynchronizedField("slug", overridable=False),
        SynchronizedField("code", overridable=False),
        SynchronizedField("institution", overridable=False),
        SynchronizedField("source_url"),
        SynchronizedField("document"),
        TranslatableField("summary"),
        TranslatableField("fields"),
        SynchronizedField("last_checked_at", overridable=False),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("code"),
        index.SearchField("summary"),
        index.SearchField("fields"),
        index.SearchField("search_stems"),
        index.AutocompleteField("title"),
        index.FilterField("locale_id"),
        index.FilterField("institution_id"),
    ]
    search_stems = stems_of_page  # inflected forms for search, in the row's language (otwarta.search.indexing)

    class Meta(TranslatableMixin.Meta):
        ordering = ["title"]
        verbose_name = _("official form")
        verbose_name_plural = _("official forms")
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="forms_library_slug_unique_per_locale"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        is_source = self.locale_id is None or self.locale.language_code == settings.LANGUAGE_CODE
        if is_source and not self.document_id:
            raise ValidationError({"document": _("Add the official Polish PDF of the form.")})

    def get_url(self, language_code: str | None = None) -> str:
        """The form's page in the library, in ``language_code`` (default: the active language)."""
        with translation.override(language_code or translation.get_language() or settings.LANGUAGE_CODE):
            return reverse("forms_library:detail", kwargs={"slug": self.slug})

    get_absolute_url = get_url
