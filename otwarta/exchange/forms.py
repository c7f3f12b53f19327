"""Forms of the "Translation exchange" admin view."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page

from otwarta.core.languages import language_name

from .operations import Format
from .services import MAX_UPLOAD_BYTES, Scope, may_export_locale, sections_for_user, source_locale, target_locales


def locale_choices() -> list[tuple[str, str]]:
    return [(locale.language_code, f"{language_name(locale.language_code)} ({locale.language_code})")
            for locale in target_locales()]


class ExportForm(forms.Form):
    scope = forms.ChoiceField(label=_("What to export"), widget=forms.RadioSelect)
    page = forms.ModelChoiceField(queryset=Page.objects.none(), required=False, label=_("Page"),
                                  widget=AdminPageChooser(can_choose_root=False))
    section = forms.ModelChoiceField(queryset=Page.objects.none(), required=False, label=_("Institution section"),
                                     empty_label=_("Choose a section"))
    locale = forms.ChoiceField(label=_("Translate into"))
    format = forms.ChoiceField(label=_("File format"), choices=Format.choices, initial=Format.XLIFF,
                               widget=forms.RadioSelect,
                               help_text=_("XLIFF 1.2 for translation agencies' tools (CAT tools); PO for "
                                           "gettext tools such as Poedit. PO files of several pages come in "
                                           "a zip file."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        scopes = [(Scope.PAGE.value, Scope.PAGE.label), (Scope.SECTION.value, Scope.SECTION.label)]
        if may_export_locale(user):
            scopes.append((Scope.LOCALE.value, Scope.LOCALE.label))
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes
        cast(forms.ModelChoiceField, self.fields["page"]).queryset = Page.objects.filter(
            locale=source_locale(), depth__gt=1)
        section = cast(forms.ModelChoiceField, self.fields["section"])
        section.queryset = Page.objects.filter(pk__in=[page.pk for page in sections_for_user(user)]).order_by("title")
        cast(forms.ChoiceField, self.fields["locale"]).choices = locale_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == Scope.PAGE and not data.get("page"):
            self.add_error("page", _("Choose the page to export."))
        if scope == Scope.SECTION and not data.get("section"):
            self.add_error("section", _("Choose the institution section to export."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Translated file"),
        help_text=_("An XLIFF file (.xlf, .xliff), a PO file (.po) or a zip file of PO files, as exported "
                    "here and filled in by the translators."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlf,.xliff,.xml,.po,.zip"}),
    )
    locale = forms.ChoiceField(label=_("Language of the translation"))
    publish = forms.BooleanField(
        label=_("Publish the translated pages right away"), required=False,
        help_text=_("Without this, each translated page is saved as a draft for you to review and publish "
                    "(or send for moderation)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["locale"]).choices = locale_choices()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)d MB.")
                                        % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload
