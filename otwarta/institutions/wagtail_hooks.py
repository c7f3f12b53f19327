"""Wagtail admin for institutions and areas, and the guards that keep editorial rights per institution.

* Institutions and areas are snippets (so choosers, history and the audit log work). Only regional
  administrators hold the add/change/delete permissions; an institution's editors and moderators hold
  ``view_institution`` and see their own institution only (listing and inspect view).
* Creating or changing an institution (re)builds its groups, workflow and page rights.
* Only regional administrators may move an institution section to another institution.
* Only superusers may create superusers or change superuser accounts.
* wagtail-2fa's code prompt and device management views are replaced by fixed ones (see two_factor).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, InspectView, SnippetViewSet, SnippetViewSetGroup

from . import two_factor
from .models import Area, Institution
from .services import institutions_for_user, setup_institution

MANAGE_INSTITUTIONS = "institutions.change_institution"


def visible_institutions(user: Any) -> QuerySet[Institution]:
    """Every institution for those who manage them; otherwise the user's own institutions."""
    if user.has_perm(MANAGE_INSTITUTIONS):
        return Institution.objects.all()
    return Institution.objects.filter(pk__in=[i.pk for i in institutions_for_user(user)])


class InstitutionInspectView(InspectView):
    def get_object(self, queryset: Any = None) -> Institution:
        institution = super().get_object(queryset)
        if not visible_institutions(self.request.user).filter(pk=institution.pk).exists():
            raise PermissionDenied
        return institution


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "group"
    menu_label = _("Institutions")
    list_display = ["name", "short_name", "kind", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    inspect_view_enabled = True
    inspect_view_class = InstitutionInspectView
    inspect_view_fields = ["name", "short_name", "slug", "kind", "website", "email", "phone", "address",
                           "opening_hours"]
    copy_view_enabled = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Institution]:
        return visible_institutions(request.user).order_by("name")


class AreaDeleteView(DeleteView):
    """An area still named by institutions, services or requests is protected (``on_delete=PROTECT``):
    say so instead of failing with a server error (found by the permission matrix test)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with transaction.atomic():
                return super().post(request, *args, **kwargs)
        except ProtectedError:
            messages.error(request, _("This area is still in use and cannot be deleted."))
            return redirect(self.get_success_url())


class AreaViewSet(SnippetViewSet):
    model = Area
    delete_view_class = AreaDeleteView
    icon = "site"
    menu_label = _("Areas")
    list_display = ["name", "kind", "teryt", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "teryt"]
    copy_view_enabled = False


class InstitutionsGroup(SnippetViewSetGroup):
    items = (InstitutionViewSet, AreaViewSet)
    menu_icon = "group"
    menu_label = _("Institutions and areas")
    menu_order = 250


register_snippet(InstitutionsGroup)


@hooks.register("register_admin_urls", order=-1)
def two_factor_urls() -> list[URLPattern]:
    """Registered before wagtail-2fa's own URLs, so these views answer at the same addresses."""
    return [
        path("2fa/auth", two_factor.LoginView.as_view(), name="wagtail_2fa_auth"),
        path("2fa/devices/<int:user_id>", two_factor.DeviceListView.as_view(), name="wagtail_2fa_device_list"),
        path("2fa/devices/<int:pk>/remove", two_factor.DeviceDeleteView.as_view(), name="wagtail_2fa_device_remove"),
    ]


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def set_up_institution(request: HttpRequest, instance: Any) -> None:
    """A new or renamed institution gets (or keeps, renamed) its groups, workflow and page rights."""
    if isinstance(instance, Institution):
        setup_institution(instance)


@hooks.register("before_edit_page")
def keep_institution_section_owner(request: HttpRequest, page: Page) -> None:
    """Editors and moderators may edit their institution's section page, but not hand it (and with it
    their articles) to another institution: that stays with the regional administrators."""
    from otwarta.portal.models import InstitutionPage

    specific = page.specific
    if request.method != "POST" or not isinstance(specific, InstitutionPage):
        return
    if request.user.has_perm(MANAGE_INSTITUTIONS):
        return
    submitted = request.POST.get("institution")
    if submitted is None:
        return
    current = {str(specific.institution_id)}
    latest = page.get_latest_revision()
    if latest is not None:  # a draft the regional administrators saved may already name another one
        current.add(str(latest.content.get("institution")))
    if submitted not in current:
        raise PermissionDenied


@hooks.register("before_move_page")
def guard_move_confirmation(request: HttpRequest, page: Page, destination: Page) -> None:
    """Wagtail checks the right to move only when the move is posted: its confirmation page (GET) opened
    for any admin account, e.g. another institution's editor (found by the permission matrix test)."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("before_create_user")
def guard_superuser_creation(request: HttpRequest) -> None:
    if request.method == "POST" and request.POST.get("is_superuser") and not request.user.is_superuser:
        raise PermissionDenied


@hooks.register("before_edit_user")
def guard_superuser_accounts(request: HttpRequest, user: Any) -> None:
    """Regional administrators manage accounts, but cannot take over or mint superusers."""
    if request.user.is_superuser:
        return
    if user.is_superuser or (request.method == "POST" and request.POST.get("is_superuser")):
        raise PermissionDenied
