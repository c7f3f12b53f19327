"""Forms of the directory's "Import / export" admin view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from otwarta.institutions.models import Institution
from otwarta.institutions.services import institutions_for_user

from .tabular import is_regional
from .tabular.formats import max_upload_bytes

FORMAT_CHOICES = [("csv", _("HSDS tabular data: a ZIP of CSV files")), ("xlsx", _("Excel workbook (XLSX)"))]


def _institutions(user: Any) -> Any:
    if is_regional(user):
        return Institution.objects.all()
    return Institution.objects.filter(pk__in=[i.pk for i in institutions_for_user(user)])


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="csv", widget=forms.RadioSelect)
    institution = forms.ModelChoiceField(label=_("Records of"), queryset=Institution.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field: Any = self.fields["institution"]
        field.queryset = _institutions(user)
        if is_regional(user):
            field.required = False
            field.empty_label = _("All institutions")
        else:
            field.empty_label = None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A ZIP of HSDS CSV files (as exported here), a single CSV file named after its table, or an "
                    "XLSX workbook. At most 20 MB and 50,000 rows."),
        validators=[FileExtensionValidator(["zip", "csv", "xlsx"])],
    )
    institution = forms.ModelChoiceField(
        label=_("Institution of new organisations"), queryset=Institution.objects.none(), required=False,
        help_text=_("New organisations whose row names no institution (column otwarta_institution) are "
                    "maintained by this institution."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field: Any = self.fields["institution"]
        field.queryset = _institutions(user)
        if not is_regional(user):
            field.empty_label = None
            field.required = True
            if field.queryset.count() == 1:
                field.widget = forms.HiddenInput()
                field.initial = field.queryset.get().pk

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(_("The file is larger than %(size)s.") % {
                "size": filesizeformat(max_upload_bytes())})
        return upload
