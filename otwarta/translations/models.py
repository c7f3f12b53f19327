"""What the translation status is computed from (see services.py and docs/translation-status.md).

* :class:`SourceVersion` — when the Polish source of an object last changed in a way that invalidates
  translations (a publish not flagged as a minor change).
* :class:`TranslationRecord` — for one translated object: when it was last brought up to date with the
  source (synced), whether that was by a person or a machine, and whether a reviewer confirmed it.

Both are keyed by (content type, translation_key[, locale]) rather than by object id, so a record survives
the object being deleted and re-created by wagtail-localize. For pages the content type is always
``wagtailcore.Page`` (a page's translations share its translation_key whatever its specific type).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationStatus(models.TextChoices):
    MISSING = "missing", _("Missing")
    IN_PROGRESS = "in_progress", _("In progress")
    MACHINE = "machine", _("Machine-translated, not reviewed")
    TRANSLATED = "translated", _("Translated, not reviewed")
    REVIEWED = "reviewed", _("Reviewed")
    OUTDATED = "outdated", _("Outdated")


# CSS modifier of each state's badge in the admin (static/translations/admin.css).
STATUS_CLASSES: dict[str, str] = {
    TranslationStatus.MISSING: "missing",
    TranslationStatus.IN_PROGRESS: "progress",
    TranslationStatus.MACHINE: "machine",
    TranslationStatus.TRANSLATED: "translated",
    TranslationStatus.REVIEWED: "reviewed",
    TranslationStatus.OUTDATED: "outdated",
}


class Origin(models.TextChoices):
    HUMAN = "human", _("Person")
    MACHINE = "machine", _("Machine translation")


class MinorChangeMixin(models.Model):
    """A check box on the edit form: "this is a minor change". A minor change of a Polish source (a typo,
    formatting) does not make its translations outdated; a minor change of a translation does not count
    as bringing it up to date. The form always starts unticked (see forms.MinorChangeFormMixin)."""

    minor_change = models.BooleanField(
        _("minor change"), default=False,
        help_text=_("Tick for a typo or formatting fix that does not change the meaning. On a Polish page, its "
                    "translations then stay up to date; on a translation, its status stays as it is."),
    )

    class Meta:
        abstract = True


class SourceVersion(models.Model):
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    translation_key = models.UUIDField()
    significant_change_at = models.DateTimeField(_("last significant change"))

    class Meta:
        verbose_name = _("source version")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "translation_key"], name="translations_one_source_version"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.translation_key} @ {self.significant_change_at:%Y-%m-%d %H:%M}"


class TranslationRecord(models.Model):
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    translation_key = models.UUIDField()
    locale = models.ForeignKey("wagtailcore.Locale", on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(_("translated by"), max_length=10, choices=Origin.choices, default=Origin.HUMAN)
    synced_at = models.DateTimeField(_("brought up to date on"), null=True, blank=True)
    synced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("translation record")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "translation_key", "locale"],
                                    name="translations_one_record_per_locale"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.translation_key} [{self.locale_id}] {self.origin}"
