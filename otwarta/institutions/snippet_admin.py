"""Admin pieces shared by the translatable snippets an institution maintains (directory records, print packs):
403 on another institution's record, new records in the source locale, the institution field limited to the
editor's own institutions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from wagtail.models import Locale
from wagtail.snippets.views import snippets

from .models import Institution
from .services import own_institution_ids


def source_locale() -> Locale:
    return Locale.get_default()


class OwnRecordsOnly:
    """Views on one record answer 403 when it belongs to an institution the user does not work for."""

    object_action = "change"
    request: HttpRequest
    permission_policy: Any

    def get_object(self, *args: Any, **kwargs: Any) -> Any:
        record = super().get_object(*args, **kwargs)  # type: ignore[misc]
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, self.object_action, record):
            raise PermissionDenied
        return record


class SourceLocaleCreateView(snippets.CreateView):
    """New records are Polish (the source, which holds the structure): translations are made with
    "Translate"."""

    def get_locale(self) -> Locale | None:
        if not self.i18n_enabled:
            return None
        return source_locale()

    def get_translations(self) -> list[Any]:
        return []


def limit_institution_field(form: Any) -> None:
    """An institution's editor chooses among their own institutions only (the first one preselected on a new
    record when they have one); regional administrators among all."""
    ids = own_institution_ids(form.for_user) if form.for_user is not None else None
    institution_field: Any = form.fields.get("institution")
    if institution_field is not None and ids is not None:
        institution_field.queryset = Institution.objects.filter(pk__in=ids)
        if len(ids) == 1 and not form.instance.pk:
            institution_field.initial = next(iter(ids))
