"""Reports → Audit log (regional administrators and superusers)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import services, views

app_name = "otwarta_audit"
urlpatterns = [
    path("", views.AuditLogView.as_view(), name="index"),
    path("results/", views.AuditLogView.as_view(results_only=True), name="results"),
]


@hooks.register("register_admin_urls")
def register_audit_urls() -> list[Any]:
    return [path("audit-log/", include((urlpatterns, "otwarta_audit"), namespace="otwarta_audit"))]


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return services.can_read_audit_log(request.user)


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item() -> MenuItem:
    return AuditLogMenuItem(_("Audit log"), reverse("otwarta_audit:index"), name="audit-log",
                            icon_name="list-ul", order=1100)
