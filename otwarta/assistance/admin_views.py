"""Coordinator views in the Wagtail admin ("Requests"): the list with filters, and a request with its
details, history, assignment, transitions and notes. Only the coordinators of a request's register see it
(services.coordinated_registers)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView

from otwarta.registers.models import Person, Register

from . import services
from .languages import language_name
from .models import OPEN_STATES, AssistanceRequest, RequestState

OPEN = "open"


def _registers(request: HttpRequest) -> QuerySet[Register]:
    return services.coordinated_registers(request.user)


class RequestFilterSet(WagtailFilterSet):
    register = django_filters.ModelChoiceFilter(label=_("Register"), queryset=_registers, field_name="register")
    state = django_filters.ChoiceFilter(
        label=_("State"), method="filter_state", empty_label=_("All states"),
        choices=[(OPEN, _("Open (new or assigned)")), *RequestState.choices],
    )

    class Meta:
        model = AssistanceRequest
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[AssistanceRequest], name: str,
                     value: str) -> QuerySet[AssistanceRequest]:
        return queryset.filter(state__in=OPEN_STATES) if value == OPEN else queryset.filter(state=value)


class DateTimeColumn(Column):
    def get_value(self, instance: Any) -> str:
        value = super().get_value(instance)
        return date_format(timezone.localtime(value), "DATETIME_FORMAT") if isinstance(value, dt.datetime) else ""


class RequestIndexView(IndexView):
    model = AssistanceRequest
    page_title = _("Requests")
    header_icon = "mail"
    index_url_name = "otwarta_assistance:index"
    index_results_url_name = "otwarta_assistance:index_results"
    filterset_class = RequestFilterSet
    default_ordering = "-created_at"
    columns = [
        TitleColumn("number", label=_("No."), accessor="pk",
                    get_url=lambda req: reverse("otwarta_assistance:detail", args=[req.pk])),
        Column("register", label=_("Register"), accessor="register.get_kind_display"),
        Column("language", label=_("Language"), accessor="language_label"),
        DateTimeColumn("starts_at", label=_("Date and time wanted"), sort_key="starts_at"),
        StatusTagColumn("get_state_display", label=_("State"), primary=lambda req: req.state == RequestState.NEW),
        Column("assigned_person", label=_("Assigned person"), accessor="assigned_person"),
        DateTimeColumn("created_at", label=_("Created"), sort_key="created_at"),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not services.can_coordinate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[AssistanceRequest]:
        return services.visible_requests(self.request.user).select_related("register", "assigned_person")

    def get_add_url(self) -> str | None:
        return None

    def get_table(self, object_list: Any) -> Any:
        for req in object_list:
            req.language_label = language_name(req.language)
        return super().get_table(object_list)


def _visible_or_403(request: HttpRequest, request_id: int) -> AssistanceRequest:
    req = get_object_or_404(AssistanceRequest.objects.select_related("register", "assigned_person", "county"),
                            pk=request_id)
    if not services.can_coordinate(request.user, req.register):
        raise PermissionDenied
    return req


def _detail_response(request: HttpRequest, req: AssistanceRequest, *, note: str = "", person_id: str = "",
                     status: int = 200) -> TemplateResponse:
    try:
        matching, others = services.assignment_candidates(req)
    except ImportError:  # no rota module yet: everyone of the register
        matching, others = [], list(Person.objects.filter(register=req.register))
    title = _("Request no. %(number)s") % {"number": req.pk}
    return TemplateResponse(request, "assistance/admin/detail.html", {
        "req": req,
        "page_title": title,
        "header_title": title,
        "header_icon": "mail",
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("otwarta_assistance:index"), "label": _("Requests")},
            {"url": "", "label": title},
        ],
        "language": language_name(req.language),
        "actions": services.allowed_actions(req, request.user),
        "matching": matching,
        "others": others,
        "events": req.events.select_related("user", "person"),
        "note": note,
        "person_id": person_id or (str(req.assigned_person_id) if req.assigned_person_id else ""),
    }, status=status)


def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail_response(request, _visible_or_403(request, request_id))


@require_http_methods(["POST"])
def request_transition(request: HttpRequest, request_id: int) -> HttpResponse:
    req = _visible_or_403(request, request_id)
    note = request.POST.get("note", "")
    person_id = request.POST.get("person", "")
    action = request.POST.get("action", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    person = None
    if action == "assign" and person_id:
        try:
            person = Person.objects.filter(pk=uuid.UUID(person_id), register=req.register).first()
        except ValueError:  # a malformed id: treated as no choice
            person = None
    try:
        req = services.transition(req, action, user=request.user, expected_version=version, person=person,
                                  note=note)
    except (services.RequestError, PermissionDenied) as error:
        # str() now: a lazy message would be translated when stored, after the user's language is gone
        messages.error(request, str(getattr(error, "message", None) or error or _("You may not do this.")))
        req.refresh_from_db()
        # Shown again with what was typed, and 409 for a decision taken on an out-of-date page.
        return _detail_response(request, req, note=note, person_id=person_id,
                                status=409 if isinstance(error, services.StaleRequestError) else 400)
    if action == "note":
        messages.success(request, str(_("The note was added.")))
    else:
        messages.success(request, str(_("The request is now “%(state)s”.") % {"state": req.get_state_display()}))
    return redirect("otwarta_assistance:detail", req.pk)
