"""The public request form, with its spam defences (a honeypot field and a signed timestamp), and the
coordinator's action form in the admin."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from otwarta.institutions.models import Area, AreaKind
from otwarta.registers.models import Register, Specialisation

from .languages import language_choices
from .models import DURATION_CHOICES, RequesterType

TIMESTAMP_SALT = "otwarta.assistance.form-started"
HONEYPOT = "website"
PHONE_RE = re.compile(r"^\+?[0-9 ()\-./]{7,40}$")
MAX_DAYS_AHEAD = 366


def min_seconds() -> int:
    """A person needs at least this long to fill in the form; faster is a robot."""
    return int(getattr(settings, "OTWARTA_REQUEST_FORM_MIN_SECONDS", 3))


def max_seconds() -> int:
    """A form open longer than this is sent again with a fresh timestamp (replayed forms are refused)."""
    return int(getattr(settings, "OTWARTA_REQUEST_FORM_MAX_SECONDS", 6 * 3600))


def form_timestamp(at: float | None = None) -> str:
    """A signed value recording when the form was shown."""
    return signing.dumps(int(at if at is not None else time.time()), salt=TIMESTAMP_SALT, compress=False)


class RegisterChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Register) -> str:
        return str(obj.get_kind_display())


class RequestForm(forms.Form):
    """Every field the reader fills in. ``spam`` is set when the honeypot or the timestamp refused it."""

    register = RegisterChoiceField(
        label=_("Who do you need?"), queryset=Register.objects.all(), to_field_name="kind",
        widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": _("Choose who you need: an interpreter, an assistant or a mediator.")},
    )
    language = forms.ChoiceField(
        label=_("Language"), help_text=_("The other language is Polish."),
        error_messages={"required": _("Choose the language."),
                        "invalid_choice": _("Choose a language from the list.")},
    )
    specialisation = forms.ChoiceField(label=_("Subject"), required=False)
    description = forms.CharField(
        label=_("What is it about?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences: the situation and what help you need. At most 1000 characters. "
                    "Do not write health details or document numbers."),
        error_messages={"required": _("Describe briefly what it is about.")},
    )
    date = forms.DateField(
        label=_("Date"), input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example 2026-03-25 or 25.03.2026."),
        error_messages={"required": _("Give the date."),
                        "invalid": _("Write the date as year-month-day, for example 2026-03-25.")},
    )
    time = forms.TimeField(
        label=_("Time"), input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Polish time, for example 14:30."),
        error_messages={"required": _("Give the time."),
                        "invalid": _("Write the time as hours:minutes, for example 14:30.")},
    )
    duration_minutes = forms.TypedChoiceField(label=_("How long will it take?"), coerce=int,
                                              choices=DURATION_CHOICES, initial=60)
    on_site = forms.TypedChoiceField(
        label=_("How?"), coerce=lambda value: value == "on_site", widget=forms.RadioSelect,
        choices=[("remote", _("Remotely (phone or video)")), ("on_site", _("On site"))],
        error_messages={"required": _("Choose remotely or on site.")},
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
                              help_text=_("Only for help on site: street, number, town, and the room if known."))
    county = forms.ModelChoiceField(label=_("County"), required=False, empty_label=_("Choose the county"),
                                    queryset=Area.objects.filter(kind__in=[AreaKind.COUNTY, AreaKind.CITY_COUNTY]),
                                    help_text=_("Only for help on site."))
    requester_type = forms.ChoiceField(
        label=_("Who is asking?"), choices=RequesterType.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Say who is asking.")},
    )
    requester_name = forms.CharField(label=_("Your name"), max_length=120,
                                     widget=forms.TextInput(attrs={"autocomplete": "name"}),
                                     error_messages={"required": _("Give your name.")})
    organisation = forms.CharField(label=_("Institution or company"), max_length=200, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("We send the confirmation and every change here. Give an e-mail address, "
                                         "a phone number, or both."),
                             error_messages={"invalid": _("Check the e-mail address, for example name@example.com.")})
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                            help_text=_("For example +48 600 100 200."))
    message_language = forms.ChoiceField(label=_("Language of our messages to you"))
    consent = forms.BooleanField(
        label=_("I agree that my data from this form is used to handle this request, as described above."),
        error_messages={"required": _("Without your consent we cannot handle the request. Tick the box.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    # Which fields each fieldset holds (the template renders them in this order).
    fieldsets: list[tuple[Any, tuple[str, ...]]] = [
        (_("What you need"), ("register", "language", "specialisation", "description")),
        (_("When"), ("date", "time", "duration_minutes")),
        (_("Where"), ("on_site", "address", "county")),
        (_("Who is asking"), ("requester_type", "requester_name", "organisation")),
        (_("How we contact you"), ("email", "phone", "message_language")),
    ]
    GROUPED = ("register", "on_site", "requester_type")
    # Not required on their own, but in some cases (the hint says when): not marked "optional".
    CONDITIONAL = ("address", "county", "email", "phone")

    def __init__(self, *args: Any, now: dt.datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.spam = False
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("Choose the language")),
                                                                    *language_choices()]
        cast(forms.ChoiceField, self.fields["specialisation"]).choices = [("", _("Other or not sure")),
                                                                          *Specialisation.choices]
        cast(forms.ChoiceField, self.fields["message_language"]).choices = list(settings.LANGUAGES)
        if not self.is_bound:
            self.initial.setdefault("message_language", get_language() or settings.LANGUAGE_CODE)
            self.initial["started"] = form_timestamp()

    # --- accessibility ------------------------------------------------------------------------------
    def anchor(self, name: str) -> str:
        """The id the error summary links to: the first radio of a group, else the field."""
        bound = self[name]
        return f"{bound.auto_id}_0" if name in self.GROUPED else str(bound.auto_id)

    def annotate(self) -> None:
        """aria-describedby (hint and error) and aria-invalid on every field."""
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_hint")
            if self.is_bound and bound.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids and name not in self.GROUPED:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            if field.required and name not in self.GROUPED and name != "consent":
                field.widget.attrs["required"] = True

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in the order of the form."""
        result = [("", str(message)) for message in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                result.append((self.anchor(name), str(message)))
        return result

    def fieldset_list(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    # --- validation -----------------------------------------------------------------------------------
    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data.get("phone", "").split())
        if phone and (not PHONE_RE.match(phone) or sum(ch.isdigit() for ch in phone) < 7):
            raise forms.ValidationError(_("Check the phone number: digits, spaces and + only, for example "
                                          "+48 600 100 200."))
        return phone

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            self.spam = True
            raise forms.ValidationError(_("This field must stay empty. Delete what is in it and send again."))
        return ""

    def clean_started(self) -> str:
        value = self.cleaned_data.get("started", "")
        try:
            started = signing.loads(value, salt=TIMESTAMP_SALT)
        except signing.BadSignature:
            self.spam = True
            raise forms.ValidationError(_("The form could not be checked. Check what you wrote and send it "
                                          "again.")) from None
        age = self.now.timestamp() - started if isinstance(started, int) else -1
        if age > max_seconds():
            self.spam = True
            raise forms.ValidationError(_("The form was open for a long time. Check what you wrote and send it "
                                          "again."))
        if age < min_seconds():
            self.spam = True
            raise forms.ValidationError(_("The form was sent very quickly. Check what you wrote and send it "
                                          "again."))
        return str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors.get("started"):
            # Shown in the summary at the top: the hidden field has no place of its own.
            self.add_error(None, self.errors.pop("started")[0])
        day, at = data.get("date"), data.get("time")
        if day is not None and at is not None:
            starts = timezone.make_aware(dt.datetime.combine(day, at), timezone.get_default_timezone())
            if starts <= self.now:
                self.add_error("date", _("This date and time has passed. Choose a time in the future."))
            elif starts > self.now + dt.timedelta(days=MAX_DAYS_AHEAD):
                self.add_error("date", _("Requests can be made at most a year ahead."))
            else:
                data["starts_at"] = starts
        if data.get("on_site"):
            if not data.get("address"):
                self.add_error("address", _("Give the address where the help is needed."))
            if not data.get("county"):
                self.add_error("county", _("Choose the county where the help is needed."))
        if not data.get("email") and not data.get("phone") and not self.errors.get("email") \
                and not self.errors.get("phone"):
            self.add_error("email", _("Give an e-mail address or a phone number (or both), so we can answer you."))
        return data

    def request_fields(self) -> dict[str, Any]:
        """The cleaned data as AssistanceRequest fields."""
        data = self.cleaned_data
        on_site = bool(data["on_site"])
        return {
            "register": data["register"], "language": data["language"],
            "specialisation": data.get("specialisation") or "", "description": data["description"].strip(),
            "starts_at": data["starts_at"], "duration_minutes": data["duration_minutes"], "on_site": on_site,
            "address": data.get("address", "").strip() if on_site else "",
            "county": data.get("county") if on_site else None,
            "requester_type": data["requester_type"], "requester_name": data["requester_name"].strip(),
            "organisation": data.get("organisation", "").strip(), "email": data.get("email", ""),
            "phone": data.get("phone", ""), "message_language": data["message_language"],
        }


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
