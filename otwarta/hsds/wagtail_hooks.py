"""Admin integration of the HSDS exchange: the "Import / export" item (in the directory's menu when the
directory registers one; otherwise in the main menu) and the audit log actions."""

from __future__ import annotations

import copy
from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.log_actions import LogFormatter

from . import admin_urls
from .tabular import EXPORT_ACTION, can_exchange
from .tabular.importer import LOG_ACTION

MENU_NAME = "hsds-import-export"


@hooks.register("register_admin_urls")
def register_hsds_exchange_urls() -> list[Any]:
    return [path("directory-exchange/", include((admin_urls, "otwarta_hsds_exchange"),
                                                namespace="otwarta_hsds_exchange"))]


class ExchangeMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_exchange(request.user)


def exchange_menu_item() -> ExchangeMenuItem:
    return ExchangeMenuItem(_("Import / export (HSDS)"), reverse("otwarta_hsds_exchange:index"), name=MENU_NAME,
                            icon_name="download", order=900)


@hooks.register("register_admin_menu_item")
def register_hsds_exchange_menu_item() -> MenuItem:
    return exchange_menu_item()


def _is_directory_menu(item: Any) -> bool:
    if not isinstance(item, SubmenuMenuItem):
        return False
    return any("/directory/" in getattr(child, "url", "") for child in item.menu.registered_menu_items)


@hooks.register("construct_main_menu")
def move_into_directory_menu(request: HttpRequest, menu_items: list[Any]) -> None:
    """Put "Import / export" into the directory's submenu (the snippets of otwarta.directory)."""
    ours = next((item for item in menu_items if item.name == MENU_NAME), None)
    directory = next((item for item in menu_items if _is_directory_menu(item)), None)
    if ours is None or directory is None:
        return
    grouped = copy.copy(directory)
    grouped.menu = Menu(items=[*directory.menu.registered_menu_items, ours])
    menu_items[menu_items.index(directory)] = grouped
    menu_items.remove(ours)


@hooks.register("register_log_actions")
def register_hsds_log_actions(actions: Any) -> None:
    @actions.register_action(LOG_ACTION)
    class Imported(LogFormatter):
        label = _("Directory imported (HSDS)")

        def format_message(self, log_entry: Any) -> str:
            tables = (log_entry.data or {}).get("tables", {})
            parts = [f"{name}: +{c.get('created', 0)} ~{c.get('updated', 0)} -{c.get('deleted', 0)}"
                     for name, c in tables.items()]
            return str(_("Directory records imported from an HSDS file")) + (f" ({'; '.join(parts)})" if parts else "")

    @actions.register_action(EXPORT_ACTION)
    class Exported(LogFormatter):
        label = _("Directory exported (HSDS)")

        def format_message(self, log_entry: Any) -> str:
            data = log_entry.data or {}
            return str(_("Directory exported as %(format)s (%(rows)s rows)") % {
                "format": str(data.get("format", "")).upper(), "rows": data.get("rows", "?")})
