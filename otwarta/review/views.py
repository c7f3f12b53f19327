"""Admin views: the list of translation tasks, assigning a task, a task with its actions and history, and
"Mark as reviewed" for a translated page. Every view checks who is asking (services.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

import django_filters
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn, UserColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale, Page

from otwarta.institutions.services import institutions_for_user
from otwarta.translations.services import status_of, target_locales

from . import services
from .forms import TaskCreateForm
from .models import OPEN_STATES, TaskState, TranslationTask
from .roles import translator_locales, translators

INDEX_BREADCRUMB = {"url": "", "label": _("Translation tasks")}


def can_use_tasks(user: Any) -> bool:
    """Translators, and the people who may assign tasks."""
    return bool(getattr(user, "is_authenticated", False)
                and (translator_locales(user) or institutions_for_user(user)))


def attach_titles(tasks: list[TranslationTask]) -> list[TranslationTask]:
    """Give each task ``title`` (of its Polish original), one query per kind of content."""
    keys: dict[int, set[Any]] = defaultdict(set)
    for task in tasks:
        keys[task.content_type_id].add(task.translation_key)
    titles: dict[tuple[int, Any], str] = {}
    for content_type_id, translation_keys in keys.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(translation_key__in=translation_keys,
                                                 locale__language_code=settings.LANGUAGE_CODE):
            titles[(content_type_id, obj.translation_key)] = str(  # type: ignore[attr-defined]
                getattr(obj, "title", None) or obj)
    for task in tasks:
        task.title = titles.get((task.content_type_id, task.translation_key)) or _("(deleted content)")  # type: ignore[attr-defined]
    return tasks


# --- list ----------------------------------------------------------------------------------------------
OPEN = "open"


def _locales(request: HttpRequest) -> QuerySet[Locale]:
    return Locale.objects.filter(pk__in=[locale.pk for locale in target_locales()])


def _assignees(request: HttpRequest) -> Any:
    return translators().order_by("first_name", "last_name", "username")


class TaskFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), method="filter_state", empty_label=_("All states"),
        choices=[(OPEN, _("Open (not reviewed or cancelled)")), *TaskState.choices],
    )
    locale = django_filters.ModelChoiceFilter(label=_("Language"), queryset=_locales, field_name="locale")
    assignee = django_filters.ModelChoiceFilter(label=_("Translator"), queryset=_assignees, field_name="assignee")
    mine = django_filters.ChoiceFilter(
        label=_("Whose"), method="filter_mine", empty_label=_("All I may see"),
        choices=[("assigned", _("Assigned to me")), ("created", _("Assigned by me"))],
    )

    class Meta:
        model = TranslationTask
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[TranslationTask], name: str, value: str) -> QuerySet[TranslationTask]:
        return queryset.filter(state__in=OPEN_STATES) if value == OPEN else queryset.filter(state=value)

    def filter_mine(self, queryset: QuerySet[TranslationTask], name: str, value: str) -> QuerySet[TranslationTask]:
        user = self.request.user  # type: ignore[union-attr]
        return queryset.filter(assignee=user) if value == "assigned" else queryset.filter(created_by=user)


class DateOnlyColumn(Column):
    def get_value(self, instance: Any) -> str:
        value = super().get_value(instance)
        return date_format(value, "DATE_FORMAT") if isinstance(value, dt.date) else ""


class TaskIndexView(IndexView):
    model = TranslationTask
    page_title = _("Translation tasks")
    header_icon = "tasks"
    index_url_name = "otwarta_review:index"
    index_results_url_name = "otwarta_review:index_results"
    filterset_class = TaskFilterSet
    default_ordering = "-updated_at"
    columns = [
        TitleColumn("title", label=_("Content"), get_url=lambda task: reverse("otwarta_review:detail",
                                                                               args=[task.pk])),
        Column("locale", label=_("Language"), accessor="locale.get_display_name"),
        UserColumn("assignee", label=_("Translator")),
        StatusTagColumn("get_state_display", label=_("State"),
                        primary=lambda task: task.state in (TaskState.SUBMITTED, TaskState.CHANGES_REQUESTED)),
        DateOnlyColumn("due_on", label=_("Due date"), sort_key="due_on"),
        DateOnlyColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_use_tasks(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[TranslationTask]:
        return services.visible_tasks(self.request.user).select_related("locale", "assignee")

    def get_add_url(self) -> str | None:
        return reverse("otwarta_review:create") if services.can_create_tasks(self.request.user) else None

    add_item_label = _("Assign a translation task")

    def get_table(self, object_list: Any) -> Any:
        attach_titles(list(object_list))
        return super().get_table(object_list)


# --- create --------------------------------------------------------------------------------------------
class TaskCreateView(WagtailAdminTemplateMixin, FormView):  # type: ignore[type-arg]
    form_class = TaskCreateForm
    template_name = "review/admin/task_create.html"
    page_title = _("Assign a translation task")
    header_icon = "tasks"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not services.can_create_tasks(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items,
                {"url": reverse("otwarta_review:index"), "label": _("Translation tasks")},
                {"url": "", "label": self.get_page_title()}]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        """Prefilled from the translation dashboard: ``?content_type=<id>&translation_key=<uuid>&locale=<code>``
        (or ``?page=<id>``)."""
        query = self.request.GET
        initial: dict[str, Any] = {}
        if query.get("locale"):
            initial["locale"] = query["locale"]
        if query.get("page", "").isdigit():
            initial["page"] = int(query["page"])
        content_type = ContentType.objects.filter(pk=query["content_type"]).first() if query.get(
            "content_type", "").isdigit() else None
        try:
            key = uuid.UUID(query.get("translation_key", ""))
        except ValueError:  # absent or malformed: nothing to prefill
            key = None
        if content_type is not None and key is not None:
            source = services.source_of(content_type, key)
            if isinstance(source, Page):
                initial["page"] = source.pk
            elif source is not None:
                initial.update(content_type=content_type.pk, translation_key=str(key))
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["media"] = form.media
        context["action_url"] = self.request.get_full_path()
        context["submit_button_label"] = _("Assign")
        context["submit_button_active_label"] = _("Assigning…")
        context["other_object"] = self._other_object(form)
        return context

    def _other_object(self, form: TaskCreateForm) -> Any:
        """A snippet chosen by query parameters (pages show in the page chooser)."""
        content_type = form["content_type"].value()
        key = form["translation_key"].value()
        if not content_type or not key:
            return None
        try:
            found = ContentType.objects.filter(pk=int(content_type)).first()
            return services.source_of(found, uuid.UUID(str(key))) if found else None
        except ValueError:  # tampered hidden fields: the form reports the error
            return None

    def form_valid(self, form: TaskCreateForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            task = services.create_task(source=form.source, locale=data["locale"], assignee=data["assignee"],
                                        user=self.request.user, due_on=data.get("due_on"),
                                        instructions=data.get("instructions") or "")
        except (services.TaskError, PermissionDenied) as error:
            form.add_error(None, str(getattr(error, "message", None) or error))  # in the user's language now
            return self.form_invalid(form)
        messages.success(self.request, _("The task was assigned to %(user)s; they will get an e-mail.") % {
            "user": task.assignee.get_full_name() or task.assignee.get_username()})  # type: ignore[union-attr]
        return redirect("otwarta_review:detail", task.pk)

    def form_invalid(self, form: TaskCreateForm) -> HttpResponse:
        messages.error(self.request, _("The task could not be assigned. Check the form."))
        return super().form_invalid(form)


# --- detail and transitions ---------------------------------------------------------------------------
def _visible_task_or_403(request: HttpRequest, task_id: int) -> TranslationTask:
    task = get_object_or_404(TranslationTask.objects.select_related("locale", "assignee", "created_by",
                                                                    "institution", "content_type"), pk=task_id)
    if not services.can_view(request.user, task):
        raise PermissionDenied
    return task


def _detail_response(request: HttpRequest, task: TranslationTask, comment: str = "",
                     status: int = 200) -> TemplateResponse:
    source = services.task_source(task)
    target = services.task_translation(task)
    finder = AdminURLFinder(request.user)
    attach_titles([task])
    return TemplateResponse(request, "review/admin/task_detail.html", {
        "task": task,
        "page_title": _("Translation task"),
        "page_subtitle": task.title,  # type: ignore[attr-defined]
        "header_title": f"{_('Translation task')}: {task.title}",  # type: ignore[attr-defined]
        "header_icon": "tasks",
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("otwarta_review:index"), "label": _("Translation tasks")},
            {"url": "", "label": task.title},  # type: ignore[attr-defined]
        ],
        "source": source,
        "target": target,
        "source_edit_url": finder.get_edit_url(source) if source is not None else None,
        "source_live_url": getattr(source, "url", None) if getattr(source, "live", True) else None,
        "target_edit_url": finder.get_edit_url(target) if target is not None else None,
        "translation_status": status_of(source, task.locale) if source is not None else None,
        "actions": services.allowed_actions(task, request.user),
        "events": task.events.select_related("user"),
        "comment": comment,
    }, status=status)


def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    return _detail_response(request, _visible_task_or_403(request, task_id))


@require_http_methods(["POST"])
def task_transition(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _visible_task_or_403(request, task_id)
    comment = request.POST.get("comment", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    action = request.POST.get("action", "")
    try:
        task = services.transition(task, action, request.user, expected_version=version, comment=comment)
    except (services.TaskError, PermissionDenied) as error:
        # str() now: a lazy message would be translated when stored, after the user's language is gone
        messages.error(request, str(getattr(error, "message", None) or error or _("You may not do this.")))
        task.refresh_from_db()
        # Shown again with what was typed, and 409 for a decision taken on an out-of-date page.
        return _detail_response(request, task, comment=comment,
                                status=409 if isinstance(error, services.StaleTaskError) else 400)
    messages.success(request, _("The task is now “%(state)s”.") % {"state": task.get_state_display()})
    return redirect("otwarta_review:detail", task.pk)


# --- "Mark as reviewed" -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def mark_reviewed_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """GET: what reviewing means and a confirm button. POST: mark the translated page as reviewed."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not services.can_mark_reviewed(page, request.user):
        raise PermissionDenied
    next_url = get_valid_next_url_from_request(request) or reverse("wagtailadmin_pages:edit", args=[page.pk])
    if request.method == "POST":
        try:
            services.mark_translation_reviewed(page, request.user)
        except services.TaskError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("“%(title)s” is marked as reviewed.") % {
                "title": page.get_admin_display_title()})
        return redirect(next_url)
    source = page.get_translation_or_none(Locale.objects.get(language_code=settings.LANGUAGE_CODE))
    return TemplateResponse(request, "review/admin/mark_reviewed.html", {
        "page": page,
        "page_title": _("Mark as reviewed"),
        "source": source,
        "next_url": next_url,
        "status": status_of(page, page.locale),
    })
