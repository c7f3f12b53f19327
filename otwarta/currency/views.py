"""Admin views: confirm "mark as checked", the "Pages to check" and "Broken links" reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from otwarta.institutions.models import Institution
from otwarta.institutions.services import institutions_for_user
from otwarta.portal.models import ArticlePage, ReviewState

from .digest import admin_url
from .models import ExternalLink
from .services import attach_translations, can_mark_checked, mark_checked, review_queryset, translation_count

# --- mark as checked ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mark_checked_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """GET: what checking means and a confirm button. POST: mark the page and its translations."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, ArticlePage) or not can_mark_checked(page, request.user):
        raise PermissionDenied
    next_url = get_valid_next_url_from_request(request) or reverse("wagtailadmin_pages:edit", args=[page.pk])
    if request.method == "POST":
        updated = mark_checked(page, request.user)
        messages.success(request, ngettext(
            "“%(title)s” marked as checked today.",
            "“%(title)s” and its translations marked as checked today (%(count)d pages).",
            len(updated),
        ) % {"title": page.get_admin_display_title(), "count": len(updated)})
        return redirect(next_url)
    return TemplateResponse(request, "currency/admin/mark_checked.html", {
        "page": page,
        "page_title": _("Mark as checked"),
        "translation_count": translation_count(page),
        "next_url": next_url,
        "has_unpublished_changes": page.has_unpublished_changes,
    })


# --- shared pieces --------------------------------------------------------------------------------


def _user_institutions(request: HttpRequest) -> list[Institution]:
    if not hasattr(request, "_otwarta_institutions"):
        request._otwarta_institutions = institutions_for_user(request.user)  # type: ignore[attr-defined]
    return request._otwarta_institutions  # type: ignore[attr-defined, no-any-return]


class DateValueColumn(Column):
    """A date shown as a date (the due date is often in the future, "in 3 days" would hide it)."""

    def get_value(self, instance: Any) -> str:
        value = super().get_value(instance)
        return date_format(value, "DATE_FORMAT") if isinstance(value, dt.date) else ""


class LinkColumn(Column):
    """A cell with one link; the accessor returns ``(url, text)`` or ``None``."""

    cell_template_name = "currency/admin/link_cell.html"


class InstitutionRestrictedReport(ReportView):
    """Reports only for people who work for an institution (regional administrators see all)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _user_institutions(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _institution_filter_queryset(request: HttpRequest) -> QuerySet[Institution]:
    return Institution.objects.filter(pk__in=[i.pk for i in _user_institutions(request)]).order_by("name")


# --- pages to check -------------------------------------------------------------------------------

ALL_STATES = "all"


class PagesToCheckFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=_institution_filter_queryset, field_name="institution",
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), method="filter_state", empty_label=_("Needs checking"),
        choices=[*ReviewState.choices, (ALL_STATES, _("All pages"))],
    )

    class Meta:
        model = ArticlePage
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[ArticlePage], name: str, value: str) -> QuerySet[ArticlePage]:
        if value == ALL_STATES:
            return queryset
        return queryset.filter(**{"review_status": value})


def _translations_text(page: ArticlePage) -> str:
    return ", ".join(getattr(page, "translation_codes", []))


class PagesToCheckView(InstitutionRestrictedReport):
    page_title = _("Pages to check")
    header_icon = "time"
    filterset_class = PagesToCheckFilterSet
    index_url_name = "otwarta_currency:pages_report"
    index_results_url_name = "otwarta_currency:pages_report_results"
    export_filename = "pages-to-check"
    columns = [
        TitleColumn("title", label=_("Page"), url_name="wagtailadmin_pages:edit"),
        Column("institution", label=_("Institution")),
        Column("review_status_label", label=_("State")),
        DateValueColumn("due_on", label=_("Check due on")),
        DateValueColumn("last_reviewed_at", label=_("Last checked on")),
        Column("translations_text", label=_("Translations")),
        LinkColumn("check_link", label=_("Action")),
    ]
    list_export = ["title", "institution.name", "review_status_label", "due_on", "last_reviewed_at",
                   "review_interval_days", "locale.language_code", "translations_text", "edit_url"]
    export_headings = {
        "title": _("Page"), "institution.name": _("Institution"), "review_status_label": _("State"),
        "due_on": _("Check due on"), "last_reviewed_at": _("Last checked on"),
        "review_interval_days": _("Check every (days)"), "locale.language_code": _("Language"),
        "translations_text": _("Translations"), "edit_url": _("Edit"),
    }

    def get_queryset(self) -> QuerySet[ArticlePage]:
        queryset = review_queryset(user=self.request.user, states=None)
        if not self.request.GET.get("state"):
            queryset = queryset.exclude(**{"review_status": ReviewState.CURRENT.value})
        self.queryset = queryset
        return super().get_queryset()

    def decorate_paginated_queryset(self, object_list: Any) -> Any:
        # Decorate the very objects the table shows (the queryset's result cache).
        pages = attach_translations(object_list)
        user = self.request.user
        query = self.request.GET.copy()
        query.pop("export", None)
        back = self.index_url + (f"?{query.urlencode()}" if query else "")
        for page in pages:
            page.review_status_label = ReviewState(page.review_status).label
            page.translations_text = _translations_text(page)
            page.edit_url = admin_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))
            page.check_link = (
                (reverse("otwarta_currency:mark_checked", args=[page.pk]) + "?" + urlencode({"next": back}),
                 _("Mark as checked"))
                if not self.is_export and can_mark_checked(page, user) else None
            )
        return object_list


# --- broken links ---------------------------------------------------------------------------------


class BrokenLinksFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=_institution_filter_queryset, field_name="page__institution",
    )

    class Meta:
        model = ExternalLink
        fields: list[str] = []


class BrokenLinksView(InstitutionRestrictedReport):
    page_title = _("Broken links")
    header_icon = "link-external"
    filterset_class = BrokenLinksFilterSet
    index_url_name = "otwarta_currency:broken_links"
    index_results_url_name = "otwarta_currency:broken_links_results"
    export_filename = "broken-links"
    columns = [
        TitleColumn("page", label=_("Page"), url_name="wagtailadmin_pages:edit", id_accessor="page_id"),
        Column("language", label=_("Language"), accessor="page.locale.language_code"),
        Column("institution", label=_("Institution"), accessor="page.institution"),
        Column("text", label=_("Link text")),
        LinkColumn("address", label=_("Address"), accessor=lambda link: (link.url, link.url)),
        Column("problem", label=_("Problem")),
        Column("consecutive_failures", label=_("Failed checks in a row")),
        DateValueColumn("last_checked_date", label=_("Last checked on")),
    ]
    list_export = ["page.title", "page.locale.language_code", "page.institution.name", "text", "url", "problem",
                   "status_code", "error", "final_url", "consecutive_failures", "first_seen", "last_checked"]
    export_headings = {
        "page.title": _("Page"), "page.locale.language_code": _("Language"), "page.institution.name": _("Institution"),
        "text": _("Link text"), "url": _("Address"), "problem": _("Problem"), "status_code": _("HTTP status"),
        "error": _("Technical details"), "final_url": _("Address after redirects"),
        "consecutive_failures": _("Failed checks in a row"), "first_seen": _("First seen"),
        "last_checked": _("Last checked"),
    }

    def get_queryset(self) -> QuerySet[ExternalLink]:
        self.queryset = (
            ExternalLink.objects.filter(broken=True, page__institution__in=_user_institutions(self.request))
            .select_related("page", "page__locale", "page__institution")
            .order_by("page__institution__name", "page__title", "page__locale__language_code", "url")
        )
        return super().get_queryset()

    def decorate_paginated_queryset(self, object_list: Any) -> Any:
        for link in object_list:
            link.last_checked_date = timezone.localtime(link.last_checked).date() if link.last_checked else None
        return object_list
