"""Admin for official forms: a snippet. Regional administrators manage every form; an institution's
editors and moderators see, add and change only their own institution's forms (permissions.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets

from .models import OfficialForm
from .permissions import OfficialFormPermissionPolicy


class OwnFormsOnly:
    """Views on one form answer 403 when the form belongs to an institution the user does not work for."""

    object_action = "change"
    request: HttpRequest
    permission_policy: OfficialFormPermissionPolicy

    def get_object(self, *args: Any, **kwargs: Any) -> OfficialForm:
        form = super().get_object(*args, **kwargs)  # type: ignore[misc]
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, self.object_action, form):
            raise PermissionDenied
        return form


class EditView(OwnFormsOnly, snippets.EditView):
    object_action = "change"


class DeleteView(OwnFormsOnly, snippets.DeleteView):
    object_action = "delete"


class UsageView(OwnFormsOnly, snippets.UsageView):
    object_action = "view"


class HistoryView(OwnFormsOnly, snippets.HistoryView):
    object_action = "view"


class OfficialFormViewSet(snippets.SnippetViewSet):
    model = OfficialForm
    icon = "doc-full-inverse"
    menu_label = _("Official forms")
    menu_order = 240
    add_to_admin_menu = True
    list_display = ["title", "code", "institution", "last_checked_at"]
    list_filter = ["institution"]
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_view_class = EditView
    delete_view_class = DeleteView
    usage_view_class = UsageView
    history_view_class = HistoryView

    @cached_property
    def permission_policy(self) -> OfficialFormPermissionPolicy:
        return OfficialFormPermissionPolicy(self.model)

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfficialForm]:
        return self.permission_policy.instances_user_has_permission_for(request.user, "change").select_related(
            "institution", "locale")


register_snippet(OfficialFormViewSet)
