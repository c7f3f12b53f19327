"""Wagtail admin integration of the situation guide: the editors' tools ("Try the guide", "Coverage report")
as admin URLs and as buttons in the guide page's "more" menu (page header and page listing), shown to those
who may edit the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import admin_views
from .models import SituationGuidePage


@hooks.register("register_admin_urls")
def register_guide_urls() -> list[Any]:
    return [path("situation-guide/", include((admin_views.urlpatterns, "otwarta_guide"), namespace="otwarta_guide"))]


def _guide_buttons(page: Any, user: Any, priority: int) -> Iterator[Button]:
    if not issubclass(page.specific_class or type(page), SituationGuidePage):
        return
    if not admin_views.can_edit_guide(page, user):
        return
    yield Button(_("Try the guide"), admin_views.try_url(page), icon_name="view", priority=priority)
    yield Button(_("Coverage report"), admin_views.coverage_url(page), icon_name="table", priority=priority + 1)


@hooks.register("register_page_header_buttons")
def page_header_guide_buttons(page: Any, user: Any, view_name: str | None = None,
                              next_url: str | None = None) -> Iterator[Button]:
    yield from _guide_buttons(page, user, priority=40)


@hooks.register("register_page_listing_more_buttons")
def page_listing_guide_buttons(page: Any, user: Any, next_url: str | None = None) -> Iterator[Button]:
    yield from _guide_buttons(page, user, priority=40)
