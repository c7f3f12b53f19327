"""Forms of the directory's admin: the main snippet forms (ownership limited to the editor's own
institutions) and the forms of the "Details" page (child records edited in inline formsets)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from otwarta.institutions.snippet_admin import limit_institution_field

from .models import (
    WEEKDAYS,
    Address,
    Closure,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    source_locale_id,
)
from .permissions import own_institution_ids

WEEKDAY_LABELS = {
    "MO": _("Monday"), "TU": _("Tuesday"), "WE": _("Wednesday"), "TH": _("Thursday"), "FR": _("Friday"),
    "SA": _("Saturday"), "SU": _("Sunday"),
}
# Fields a translation takes from its Polish record (wagtail-localize synchronises them): shown but not
# editable on a translated row, so the structure cannot drift apart between languages.
STRUCTURE_FIELDS = {
    "institution", "organization", "assured_date", "slug", "status", "email", "tax_id", "legal_status",
    "year_incorporated", "minimum_age", "maximum_age", "free_of_charge", "taxonomy_terms", "service_areas",
    "location_type", "latitude", "longitude", "county", "municipality", "wheelchair_accessible",
    "closed_on_public_holidays", "code", "taxonomy", "parent", "term_uri", "sort_order",
}


class DirectoryRecordForm(WagtailAdminModelForm):
    """The main form of an organisation, a service or a location: an institution's editor chooses among
    their own institutions and their organisations only; regional administrators among all. On a
    translation, the structure is shown read-only (it is edited on the Polish record)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_institution_field(self)
        ids = own_institution_ids(self.for_user) if self.for_user is not None else None
        organization_field: Any = self.fields.get("organization")
        if organization_field is not None:
            organizations = Organization.objects.filter(locale_id=source_locale_id())
            if ids is not None:
                organizations = organizations.filter(institution_id__in=ids)
            organization_field.queryset = organizations.select_related("institution")
        terms_field: Any = self.fields.get("taxonomy_terms")
        if terms_field is not None:
            terms_field.queryset = TaxonomyTerm.objects.filter(locale_id=source_locale_id()).select_related(
                "taxonomy")
            terms_field.widget = forms.CheckboxSelectMultiple(choices=terms_field.choices)
        if self.instance.pk and self.instance.locale_id and self.instance.locale_id != source_locale_id():
            for name, field in self.fields.items():
                if name in STRUCTURE_FIELDS:
                    field.disabled = True
                    field.help_text = _("Set on the Polish record; translations take it from there.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organization = cleaned.get("organization")
        institution = cleaned.get("institution")
        if organization is not None and institution is not None and organization.institution_id != institution.pk:
            self.add_error("organization", _("Choose an organisation maintained by the same institution."))
        return cleaned

    def save(self, commit: bool = True) -> Any:
        record = super().save(commit=False)
        if "assured_date" in self.changed_data and self.for_user is not None:
            record.assurer_email = getattr(self.for_user, "email", "") or ""
        if commit:
            record.save()
            self.save_m2m()
        return record


# --- the "Details" page -----------------------------------------------------------------------------
class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


WIDGETS: dict[str, Any] = {
    "opens_at": TimeInput(), "closes_at": TimeInput(), "valid_from": DateInput(), "valid_to": DateInput(),
    "starts_on": DateInput(), "ends_on": DateInput(),
}


class ScheduleForm(forms.ModelForm):
    """Opening hours: the days are ticked (stored as RFC 5545 codes, "MO,TU")."""

    byday = forms.MultipleChoiceField(
        label=_("days"), choices=[(code, WEEKDAY_LABELS[code]) for code in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Schedule
        fields = ["byday", "opens_at", "closes_at", "valid_from", "valid_to", "attending_type", "description"]
        widgets = WIDGETS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "byday" not in self.data:
            self.initial["byday"] = self.instance.days

    def clean_byday(self) -> str:
        days = self.cleaned_data.get("byday") or []
        return ",".join(code for code in WEEKDAYS if code in days)


class ServiceAtLocationFormSet(BaseInlineFormSet):
    """Locations served: the places of the service's own organisation."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        field: Any = form.fields.get("location")
        if field is not None:
            field.queryset = Location.objects.filter(
                organization_id=self.instance.organization_id, locale_id=source_locale_id())


class Section:
    """One formset of the Details page: a kind of child record of one parent model."""

    def __init__(self, prefix: str, title: Any, model: type[models.Model], fk_name: str, fields: list[str],
                 form: type[forms.ModelForm] = forms.ModelForm, formset: type[BaseInlineFormSet] = BaseInlineFormSet,
                 help_text: Any = "") -> None:
        self.prefix = prefix
        self.title = title
        self.model = model
        self.fk_name = fk_name
        self.fields = fields
        self.form = form
        self.formset = formset
        self.help_text = help_text

    def formset_class(self, parent: type[models.Model]) -> type[BaseInlineFormSet]:
        return inlineformset_factory(
            parent, self.model, form=self.form, formset=self.formset, fk_name=self.fk_name,
            # A copy: Django appends the foreign key's name to the form's Meta.fields list in place.
            fields=list(self.fields), widgets=WIDGETS, extra=1, can_delete=True,
        )


SCHEDULE_FIELDS = ["byday", "opens_at", "closes_at", "valid_from", "valid_to", "attending_type", "description"]
CLOSURE_FIELDS = ["starts_on", "ends_on", "opens_at", "closes_at", "reason"]
PHONE_FIELDS = ["number", "extension", "type", "description"]
LANGUAGE_FIELDS = ["code", "note"]
CONTACT_FIELDS = ["name", "title", "department", "email"]
ADDRESS_FIELDS = ["address_1", "address_2", "attention", "postal_code", "city", "region", "state_province",
                  "country", "address_type"]
HOURS_HELP = _("Local time in Poland. Several rows give several intervals a day.")
CLOSURE_HELP = _("Holidays, renovation, shortened hours. Leave both times empty when it is closed all day.")
LANGUAGE_HELP = _("ISO 639 codes, for example uk, ru, en, be, ka, de.")


def _sections(fk: str) -> dict[str, Section]:
    return {
        "schedules": Section("schedules", _("Opening hours"), Schedule, fk, SCHEDULE_FIELDS, form=ScheduleForm,
                             help_text=HOURS_HELP),
        "closures": Section("closures", _("Closures and changed hours"), Closure, fk, CLOSURE_FIELDS,
                            help_text=CLOSURE_HELP),
        "phones": Section("phones", _("Phones"), Phone, fk, PHONE_FIELDS),
        "languages": Section("languages", _("Languages spoken"), Language, fk, LANGUAGE_FIELDS,
                             help_text=LANGUAGE_HELP),
        "contacts": Section("contacts", _("Contacts"), Contact, fk, CONTACT_FIELDS),
    }


def sections_for(model: type[models.Model]) -> list[Section]:
    """The formsets of the Details page of ``model`` (a Service, Location or Organization)."""
    if model is Service:
        common = _sections("service")
        return [
            Section("locations", _("Locations where it is provided"), ServiceAtLocation, "service",
                    ["location", "description"], formset=ServiceAtLocationFormSet,
                    help_text=_("Places of the same organisation. Add a new place under Locations first.")),
            common["schedules"], common["closures"], common["phones"], common["languages"], common["contacts"],
        ]
    if model is Location:
        common = _sections("location")
        return [
            Section("addresses", _("Addresses"), Address, "location", ADDRESS_FIELDS),
            common["schedules"], common["closures"], common["phones"], common["languages"],
        ]
    if model is Organization:
        common = _sections("organization")
        return [common["phones"], common["contacts"]]
    raise LookupError(model)


class VersionForm(forms.Form):
    """The version of the record the editor started from (its modification time)."""

    version = forms.CharField(widget=forms.HiddenInput)


def version_of(record: Any) -> str:
    return str(record.last_modified.isoformat()) if record.last_modified else ""


def today() -> Any:
    return timezone.localdate()
