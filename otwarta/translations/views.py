"""The translation dashboard: counts per locale and state, and the list of (object, locale) pairs with a
link straight to where the translation is made."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Locale, Page

from otwarta.core.languages import language_name
from otwarta.institutions.models import Institution
from otwarta.institutions.services import institutions_for_user
from otwarta.machine_translation.editor import served_target_codes

from . import services
from .models import STATUS_CLASSES, TranslationStatus

PER_PAGE = 50


class DashboardFilters(forms.Form):
    locale = forms.ChoiceField(label=_("Language"), required=False)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.all(),
                                         required=False, empty_label=_("All institutions"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All states")), *TranslationStatus.choices])

    def __init__(self, *args: Any, locales: list[Locale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        locale_field: Any = self.fields["locale"]
        locale_field.choices = [("", _("All languages"))] + [
            (locale.language_code, language_name(locale.language_code)) for locale in locales
        ]


def dashboard(request: HttpRequest) -> HttpResponse:
    locales = services.target_locales()
    data = request.GET.copy()
    own = institutions_for_user(request.user)
    if "institution" not in data and len(own) == 1:
        data["institution"] = str(own[0].pk)  # an institution's editor starts with their own pages
    form = DashboardFilters(data, locales=locales)
    form.is_valid()  # invalid values are dropped: the dashboard always answers
    chosen = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    institution = chosen.get("institution")
    status = chosen.get("status") or None
    shown_locales = [locale for locale in locales if locale.language_code == chosen.get("locale")] or locales

    counts = services.status_counts(locales, institution=institution)
    pairs = services.StatusRows(shown_locales, institution=institution, status=status, counts=counts)
    paginator: Paginator[Any] = Paginator(pairs, PER_PAGE)  # type: ignore[arg-type]
    page_obj = paginator.get_page(request.GET.get("p"))
    served = served_target_codes()  # languages a machine translation service serves (cached a minute)
    rows = [_row(request, values, machine_served=served) for values in page_obj.object_list]

    base_query = {key: value for key, value in data.items() if key in ("institution",) and value}
    table = [
        {
            "code": locale.language_code,
            "name": language_name(locale.language_code),
            "cells": [
                {"count": counts[locale.language_code][value], "status": value, "class": STATUS_CLASSES[value],
                 "url": "?" + urlencode({**base_query, "locale": locale.language_code, "status": value})}
                for value in TranslationStatus.values
            ],
        }
        for locale in locales
    ]
    return TemplateResponse(request, "translations/admin/dashboard.html", {
        "page_title": _("Translation status"),
        "form": form,
        "table": table,
        "statuses": TranslationStatus.choices,
        "rows": rows,
        "page_obj": page_obj,
        "paginator": paginator,
        "query_without_page": urlencode({k: str(v) for k, v in data.items() if k != "p" and v}),
    })


def _row(request: HttpRequest, values: tuple[Any, ...], machine_served: frozenset[str] = frozenset()) -> dict[str, Any]:
    pk, title, status, target_id, locale_code, content_type_id, translation_key = values
    model: Any = ContentType.objects.get_for_id(content_type_id).model_class()  # cached by Django
    is_page = issubclass(model, Page)
    machine_url = None
    if is_page:
        source_url = reverse("wagtailadmin_pages:edit", args=[pk])
        target_url = reverse("wagtailadmin_pages:edit", args=[target_id]) if target_id else None
        translate_url = _safe_reverse("wagtail_localize:submit_page_translation", pk)
        if locale_code in machine_served and status == TranslationStatus.MISSING:
            machine_url = reverse("otwarta_machine_translation:translate_page", args=[pk])
    else:
        finder = AdminURLFinder(request.user)
        source_url = finder.get_edit_url(model(pk=pk))
        target_url = finder.get_edit_url(model(pk=target_id)) if target_id else None
        translate_url = _safe_reverse("wagtail_localize:submit_snippet_translation",
                                      model._meta.app_label, model._meta.model_name, pk)
    if translate_url:
        translate_url += "?" + urlencode({"locales": locale_code})
    task_url = None
    if status != TranslationStatus.REVIEWED:
        key = uuid.UUID(str(translation_key))  # SQLite gives hex text, PostgreSQL a UUID
        task_url = reverse("otwarta_review:create") + "?" + urlencode(
            {"content_type": content_type_id, "translation_key": str(key), "locale": locale_code})
    return {
        "title": title, "status": status, "status_label": TranslationStatus(status).label,
        "status_class": STATUS_CLASSES[TranslationStatus(status)], "locale": locale_code,
        "language": language_name(locale_code), "source_url": source_url,
        "target_url": target_url, "translate_url": translate_url, "machine_url": machine_url,
        "task_url": task_url,
        "kind": model._meta.verbose_name,
    }


def _safe_reverse(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None

