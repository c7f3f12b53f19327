"""The form that creates (assigns) a translation task."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser
from wagtail.models import Locale, Page

from otwarta.translations.registry import tracked_for
from otwarta.translations.services import content_type_for, target_locales

from .models import OPEN_STATES, TranslationTask
from .roles import is_translator, translator_locales, translators
from .services import coordinates, owning_institution, source_of


class TranslatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        codes = ", ".join(locale.language_code for locale in translator_locales(obj))
        return f"{name} ({codes})"


class LocaleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_display_name())


class TaskCreateForm(forms.Form):
    page = forms.ModelChoiceField(
        queryset=Page.objects.filter(depth__gt=1), required=False, label=_("Page"),
        widget=AdminPageChooser(can_choose_root=False),
        help_text=_("The page to translate: its Polish original or any of its translations."),
    )
    # Other translatable content (snippets) arrives from the translation dashboard with these two.
    content_type = forms.ModelChoiceField(queryset=ContentType.objects.all(), required=False,
                                          widget=forms.HiddenInput)
    translation_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    locale = LocaleChoiceField(queryset=Locale.objects.none(), label=_("Translate into"),
                               to_field_name="language_code", empty_label=None)
    assignee = TranslatorChoiceField(queryset=translators(), label=_("Translator"),
                                     help_text=_("A member of the translators' group of that language."))
    due_on = forms.DateField(required=False, label=_("Due date"), widget=AdminDateInput)
    instructions = forms.CharField(required=False, label=_("Instructions for the translator"),
                                   widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.source: Any = None
        self.institution: Any = None
        locales = target_locales()
        locale_field = self.fields["locale"]
        assert isinstance(locale_field, forms.ModelChoiceField)
        locale_field.queryset = Locale.objects.filter(pk__in=[locale.pk for locale in locales])
        assignee_field = self.fields["assignee"]
        assert isinstance(assignee_field, forms.ModelChoiceField)
        assignee_field.queryset = translators().order_by("first_name", "last_name", "username")

    def _resolve_source(self, data: dict[str, Any]) -> Any:
        page = data.get("page")
        if page is not None:
            return source_of(ContentType.objects.get_for_model(Page), page.translation_key)
        content_type, key = data.get("content_type"), data.get("translation_key")
        if content_type is None or key is None:
            return None
        model = content_type.model_class()
        if model is None or tracked_for(model) is None:
            return None
        return source_of(content_type, key)

    def clean_due_on(self) -> dt.date | None:
        due_on: dt.date | None = self.cleaned_data.get("due_on")
        if due_on is not None and due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.source = self._resolve_source(data)
        if self.source is None:
            self.add_error("page", _("Choose the page to translate."))
            return data
        self.institution = owning_institution(self.source)
        if not coordinates(self.user, self.institution):
            self.add_error(None, _("You may assign translation tasks only for your institution's content."))
            return data
        locale, assignee = data.get("locale"), data.get("assignee")
        if locale is not None and assignee is not None and not is_translator(assignee, locale):
            self.add_error("assignee", _("%(user)s is not a translator into %(language)s.") % {
                "user": assignee.get_full_name() or assignee.get_username(),
                "language": locale.get_display_name(),
            })
        if locale is not None and TranslationTask.objects.filter(
            content_type=content_type_for(type(self.source)), translation_key=self.source.translation_key,
            locale=locale, state__in=OPEN_STATES,
        ).exists():
            self.add_error(None, _("There is already an open task for this translation. Open it from the list "
                                   "of translation tasks, or cancel it first."))
        return data
