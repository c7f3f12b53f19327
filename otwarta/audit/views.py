"""Reports → Audit log: Wagtail's page and model log entries and the field-level changes in one list,
filterable and exportable as CSV and XLSX (regional administrators and superusers only)."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import ContentTypeFilter, DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.models import PageLogEntry

from . import services


def _users(request: HttpRequest) -> Any:
    User = get_user_model()
    return User.objects.order_by(User.USERNAME_FIELD)


def _content_types(request: HttpRequest) -> Any:
    return services.content_types_in_log()


class AuditLogFilterSet(WagtailFilterSet):
    label = django_filters.CharFilter(label=_("Name contains"), method="filter_label")
    user = django_filters.ModelChoiceFilter(label=_("User"), queryset=_users, method="filter_user")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=services.action_choices,
                                         method="filter_action")
    object_type = ContentTypeFilter(label=_("Type"), queryset=_content_types, method="filter_object_type")
    timestamp = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = PageLogEntry
        fields: list[str] = []

    def filter_label(self, queryset: Any, name: str, value: str) -> Any:
        return services.filter_by_label(queryset, value) if value else queryset

    def filter_user(self, queryset: Any, name: str, value: Any) -> Any:
        return services.filter_by_user(queryset, value) if value else queryset

    def filter_action(self, queryset: Any, name: str, value: str) -> Any:
        return services.filter_by_action(queryset, value) if value else queryset

    def filter_object_type(self, queryset: Any, name: str, value: Any) -> Any:
        return services.filter_by_content_type(queryset, value) if value else queryset


class AuditLogView(ReportView):
    page_title = _("Audit log")
    header_icon = "list-ul"
    results_template_name = "audit/audit_log_results.html"
    filterset_class = AuditLogFilterSet
    index_url_name = "otwarta_audit:index"
    index_results_url_name = "otwarta_audit:results"
    paginate_by = 50

    list_export = ["timestamp", "user", "action_label", "action", "object_type", "object_id", "label",
                   "changed_fields", "before_after", "compare_url", "remote_addr", "request_id", "source"]
    export_headings = {
        "timestamp": _("Date/Time (UTC)"),
        "user": _("User"),
        "action_label": _("Action"),
        "action": _("Action code"),
        "object_type": _("Type"),
        "object_id": _("ID"),
        "label": _("Name"),
        "changed_fields": _("Changed fields"),
        "before_after": _("Before → after"),
        "compare_url": _("Revision comparison"),
        "remote_addr": _("Client address"),
        "request_id": _("Request ID"),
        "source": _("Source"),
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not services.can_read_audit_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self) -> str:
        return f"audit-log-{datetime.date.today().isoformat()}"

    def get_filtered_queryset(self) -> Any:
        return services.union_queryset(self.filter_queryset)

    def decorate_paginated_queryset(self, object_list: Any) -> list[services.AuditRow]:
        return services.rows_for(object_list)

    def as_spreadsheet(self, queryset: Any, spreadsheet_format: str | None) -> HttpResponseBase:
        # The CSV is streamed after the request's language is switched off: translate the headings now.
        self._headings = {name: force_str(label) for name, label in self.export_headings.items()}
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def get_heading(self, queryset: Any, field: str) -> str:
        headings = getattr(self, "_headings", None) or {}
        return headings.get(field) or super().get_heading(queryset, field)

    def to_row_dict(self, item: services.AuditRow) -> dict[str, Any]:
        row = super().to_row_dict(item)
        if row.get("timestamp"):
            # Spreadsheets cannot hold time zones: export UTC wall time.
            row["timestamp"] = row["timestamp"].astimezone(datetime.UTC).replace(tzinfo=None)
        return row
