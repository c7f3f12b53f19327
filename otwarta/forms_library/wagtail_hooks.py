"""Admin for official forms: a snippet. Regional administrators manage every form; an institution's
editors and moderators see, add and change only their own institution's forms (permissions.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets

from otwarta.institutions.snippet_admin import OwnRecordsOnly

from .models import OfficialForm
from .permissions import OfficialFormPermissionPolicy


class EditView(OwnRecordsOnly, snippets.EditView):
    object_action = "change"


class DeleteView(OwnRecordsOnly, snippets.DeleteView):
    object_action = "delete"


class UsageView(OwnRecordsOnly, snippets.UsageView):
    object_action = "view"


class HistoryView(OwnRecordsOnly, snippets.HistoryView):
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
