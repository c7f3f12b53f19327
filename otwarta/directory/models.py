"""The service directory, following Open Referral HSDS 3.1 (see docs/directory.md).

Translatable records (organisations, services, locations, taxonomy terms) are wagtail-localize snippets:
one row per locale sharing a ``translation_key``. The Polish row is the *source*: it holds the structure
(ownership, coordinates, schedules, phones, languages, taxonomy) and the Polish text; a row in another
locale holds only the texts in that language (everything else is synchronised from the source by
wagtail-localize). Child records (addresses, phones, schedules, closures, languages, contacts,
service-at-location) always point to the *source* row. The HSDS id of a translatable record is its
``translation_key``, the same in every language; child records have their own UUID.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Locale, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from otwarta.institutions.models import Area, Institution


# --- choices ---------------------------------------------------------------------------------------
class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Temporarily unavailable")
    DEFUNCT = "defunct", _("No longer provided")


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Place you can visit")
    POSTAL = "postal", _("Postal address only")
    VIRTUAL = "virtual", _("Online or by phone only")


class PhoneType(models.TextChoices):
    VOICE = "voice", _("Phone")
    CELL = "cell", _("Mobile phone")
    TEXT = "text", _("Text messages")
    FAX = "fax", _("Fax")
    VIDEO = "video", _("Video call")
    TEXTPHONE = "textphone", _("Textphone")


class AttendingType(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("Online")


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545 BYDAY codes, index = date.weekday()


class AccessibilityFeature(models.TextChoices):
    STEP_FREE = "step_free", _("Step-free entrance")
    LIFT = "lift", _("Lift")
    ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    SIGN_LANGUAGE = "sign_language", _("Polish Sign Language interpreter")
    PARKING = "parking", _("Parking for disabled people")
    OTHER = "other", _("Other")


# --- translatable text blocks (HSDS lists whose text must be translated) -----------------------------
class RequiredDocumentBlock(blocks.StructBlock):
    document = blocks.CharBlock(label=_("document"), max_length=255)
    uri = blocks.URLBlock(label=_("where to get it (address)"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("required document")


class CostOptionBlock(blocks.StructBlock):
    option = blocks.CharBlock(label=_("what is paid for"), max_length=255)
    amount = blocks.DecimalBlock(label=_("amount"), required=False, min_value=0, decimal_places=2)
    currency = blocks.CharBlock(label=_("currency"), max_length=3, default="PLN", required=False)
    amount_description = blocks.CharBlock(label=_("amount in words"), max_length=255, required=False)

    class Meta:
        icon = "tag"
        label = _("fee")


class AccessibilityBlock(blocks.StructBlock):
    feature = blocks.ChoiceBlock(choices=AccessibilityFeature.choices, label=_("feature"))
    details = blocks.CharBlock(label=_("details"), max_length=255, required=False)
    url = blocks.URLBlock(label=_("more information (address)"), required=False)

    class Meta:
        icon = "user"
        label = _("accessibility")


# --- translatable records ----------------------------------------------------------------------------
class DirectoryRecord(TranslatableMixin, index.Indexed, models.Model):
    """What organisations, services and locations share: the owning institution (which maintains the
    record), the date the record was last confirmed ("assured on") and the modification time."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("maintained by"),
        help_text=_("The institution that keeps this record up to date."),
    )
    assured_date = models.DateField(
        _("information confirmed on"), default=timezone.localdate,
        help_text=_("The day someone last checked that this information is correct."),
    )
    assurer_email = models.EmailField(_("confirmed by (e-mail)"), blank=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True, db_index=True)

    class Meta(TranslatableMixin.Meta):
        abstract = True

    @property
    def hsds_id(self) -> str:
        return str(self.translation_key)

    @property
    def is_source(self) -> bool:
        return self.locale_id == source_locale_id()

    def source(self) -> Any:
        """The Polish row: it holds the structure every translation shares."""
        if self.is_source:
            return self
        return type(self).objects.get(translation_key=self.translation_key, locale_id=source_locale_id())

    def clean(self) -> None:
        super().clean()
        if self.assured_date and self.assured_date > timezone.localdate():
            raise ValidationError({"assured_date": _("The date cannot be in the future.")})


_SOURCE_LOCALE: dict[str, int] = {}


def source_locale_id() -> int:
    """The id of the Polish locale (cached per process; created by the core migrations)."""
    code = settings.LANGUAGE_CODE
    if code not in _SOURCE_LOCALE:
        _SOURCE_LOCALE[code] = Locale.objects.get(language_code=code).pk
    return _SOURCE_LOCALE[code]


class Organization(DirectoryRecord):
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("other name or abbreviation"), max_length=255, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    legal_status = models.CharField(_("legal status"), max_length=120, blank=True)
    tax_id = models.CharField(_("tax identification number (NIP)"), max_length=20, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1000), MaxValueValidator(2100)]
    )

    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("alternate_name"),
        TranslatableField("description"),
        SynchronizedField("institution", overridable=False),
        SynchronizedField("assured_date", overridable=False),
        SynchronizedField("assurer_email", overridable=False),
        SynchronizedField("email", overridable=False),
        SynchronizedField("website"),
        SynchronizedField("legal_status", overridable=False),
        SynchronizedField("tax_id", overridable=False),
        SynchronizedField("year_incorporated", overridable=False),
    ]
    search_fields = [
        index.SearchField("name"), index.SearchField("alternate_name"), index.SearchField("description"),
        index.AutocompleteField("name"), index.FilterField("locale_id"), index.FilterField("institution_id"),
    ]

    class Meta(DirectoryRecord.Meta):
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        renamed = self.pk is not None and not type(self).objects.filter(pk=self.pk, name=self.name).exists()
        super().save(*args, **kwargs)
        if renamed:  # the services' search documents include the organisation's name in their language
            from .search_document import refresh_documents

            source = self.source()
            refresh_documents(Service.objects.filter(organization=source, locale_id=self.locale_id))


class Taxonomy(models.Model):
    """A vocabulary of service categories (ours: "otwarta", plus any imported one)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("address of the vocabulary"), blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(TranslatableMixin, models.Model):
    """A category of services ("Health", "Interpreting", …); translatable so filters read in every
    language. ``parent`` and ``taxonomy`` are set on the source row and synchronised."""

    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms",
                                 verbose_name=_("taxonomy"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
                               verbose_name=_("broader term"))
    term_uri = models.URLField(_("address of the term"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("description"),
        SynchronizedField("code", overridable=False),
        SynchronizedField("taxonomy", overridable=False),
        SynchronizedField("parent", overridable=False),
        SynchronizedField("term_uri", overridable=False),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        constraints = [
            models.UniqueConstraint(fields=["locale", "taxonomy", "code"], name="directory_term_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hsds_id(self) -> str:
        return str(self.translation_key)


class Service(DirectoryRecord):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services",
                                     verbose_name=_("organisation"))
    slug = models.SlugField(_("slug"), max_length=100,
                            help_text=_("The end of the service's address, the same in every language."))
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("other name"), max_length=255, blank=True)
    description = models.TextField(_("what the service offers"))
    url = models.URLField(_("web page of the service"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ServiceStatus.choices,
                              default=ServiceStatus.ACTIVE)
    alert = models.CharField(_("important notice"), max_length=500, blank=True,
                             help_text=_("A temporary notice shown at the top, e.g. a change of address."))
    interpretation_services = models.TextField(_("interpreting available"), blank=True,
                                               help_text=_("How a visitor who does not speak Polish is helped."))
    application_process = models.TextField(_("how to use the service"), blank=True)
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    wait_time = models.CharField(_("typical waiting time"), max_length=255, blank=True)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    fees_description = models.TextField(_("fees"), blank=True)
    cost_options = StreamField([("cost", CostOptionBlock())], blank=True, verbose_name=_("fees in detail"))
    required_documents = StreamField([("document", RequiredDocumentBlock())], blank=True,
                                     verbose_name=_("documents to bring"))
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services",
                                            verbose_name=_("categories"))
    service_areas = models.ManyToManyField(Area, blank=True, related_name="directory_services",
                                           verbose_name=_("areas served"),
                                           help_text=_("Leave empty when the service is for the whole region."))
    # Folded words and stems of the texts, in the row's language: the directory's text search (see
    # search_document.py). Computed on save; never edited.
    search_document = models.TextField(editable=False, blank=True, default="")

    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("alternate_name"),
        TranslatableField("description"),
        TranslatableField("alert"),
        TranslatableField("interpretation_services"),
        TranslatableField("application_process"),
        TranslatableField("eligibility_description"),
        TranslatableField("wait_time"),
        TranslatableField("fees_description"),
        TranslatableField("cost_options"),
        TranslatableField("required_documents"),
        SynchronizedField("organization", overridable=False),
        SynchronizedField("slug", overridable=False),
        SynchronizedField("institution", overridable=False),
        SynchronizedField("assured_date", overridable=False),
        SynchronizedField("assurer_email", overridable=False),
        SynchronizedField("url"),
        SynchronizedField("email", overridable=False),
        SynchronizedField("status", overridable=False),
        SynchronizedField("minimum_age", overridable=False),
        SynchronizedField("maximum_age", overridable=False),
        SynchronizedField("free_of_charge", overridable=False),
    ]
    search_fields = [
        index.SearchField("name"), index.SearchField("alternate_name"), index.SearchField("description"),
        index.SearchField("eligibility_description"), index.SearchField("interpretation_services"),
        index.AutocompleteField("name"),
        index.FilterField("locale_id"), index.FilterField("institution_id"), index.FilterField("status"),
    ]

    class Meta(DirectoryRecord.Meta):
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="directory_service_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .search_document import organization_name_for, service_document

        self.search_document = service_document(self, organization_name_for(self))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_document" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_document"]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.minimum_age is not None and self.maximum_age is not None and self.minimum_age > self.maximum_age:
            raise ValidationError({"maximum_age": _("The maximum age cannot be lower than the minimum age.")})


class Location(DirectoryRecord):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="locations",
                                     verbose_name=_("organisation"))
    location_type = models.CharField(_("type"), max_length=16, choices=LocationType.choices,
                                     default=LocationType.PHYSICAL)
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("other name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    county = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    municipality = models.CharField(_("municipality (gmina)"), max_length=120, blank=True, db_index=True)
    wheelchair_accessible = models.BooleanField(
        _("accessible to wheelchair users"), default=False,
        help_text=_("Tick only when the entrance and the rooms used by visitors are step-free."),
    )
    accessibility = StreamField([("accessibility", AccessibilityBlock())], blank=True,
                                verbose_name=_("accessibility in detail"))
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)

    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("alternate_name"),
        TranslatableField("description"),
        TranslatableField("transportation"),
        TranslatableField("accessibility"),
        SynchronizedField("organization", overridable=False),
        SynchronizedField("institution", overridable=False),
        SynchronizedField("assured_date", overridable=False),
        SynchronizedField("assurer_email", overridable=False),
        SynchronizedField("location_type", overridable=False),
        SynchronizedField("latitude", overridable=False),
        SynchronizedField("longitude", overridable=False),
        SynchronizedField("county", overridable=False),
        SynchronizedField("municipality", overridable=False),
        SynchronizedField("wheelchair_accessible", overridable=False),
        SynchronizedField("closed_on_public_holidays", overridable=False),
    ]
    search_fields = [
        index.SearchField("name"), index.SearchField("description"), index.AutocompleteField("name"),
        index.FilterField("locale_id"), index.FilterField("institution_id"),
    ]

    class Meta(DirectoryRecord.Meta):
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))


# --- child records (always attached to source rows) --------------------------------------------------
class ChildRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True

    @property
    def hsds_id(self) -> str:
        return str(self.id)


class ServiceAtLocation(ChildRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations",
                                verbose_name=_("service"))
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations",
                                 verbose_name=_("location"))
    description = models.TextField(_("what is different at this place"), blank=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="directory_sal_unique")]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Address(ChildRecord):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses",
                                 verbose_name=_("location"))
    attention = models.CharField(_("for the attention of"), max_length=255, blank=True)
    address_1 = models.CharField(_("street and number"), max_length=255)
    address_2 = models.CharField(_("further details (floor, room)"), max_length=255, blank=True)
    city = models.CharField(_("town"), max_length=120)
    region = models.CharField(_("county"), max_length=120, blank=True)
    state_province = models.CharField(_("voivodeship"), max_length=120, default="małopolskie")
    postal_code = models.CharField(_("postcode"), max_length=10)
    country = models.CharField(_("country (ISO code)"), max_length=2, default="PL")
    address_type = models.CharField(_("type"), max_length=16, choices=LocationType.choices,
                                    default=LocationType.PHYSICAL)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.address_1}, {self.postal_code} {self.city}"


class Contact(ChildRecord):
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="contacts")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="contacts")
    name = models.CharField(_("name"), max_length=255, blank=True)
    title = models.CharField(_("job title"), max_length=255, blank=True)
    department = models.CharField(_("department"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or self.department or self.email


class Phone(ChildRecord):
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="phones")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=40)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=PhoneType.choices, default=PhoneType.VOICE)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number

    @property
    def tel(self) -> str:
        return "tel:" + "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


class Language(ChildRecord):
    """A language spoken by staff: of a service, at a location or on a phone line (HSDS "language")."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="languages")
    phone = models.ForeignKey(Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language (ISO 639 code)"), max_length=8, db_index=True)
    note = models.CharField(_("note"), max_length=255, blank=True,
                            help_text=_("For example: on Tuesdays only, or: a doctor speaks it."))

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(service__isnull=False) | models.Q(location__isnull=False)
                           | models.Q(phone__isnull=False)),
                name="directory_language_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code = self.code.strip().lower()  # filters compare codes exactly (and use the index)
        super().save(*args, **kwargs)


class Schedule(ChildRecord):
    """Regular opening hours: one row is one interval on one or more weekdays (several rows give several
    intervals a day), optionally valid between two dates. Times are local time in Poland."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="schedules")
    service_at_location = models.ForeignKey(ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE,
                                            related_name="schedules")
    byday = models.CharField(_("days"), max_length=40,
                             help_text=_("Comma-separated: MO,TU,WE,TH,FR,SA,SU."))
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    attending_type = models.CharField(_("how"), max_length=16, choices=AttendingType.choices,
                                      default=AttendingType.IN_PERSON)
    description = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["opens_at"]

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def days(self) -> list[str]:
        return [d.strip().upper() for d in self.byday.split(",") if d.strip()]

    def clean(self) -> None:
        super().clean()
        unknown = [d for d in self.days if d not in WEEKDAYS]
        if unknown or not self.days:
            raise ValidationError({"byday": _("Use the codes MO, TU, WE, TH, FR, SA, SU separated by commas.")})
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
        if not (self.service_id or self.location_id or self.service_at_location_id):
            raise ValidationError(_("Opening hours belong to a service, a location or a service at a location."))


class Closure(ChildRecord):
    """An exceptional closure (or shortened hours) of a location or a service between two dates, in
    addition to the public holidays (see ``Location.closed_on_public_holidays``)."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="closures")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    opens_at = models.TimeField(_("opens at (shortened hours)"), null=True, blank=True,
                                help_text=_("Leave both times empty when it is closed all day."))
    closes_at = models.TimeField(_("closes at (shortened hours)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("closure or changed hours")
        verbose_name_plural = _("closures and changed hours")
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on} {self.reason}"

    @property
    def closed_all_day(self) -> bool:
        return self.opens_at is None

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
        if (self.opens_at is None) != (self.closes_at is None):
            raise ValidationError(_("Give both times for shortened hours, or neither for a full-day closure."))
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})
        if not (self.service_id or self.location_id):
            raise ValidationError(_("A closure belongs to a service or a location."))
