"""Wagtail admin integration: dashboard panel, reports, "Mark as checked" buttons, audit log action."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

from otwarta.institutions.services import institutions_for_user
from otwarta.portal.models import ArticlePage, ReviewState

from . import urls
from .models import ExternalLink
from .services import MARK_CHECKED_ACTION, attach_translations, can_mark_checked, review_queryset

PANEL_LIMIT = 10
STATE_CLASSES = {
    ReviewState.DUE_SOON.value: "w-status--label",
    ReviewState.OVERDUE.value: "w-status--primary",
    ReviewState.STALE.value: "w-status--primary",
}


@hooks.register("register_admin_urls")
def register_currency_urls() -> list[Any]:
    return [path("currency/", include((urls, "otwarta_currency"), namespace="otwarta_currency"))]


# --- audit log ------------------------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_currency_log_actions(actions: Any) -> None:
    @actions.register_action(MARK_CHECKED_ACTION)
    class MarkChecked(LogFormatter):
        label = _("Mark as checked")

        def format_message(self, log_entry: Any) -> str:
            checked_on = (log_entry.data or {}).get("checked_on", "")
            return str(_("Content checked and still correct (checked on %(date)s)") % {"date": checked_on})


# --- dashboard ------------------------------------------------------------------------------------


class PagesToCheckPanel(Component):
    """The user's institutions' articles that are due soon, overdue or possibly out of date."""

    name = "pages_to_check"
    template_name = "currency/admin/home_panel.html"
    order = 200

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        user = self.request.user
        institutions = institutions_for_user(user)
        if not institutions:
            return {"show": False}
        pages = review_queryset(user=user)
        total = pages.count()
        rows = []
        for page in attach_translations(pages[:PANEL_LIMIT]):
            rows.append({
                "page": page,
                "state_label": ReviewState(page.review_status).label,
                "state_class": STATE_CLASSES.get(page.review_status, "w-status--label"),
                "translations": page.translation_codes,  # type: ignore[attr-defined]
                "can_check": can_mark_checked(page, user),
            })
        return {
            "show": True,
            "rows": rows,
            "total": total,
            "show_institution": len(institutions) > 1,
            "broken_links": ExternalLink.objects.filter(broken=True, page__institution__in=institutions).count(),
        }


@hooks.register("construct_homepage_panels")
def add_pages_to_check_panel(request: HttpRequest, panels: list[Any]) -> None:
    panels.append(PagesToCheckPanel(request))


# --- reports menu ---------------------------------------------------------------------------------


class InstitutionReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(institutions_for_user(request.user))


@hooks.register("register_reports_menu_item")
def register_pages_to_check_report() -> MenuItem:
    return InstitutionReportMenuItem(_("Pages to check"), reverse("otwarta_currency:pages_report"),
                                     name="pages-to-check", icon_name="time", order=150)


@hooks.register("register_reports_menu_item")
def register_broken_links_report() -> MenuItem:
    return InstitutionReportMenuItem(_("Broken links"), reverse("otwarta_currency:broken_links"),
                                     name="broken-links", icon_name="link-external", order=160)


# --- "Mark as checked" in the page editor and the page listings ---------------------------------


def mark_checked_url(page: Any, next_url: str | None = None) -> str:
    url = reverse("otwarta_currency:mark_checked", args=[page.pk])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class MarkCheckedMenuItem(ActionMenuItem):
    """In the editor's action menu (next to Save draft / Submit for moderation): opens the confirmation
    page, which posts the check. A link, not a submit button, so unsaved form changes are never sent."""

    label = _("Mark as checked")
    name = "action-mark-checked"
    icon_name = "check"
    order = 60

    def is_shown(self, context: Mapping[str, Any]) -> bool:
        page = context.get("page")
        return (
            context.get("view") == "edit" and page is not None and isinstance(page.specific_deferred, ArticlePage)
            and page.live and can_mark_checked(page, context["request"].user)
        )

    def get_url(self, parent_context: Mapping[str, Any]) -> str:
        page = parent_context["page"]
        return mark_checked_url(page, reverse("wagtailadmin_pages:edit", args=[page.pk]))


@hooks.register("register_page_action_menu_item")
def register_mark_checked_menu_item() -> ActionMenuItem:
    return MarkCheckedMenuItem()


def _mark_checked_button(page: Any, user: Any, next_url: str | None, priority: int) -> Iterator[Button]:
    if page.live and can_mark_checked(page, user):
        yield Button(_("Mark as checked"), mark_checked_url(page, next_url), icon_name="check", priority=priority)


@hooks.register("register_page_header_buttons")
def page_header_mark_checked(page: Any, user: Any, view_name: str | None = None,
                             next_url: str | None = None) -> Iterator[Button]:
    yield from _mark_checked_button(page, user, next_url, priority=66)


@hooks.register("register_page_listing_more_buttons")
def page_listing_mark_checked(page: Any, user: Any, next_url: str | None = None) -> Iterator[Button]:
    yield from _mark_checked_button(page, user, next_url, priority=55)
