"""The glossary (per language pair) and the monthly character budget per institution."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from .conf import default_monthly_characters


def language_choices(blank_label: str | Promise | None = None) -> list[tuple[str, str | Promise]]:
    choices: list[tuple[str, str | Promise]] = [(code, f"{name} ({code})") for code, name in settings.LANGUAGES]
    return [("", blank_label), *choices] if blank_label is not None else choices


class GlossaryTerm(index.Indexed, models.Model):
    """A term of one source language that machine translation must not translate (``translation`` blank:
    protected, e.g. PESEL, NFZ, names of institutions) or must translate in a fixed way
    ('karta pobytu' → 'residence card')."""

    source_lang = models.CharField(_("source language"), max_length=12, default="pl")
    target_lang = models.CharField(
        _("target language"), max_length=12, blank=True,
        help_text=_("Leave empty for a protected term that stays as it is in every language."),
    )
    term = models.CharField(_("term"), max_length=255)
    other_forms = models.TextField(
        _("other forms"), blank=True,
        help_text=_("Inflected forms of the term, one per line (e.g. 'karty pobytu', 'kartę pobytu')."),
    )
    translation = models.CharField(
        _("fixed translation"), max_length=255, blank=True,
        help_text=_("Leave empty to keep the term as it is (a protected term)."),
    )
    case_sensitive = models.BooleanField(_("case-sensitive"), default=False)
    note = models.TextField(_("note"), blank=True)

    panels = [
        FieldPanel("source_lang", widget=forms.Select(choices=language_choices())),
        FieldPanel("target_lang", widget=forms.Select(choices=language_choices(_("All languages")))),
        FieldPanel("term"),
        FieldPanel("other_forms"),
        FieldPanel("translation"),
        FieldPanel("case_sensitive"),
        FieldPanel("note"),
    ]
    search_fields = [index.SearchField("term"), index.SearchField("translation"), index.AutocompleteField("term")]

    class Meta:
        ordering = ["source_lang", "target_lang", "term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        constraints = [
            models.UniqueConstraint(fields=["source_lang", "target_lang", "term"], name="mt_glossary_unique_term"),
        ]

    def __str__(self) -> str:
        if self.translation:
            return f"{self.term} → {self.translation} ({self.source_lang}→{self.target_lang})"
        return f"{self.term} ({self.source_lang}→{self.target_lang or '*'})"

    @property
    def is_protected(self) -> bool:
        return not self.translation

    def forms(self) -> list[str]:
        """The term and its other forms, without blanks or repeats."""
        seen: list[str] = []
        for form in [self.term, *self.other_forms.splitlines()]:
            form = form.strip()
            if form and form not in seen:
                seen.append(form)
        return seen

    def clean(self) -> None:
        super().clean()
        codes = {code for code, _name in settings.LANGUAGES}
        errors: dict[str, str] = {}
        if self.source_lang not in codes:
            errors["source_lang"] = str(_("Choose one of the portal's languages."))
        if self.target_lang and self.target_lang not in codes:
            errors["target_lang"] = str(_("Choose one of the portal's languages."))
        if self.target_lang and self.target_lang == self.source_lang:
            errors["target_lang"] = str(_("The target language must differ from the source language."))
        if self.translation and not self.target_lang:
            errors["target_lang"] = str(_("A fixed translation belongs to one target language: choose it."))
        self.term = self.term.strip()
        self.translation = self.translation.strip()
        if errors:
            raise ValidationError(errors)


class MachineTranslationBudget(models.Model):
    """An institution's monthly allowance of machine-translated characters (the default applies to
    institutions without one)."""

    institution = models.OneToOneField(
        "institutions.Institution", on_delete=models.CASCADE, related_name="machine_translation_budget",
        verbose_name=_("institution"),
    )
    monthly_characters = models.PositiveIntegerField(
        _("characters per month"), default=default_monthly_characters, validators=[MinValueValidator(0)],
        help_text=_("Characters of source text that may be machine-translated each calendar month. 0 turns "
                    "machine translation off for this institution."),
    )

    panels = [FieldPanel("institution"), FieldPanel("monthly_characters")]

    class Meta:
        ordering = ["institution__name"]
        verbose_name = _("machine translation budget")
        verbose_name_plural = _("machine translation budgets")

    def __str__(self) -> str:
        return f"{self.institution}: {self.monthly_characters}"


class CharacterUsage(models.Model):
    """Characters of source text an institution sent to machine translation in one calendar month."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="+", verbose_name=_("institution")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    characters = models.PositiveBigIntegerField(_("characters"), default=0)

    class Meta:
        ordering = ["-month", "institution__name"]
        verbose_name = _("character usage")
        verbose_name_plural = _("character usage")
        constraints = [
            models.UniqueConstraint(fields=["institution", "month"], name="mt_usage_one_row_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.month:%Y-%m}: {self.characters}"


class BulkTranslationJob(models.Model):
    """Machine translation of a page and the pages below it into some locales, run by the task queue.

    Progress is counted in (page, locale) pairs: ``done`` (translated, or already up to date), ``failed``
    (an error, listed in ``errors``), ``skipped`` (a translation written by hand, or a page the requester may
    not edit; listed too)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")
        STOPPED = "stopped", _("Stopped")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    root_page = models.ForeignKey(
        "wagtailcore.Page", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("page")
    )
    root_title = models.CharField(_("page title"), max_length=255)
    locales = models.JSONField(_("languages"), default=list)
    include_drafts = models.BooleanField(_("include pages not published yet"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("requested by"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    stop_requested = models.BooleanField(default=False)
    total = models.PositiveIntegerField(_("translations to make"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bulk machine translation")
        verbose_name_plural = _("bulk machine translations")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.root_title} → {', '.join(self.locales)} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def processed(self) -> int:
        return self.done + self.failed + self.skipped
