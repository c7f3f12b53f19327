"""The filter form of a register's public page (GET, works without JavaScript)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from otwarta.institutions.models import Area, AreaKind

from .models import LanguagePair, Person, Register, Specialisation, WorkMode
from .presentation import language_name

ANY = ("", _("Any"))


class PeopleFilterForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    specialisation = forms.ChoiceField(label=_("Specialisation"), required=False,
                                       choices=[ANY, *Specialisation.choices])
    mode = forms.ChoiceField(label=_("How"), required=False, choices=[
        ANY, (WorkMode.REMOTE, _("Remotely (phone or video)")), (WorkMode.ON_SITE, _("On site")),
    ])
    county = forms.ModelChoiceField(label=_("County (for work on site)"), required=False,
                                    queryset=Area.objects.none(), empty_label=str(ANY[1]))
    sworn = forms.BooleanField(label=_("Sworn translators only"), required=False)

    def __init__(self, *args: Any, register: Register, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register = register
        codes = set()
        for source, target in LanguagePair.objects.filter(person__in=self.public_people()).values_list(
                "source", "target"):
            codes.update({source, target})
        codes.discard("pl")
        choices = sorted(((code, language_name(code)) for code in codes), key=lambda c: c[1].lower())
        self.fields["language"].choices = [ANY, *choices]  # type: ignore[attr-defined]
        self.fields["county"].queryset = (  # type: ignore[attr-defined]
            Area.objects.filter(kind__in=[AreaKind.COUNTY, AreaKind.CITY_COUNTY]).order_by("name"))
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"f-{name}")

    def public_people(self) -> QuerySet[Person]:
        return Person.objects.public().filter(register=self.register)

    def people(self) -> tuple[list[Person], str | None]:
        """The public people matching the valid filters (invalid values are ignored), and the language."""
        data = self.cleaned_data if self.is_valid() else {}
        qs = self.public_people()
        language = data.get("language") or None
        if language:
            qs = qs.filter(Q(language_pairs__source=language) | Q(language_pairs__target=language))
        if data.get("sworn"):
            qs = qs.filter(sworn_translator=True)
        mode = data.get("mode")
        if mode == WorkMode.REMOTE:
            qs = qs.filter(work_mode__in=[WorkMode.REMOTE, WorkMode.BOTH])
        elif mode == WorkMode.ON_SITE or data.get("county"):
            qs = qs.filter(work_mode__in=[WorkMode.ON_SITE, WorkMode.BOTH])
        county = data.get("county")
        if county is not None:
            qs = qs.filter(Q(areas__isnull=True) | Q(areas=county) | Q(areas__parent=county))
        people = list(qs.distinct().order_by("display_name").prefetch_related("language_pairs", "areas"))
        specialisation = data.get("specialisation")
        if specialisation:  # a JSON list: filtered here (SQLite has no JSON "contains")
            people = [p for p in people if specialisation in (p.specialisations or [])]
        return people, language
