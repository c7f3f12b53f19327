"""Wagtail admin integration: the "Translation tasks" menu item, the dashboard panel, page header buttons
("Mark as reviewed", "Assign a translation task"), the audit log action, and no page deletion by
translators."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import Page

from . import services, urls
from .models import OPEN_STATES, TaskState
from .views import attach_titles, can_use_tasks

PANEL_LIMIT = 10


@hooks.register("register_admin_urls")
def register_review_urls() -> list[Any]:
    return [path("translation-tasks/", include((urls, "otwarta_review"), namespace="otwarta_review"))]


class TasksMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_use_tasks(request.user)


@hooks.register("register_admin_menu_item")
def register_tasks_menu_item() -> MenuItem:
    return TasksMenuItem(_("Translation tasks"), reverse("otwarta_review:index"), name="translation-tasks",
                         icon_name="tasks", order=290)


@hooks.register("register_log_actions")
def register_review_log_actions(actions: Any) -> None:
    @actions.register_action(services.REVIEWED_ACTION)
    class MarkReviewed(LogFormatter):
        label = _("Mark as reviewed")

        def format_message(self, log_entry: Any) -> str:
            return str(_("Translation reviewed: it says what the current Polish original says"))


# --- dashboard ------------------------------------------------------------------------------------
class MyTranslationTasksPanel(Component):
    """Open tasks assigned to the user, and (for coordinators) how many wait for their review."""

    name = "my_translation_tasks"
    template_name = "review/admin/home_panel.html"
    order = 210

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        user: Any = self.request.user
        mine = (services.visible_tasks(user).filter(assignee=user, state__in=OPEN_STATES)
                .select_related("locale").order_by("due_on", "-updated_at"))
        total = mine.count()
        to_review = services.visible_tasks(user).filter(state=TaskState.SUBMITTED).exclude(assignee=user)
        to_review_count = to_review.count() if services.can_create_tasks(user) else 0
        if not total and not to_review_count:
            return {"show": False}
        return {
            "show": True,
            "tasks": attach_titles(list(mine[:PANEL_LIMIT])),
            "total": total,
            "to_review": to_review_count,
            "mine_url": reverse("otwarta_review:index") + "?" + urlencode({"mine": "assigned", "state": "open"}),
            "to_review_url": reverse("otwarta_review:index") + "?" + urlencode({"state": TaskState.SUBMITTED}),
        }


@hooks.register("construct_homepage_panels")
def add_translation_tasks_panel(request: HttpRequest, panels: list[Any]) -> None:
    if can_use_tasks(request.user):
        panels.append(MyTranslationTasksPanel(request))


# --- page header ("more" menu) --------------------------------------------------------------------
@hooks.register("register_page_header_buttons")
def page_header_review_buttons(page: Any, user: Any, view_name: str | None = None,
                               next_url: str | None = None) -> Iterator[Button]:
    if page.depth <= 1:
        return
    if page.live and services.can_mark_reviewed(page, user):
        url = reverse("otwarta_review:mark_reviewed", args=[page.pk])
        if next_url:
            url += "?" + urlencode({"next": next_url})
        yield Button(_("Mark as reviewed"), url, icon_name="check", priority=67)
    if services.can_create_tasks(user) and services.coordinates(user, services.owning_institution(page)):
        query: dict[str, Any] = {"content_type": ContentType.objects.get_for_model(Page).pk,
                 "translation_key": str(page.translation_key)}
        if page.locale.language_code != settings.LANGUAGE_CODE:
            query["locale"] = page.locale.language_code
        yield Button(_("Assign a translation task"), reverse("otwarta_review:create") + "?" + urlencode(query),
                     icon_name="tasks", priority=68)


# --- translators do not delete pages ------------------------------------------------------------------
def _refuse_delete(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Translators cannot delete pages. Ask the institution's editors."))
    return redirect(get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))


@hooks.register("before_delete_page")
def refuse_translators_deleting(request: HttpRequest, page: Page) -> HttpResponse | None:
    return _refuse_delete(request) if services.translator_only(request.user, page) else None


@hooks.register("before_bulk_action")
def refuse_translators_bulk_deleting(request: HttpRequest, action_type: str, objects: list[Any],
                                     action_class_instance: Any) -> HttpResponse | None:
    if action_type == "delete" and any(
        isinstance(obj, Page) and services.translator_only(request.user, obj) for obj in objects
    ):
        return _refuse_delete(request)
    return None
