from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class BulkTranslationForm(forms.Form):
    locales = forms.MultipleChoiceField(
        label=_("Languages"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language."),
                        "invalid_choice": _("Machine translation is not available for one of the chosen languages.")},
    )
    include_drafts = forms.BooleanField(
        label=_("Include pages not published yet"), required=False,
        help_text=_("Otherwise only published Polish pages are translated."),
    )

    def __init__(self, *args: Any, locale_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["locales"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = locale_choices
