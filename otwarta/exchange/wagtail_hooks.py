"""Admin integration: the "Translation exchange" menu item and a "more" button on every page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.models import Page

from . import urls
from .services import can_edit, editable_pages


@hooks.register("register_admin_urls")
def register_exchange_urls() -> list[Any]:
    return [path("translation-exchange/", include((urls, "otwarta_exchange"), namespace="otwarta_exchange"))]


class ExchangeMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_superuser or editable_pages(user).exists())


@hooks.register("register_admin_menu_item")
def register_exchange_menu_item() -> MenuItem:
    return ExchangeMenuItem(_("Translation exchange"), reverse("otwarta_exchange:index"), name="translation-exchange",
                            icon_name="download", order=270)


def exchange_button(page: Page, user: Any, priority: int) -> Iterator[Button]:
    if page.is_root() or not can_edit(page, user):
        return
    url = reverse("otwarta_exchange:index") + "?" + urlencode({"page": page.pk})
    yield Button(_("Export or import a translation (XLIFF, PO)"), url, icon_name="download", priority=priority)


@hooks.register("register_page_header_buttons")
def page_header_exchange_button(page: Page, user: Any, view_name: str, next_url: str | None = None
                                ) -> Iterator[Button]:
    yield from exchange_button(page, user, priority=90)


@hooks.register("register_page_listing_more_buttons")
def page_listing_exchange_button(page: Page, user: Any, next_url: str | None = None) -> Iterator[Button]:
    yield from exchange_button(page, user, priority=90)
