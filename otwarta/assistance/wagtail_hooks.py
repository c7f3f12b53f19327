"""Wagtail admin integration: the "Requests" menu item (coordinators only) and the audit log actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from . import admin_urls, services
from .models import RequestAction


@hooks.register("register_admin_urls")
def register_assistance_urls() -> list[Any]:
    return [path("requests/", include((admin_urls, "otwarta_assistance"), namespace="otwarta_assistance"))]


class RequestsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return services.can_coordinate(request.user)


@hooks.register("register_admin_menu_item")
def register_requests_menu_item() -> MenuItem:
    return RequestsMenuItem(_("Requests"), reverse("otwarta_assistance:index"), name="assistance-requests",
                            icon_name="mail", order=295)


LOG_LABELS = {
    RequestAction.CREATE: _("Request: received"),
    RequestAction.ASSIGN: _("Request: person assigned"),
    RequestAction.DONE: _("Request: marked as done"),
    RequestAction.CANCEL: _("Request: cancelled"),
    RequestAction.NOTE: _("Request: note added"),
}


@hooks.register("register_log_actions")
def register_assistance_log_actions(actions: Any) -> None:
    for action, label in LOG_LABELS.items():
        formatter = type(f"Request{action.value.title()}Formatter", (LogFormatter,), {"label": label})
        actions.register_action(services.LOG_PREFIX + action.value)(formatter)
