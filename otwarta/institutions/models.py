"""Institutions that publish on the portal, and the areas of Małopolska that content can apply to."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index


class InstitutionKind(models.TextChoices):
    VOIVODE_OFFICE = "voivode_office", _("Voivode's office")
    REGIONAL_GOVERNMENT = "regional_government", _("Regional government")
    LABOUR_OFFICE = "labour_office", _("Labour office")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare centre")
    HEALTH_FUND = "health_fund", _("Health fund")
    CLINIC = "clinic", _("Clinic or hospital")
    SCHOOL = "school", _("School or education office")
    NGO = "ngo", _("Non-governmental organisation")
    INTERNATIONAL = "international", _("International organisation")
    MUNICIPALITY = "municipality", _("Municipality or county office")
    OTHER = "other", _("Other public institution")


class Institution(index.Indexed, models.Model):
    """An organisation that owns pages. Editors and moderators are Django groups created for it.

    The official name is kept in Polish: it is what readers see on the building and in letters.
    """

    name = models.CharField(_("official name"), max_length=255, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    address = models.TextField(_("address"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    editors_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    moderators_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    workflow = models.ForeignKey(
        "wagtailcore.Workflow", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("slug"), FieldPanel("kind")],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [FieldPanel("website"), FieldPanel("email"), FieldPanel("phone"), FieldPanel("address"),
             FieldPanel("opening_hours")],
            heading=_("Contact"),
        ),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("short_name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.name

    def member_groups(self) -> list[Group]:
        return [g for g in (self.editors_group, self.moderators_group) if g is not None]


class AreaKind(models.TextChoices):
    REGION = "region", _("Region")
    COUNTY = "county", _("County")
    CITY_COUNTY = "city_county", _("City with county rights")
    MUNICIPALITY = "municipality", _("Municipality")


class Area(models.Model):
    """The region, its counties (powiaty) and municipalities (gminy), identified by TERYT codes."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    teryt = models.CharField(_("TERYT code"), max_length=7, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("teryt"), FieldPanel("parent")]

    class Meta:
        ordering = ["teryt"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        if self.kind == AreaKind.COUNTY:
            return gettext("%(name)s county") % {"name": self.name}
        return self.name
