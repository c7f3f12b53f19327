"""Print packs: curated PDFs (welcome pack, topic brochures, children's edition, packs for groups at risk).

A pack is a translatable snippet. Its Polish (source) row holds the structure: the ordered ``items`` (pages,
sections of pages, directory services, institutions' contacts, registers' hotlines). Translations of the pack
hold only its own texts (title, subtitle, introduction); each language's PDF takes every item's content from
that language's version of the page or record, and names the parts that fall back to another language.

``PackFile`` is one generated PDF: one pack × language × format, cached by the hash of its content.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from otwarta.institutions.models import Institution

INTRODUCTION_FEATURES = ["h2", "bold", "italic", "ol", "ul", "link"]


class PackType(models.TextChoices):
    WELCOME = "welcome", _("Welcome pack")
    TOPIC = "topic", _("Topic brochure")
    CHILDREN = "children", _("Children's edition")
    GROUP = "group", _("Pack for a group at risk of exclusion")


class PackFormat(models.TextChoices):
    A4 = "a4", _("A4, for printing at home")
    A5_BOOKLET = "a5-booklet", _("A5 booklet, for print shops")


class ItemKind(models.TextChoices):
    PAGE = "page", _("Whole page")
    SECTION = "section", _("Section of a page")
    SERVICE = "service", _("Service from the directory")
    INSTITUTION = "institution", _("Contact details of an institution")
    REGISTER = "register", _("Hotlines of a register (interpreters, assistants, mediators)")


class PrintPack(TranslatableMixin, ClusterableModel):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="print_packs", verbose_name=_("institution"),
        help_text=_("The institution that maintains this pack; its editors can change it."),
    )
    pack_type = models.CharField(_("type"), max_length=16, choices=PackType.choices, default=PackType.TOPIC)
    slug = models.SlugField(
        _("short name in addresses"), max_length=80,
        help_text=_("Used in the address of the PDF files, the same in every language."),
    )
    title = models.CharField(_("title"), max_length=160)
    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    introduction = RichTextField(_("introduction"), features=INTRODUCTION_FEATURES, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("cover image"),
    )
    listed = models.BooleanField(
        _("listed in the print section"), default=True,
        help_text=_("Unlisted packs are still generated, for example for a single institution."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("subtitle"),
        TranslatableField("introduction"),
        SynchronizedField("institution", overridable=False),
        SynchronizedField("pack_type", overridable=False),
        SynchronizedField("slug", overridable=False),
        SynchronizedField("cover_image"),
        SynchronizedField("listed", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("print pack")
        verbose_name_plural = _("print packs")
        ordering = ["pack_type", "title"]
        constraints = [models.UniqueConstraint(fields=["slug", "locale"], name="printing_pack_slug_locale")]

    def __str__(self) -> str:
        return self.title

    def source_pack(self) -> PrintPack:
        """The row in the source (Polish) locale, which holds the items; ``self`` when it is that row."""
        source_code = settings.LANGUAGE_CODE
        if self.locale.language_code == source_code:
            return self
        found = PrintPack.objects.filter(translation_key=self.translation_key,
                                         locale__language_code=source_code).first()
        return found or self

    def in_language(self, language: str) -> PrintPack | None:
        """This pack's row in ``language``, or None when the pack is not translated into it."""
        return PrintPack.objects.filter(translation_key=self.translation_key,
                                        locale__language_code=language).select_related("locale").first()

    @classmethod
    def sources(cls) -> models.QuerySet[PrintPack]:
        return cls.objects.filter(locale=Locale.get_default())


class PackItem(Orderable):
    """One part of a pack, in order. Only the source pack's items count (see the module docstring)."""

    pack = ParentalKey(PrintPack, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("what"), max_length=16, choices=ItemKind.choices, default=ItemKind.PAGE)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("page"),
    )
    section_heading = models.CharField(
        _("section heading"), max_length=255, blank=True,
        help_text=_("For a section: its heading on the Polish page, as it is written there. The section runs "
                    "to the next heading of the same level."),
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("service"),
    )
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("institution"),
    )
    register = models.ForeignKey(
        "registers.Register", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("register"),
    )
    reference_label = models.CharField(
        max_length=255, blank=True, editable=False,
        help_text="What the item referred to when it was saved, so that a deleted page can still be named.",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("part of the pack")
        verbose_name_plural = _("parts of the pack")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reference_label}"

    def target(self) -> Any:
        targets: dict[str, Any] = {
            ItemKind.PAGE: self.page, ItemKind.SECTION: self.page, ItemKind.SERVICE: self.service,
            ItemKind.INSTITUTION: self.institution, ItemKind.REGISTER: self.register,
        }
        return targets.get(self.kind)

    def save(self, *args: Any, **kwargs: Any) -> None:
        target = self.target()
        if target is not None:
            label = str(getattr(target, "title", None) or target)
            if self.kind == ItemKind.SECTION and self.section_heading:
                label = f"{label} › {self.section_heading}"
            self.reference_label = label[:255]
        super().save(*args, **kwargs)


class FileStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be generated")
    RENDERING = "rendering", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PackFile(models.Model):
    """The PDF of one pack in one language and format. The file of the last successful generation stays
    available while a new one is queued or rendering, and after a failure."""

    pack = models.ForeignKey(PrintPack, on_delete=models.CASCADE, related_name="files")  # the source row
    language = models.CharField(_("language"), max_length=12)
    format = models.CharField(_("format"), max_length=16, choices=PackFormat.choices)
    status = models.CharField(_("state"), max_length=12, choices=FileStatus.choices, default=FileStatus.QUEUED)
    content_hash = models.CharField(max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to="print/", blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    valid_as_of = models.DateField(null=True, blank=True)
    fallbacks = models.JSONField(default=list, blank=True)  # [{"part": str, "language": code}, ...]
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("print file")
        verbose_name_plural = _("print files")
        constraints = [models.UniqueConstraint(fields=["pack", "language", "format"],
                                               name="printing_file_pack_language_format")]

    def __str__(self) -> str:
        return f"{self.pack} [{self.language}, {self.format}]"

    @property
    def available(self) -> bool:
        return bool(self.file) and self.size_bytes > 0
