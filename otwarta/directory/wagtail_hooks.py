"""Admin of the service directory: a "Directory" menu with the organisations, services and locations
(each institution sees and changes its own, see permissions.py), the service categories and taxonomies
(regional administrators), the report of records to confirm, and the "Details" page of a record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser, snippets
from wagtail.snippets.widgets import SnippetListingButton

from otwarta.institutions.snippet_admin import OwnRecordsOnly, SourceLocaleCreateView

from . import admin_urls, admin_views
from .admin_forms import DirectoryRecordForm
from .models import Location, Organization, Service, Taxonomy, TaxonomyTerm, source_locale_id
from .permissions import InstitutionRecordPolicy, can, can_use_directory, own_institution_ids


# --- columns --------------------------------------------------------------------------------------------
def assured_state(record: Any) -> str:
    """The date the record was last confirmed, and whether it is due for confirmation."""
    if not record.assured_date:
        return str(_("never confirmed"))
    date = record.assured_date.isoformat()
    if admin_views.is_due(record):
        return str(_("%(date)s — to confirm")) % {"date": date}
    return str(_("%(date)s — current")) % {"date": date}


ASSURED_COLUMN = Column("assured_date", label=_("Information confirmed"), accessor=assured_state,
                        sort_key="assured_date")


# --- views ----------------------------------------------------------------------------------------------
class RecordCreateView(SourceLocaleCreateView):
    def get_success_url(self) -> str:
        """Straight on to the Details page: addresses, opening hours, phones, languages."""
        return admin_views.details_url(self.object)


class RecordEditView(OwnRecordsOnly, snippets.EditView):
    object_action = "change"

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        buttons = list(super().header_more_buttons)
        if self.object.locale_id == source_locale_id():
            label = _("Opening hours, phones, addresses…")
        else:
            label = _("Opening hours, phones, addresses… (Polish record)")
        buttons.append(Button(label, url=admin_views.details_url(self.object), icon_name="list-ul", priority=5))
        return buttons


class RecordDeleteView(OwnRecordsOnly, snippets.DeleteView):
    object_action = "delete"


class RecordUsageView(OwnRecordsOnly, snippets.UsageView):
    object_action = "view"


class RecordHistoryView(OwnRecordsOnly, snippets.HistoryView):
    object_action = "view"


class OwnRecordsChooseView(chooser.ChooseView):
    def get_object_list(self) -> QuerySet[Any]:
        objects = super().get_object_list()
        ids = own_institution_ids(self.request.user)
        return objects if ids is None else objects.filter(institution_id__in=ids)


class OwnRecordsChooseResultsView(chooser.ChooseResultsView):
    def get_object_list(self) -> QuerySet[Any]:
        objects = super().get_object_list()
        ids = own_institution_ids(self.request.user)
        return objects if ids is None else objects.filter(institution_id__in=ids)


class OwnRecordsChosenView(chooser.SnippetChosenView):
    def get_object(self, pk: Any) -> Any:
        record = super().get_object(pk)
        ids = own_institution_ids(self.request.user)
        if ids is not None and record.institution_id not in ids:
            raise PermissionDenied
        return record


class OwnRecordsChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = OwnRecordsChooseView
    choose_results_view_class = OwnRecordsChooseResultsView
    chosen_view_class = OwnRecordsChosenView


# --- viewsets -------------------------------------------------------------------------------------------
class InstitutionRecordViewSet(snippets.SnippetViewSet):
    """Organisations, services and locations: each institution's own, regional administrators all."""

    add_view_class = RecordCreateView
    edit_view_class = RecordEditView
    delete_view_class = RecordDeleteView
    usage_view_class = RecordUsageView
    history_view_class = RecordHistoryView
    chooser_viewset_class = OwnRecordsChooserViewSet
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name", "alternate_name"]
    search_backend_name = None  # the database's own text search, right after every save
    list_per_page = 50

    @cached_property
    def permission_policy(self) -> InstitutionRecordPolicy:
        return InstitutionRecordPolicy(self.model)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.permission_policy.instances_user_has_permission_for(request.user, "change").select_related(
            "institution", "locale")

    @property
    def url_finder_class(self) -> type[ModelAdminURLFinder]:
        """Edit links elsewhere in the admin (translation dashboard, logs) follow the same policy: an
        institution's editor gets links to their own records (Wagtail's default asks for model permissions)."""
        return type(f"{self.model.__name__}URLFinder", (ModelAdminURLFinder,), {
            "edit_url_name": self.get_url_name("edit"), "permission_policy": self.permission_policy})


ASSURANCE_PANEL = MultiFieldPanel([FieldPanel("institution"), FieldPanel("assured_date")],
                                  heading=_("Maintained by"))


class OrganizationViewSet(InstitutionRecordViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "institution", ASSURED_COLUMN]
    list_filter = ["institution"]
    edit_handler = ObjectList([
        FieldPanel("name"), FieldPanel("alternate_name"), FieldPanel("description"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("website")]),
        FieldRowPanel([FieldPanel("legal_status"), FieldPanel("tax_id"), FieldPanel("year_incorporated")]),
        ASSURANCE_PANEL,
    ], base_form_class=DirectoryRecordForm)


class ServiceViewSet(InstitutionRecordViewSet):
    model = Service
    icon = "help"
    menu_label = _("Services")
    list_display = ["name", "organization", "institution", "status", ASSURED_COLUMN]
    list_filter = ["institution", "status", "free_of_charge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("organization")

    edit_handler = TabbedInterface([
        ObjectList([
            FieldPanel("organization", widget=forms.Select), FieldPanel("name"), FieldPanel("alternate_name"),
            FieldPanel("slug"),
            FieldPanel("description"), FieldPanel("status"), FieldPanel("alert"),
            FieldRowPanel([FieldPanel("url"), FieldPanel("email")]),
            FieldPanel("taxonomy_terms"), FieldPanel("service_areas"),
            ASSURANCE_PANEL,
        ], heading=_("Service")),
        ObjectList([
            FieldPanel("interpretation_services"), FieldPanel("application_process"),
            FieldPanel("eligibility_description"),
            FieldRowPanel([FieldPanel("minimum_age"), FieldPanel("maximum_age")]),
            FieldPanel("wait_time"), FieldPanel("required_documents"),
        ], heading=_("Who and how")),
        ObjectList([
            FieldPanel("free_of_charge"), FieldPanel("fees_description"), FieldPanel("cost_options"),
        ], heading=_("Fees")),
    ], base_form_class=DirectoryRecordForm)


class LocationViewSet(InstitutionRecordViewSet):
    model = Location
    icon = "site"
    menu_label = _("Locations")
    list_display = ["name", "organization", "municipality", "institution", ASSURED_COLUMN]
    list_filter = ["institution", "location_type", "wheelchair_accessible"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("organization")

    edit_handler = TabbedInterface([
        ObjectList([
            FieldPanel("organization", widget=forms.Select), FieldPanel("location_type"), FieldPanel("name"),
            FieldPanel("alternate_name"), FieldPanel("description"), FieldPanel("transportation"),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            FieldRowPanel([FieldPanel("county"), FieldPanel("municipality")]),
            ASSURANCE_PANEL,
        ], heading=_("Location")),
        ObjectList([
            FieldPanel("wheelchair_accessible"), FieldPanel("accessibility"), FieldPanel("closed_on_public_holidays"),
        ], heading=_("Accessibility and holidays")),
    ], base_form_class=DirectoryRecordForm)


class TaxonomyTermViewSet(snippets.SnippetViewSet):
    """Service categories: regional administrators edit them (model permissions); everybody chooses
    among them in the service form."""

    model = TaxonomyTerm
    add_view_class = SourceLocaleCreateView
    icon = "tag"
    menu_label = _("Service categories")
    list_display = ["name", "code", "taxonomy", "parent", "sort_order"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList([
        FieldPanel("taxonomy"), FieldPanel("name"), FieldPanel("code"), FieldPanel("description"),
        FieldPanel("parent"), FieldPanel("term_uri"), FieldPanel("sort_order"),
    ], base_form_class=DirectoryRecordForm)

    @cached_property
    def permission_policy(self) -> ModelPermissionPolicy:
        return ModelPermissionPolicy(self.model)


class TaxonomyViewSet(snippets.SnippetViewSet):
    model = Taxonomy
    icon = "list-ul"
    menu_label = _("Taxonomies")
    list_display = ["name", "version", "uri"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False


class DirectoryMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_use_directory(request.user)


class DirectoryEditingViewSet(ViewSet):
    """The "Details" pages, the report of records to confirm and the confirmation action."""

    name = "directory_admin"
    url_prefix = "directory"
    icon = "calendar-check"
    menu_label = _("Records to confirm")

    def get_urlpatterns(self) -> list[Any]:
        return list(admin_urls.urlpatterns)

    @cached_property
    def menu_url(self) -> str:
        return reverse("directory_admin:to_confirm")

    def get_menu_item(self, order: int | None = None) -> MenuItem:
        return DirectoryMenuItem(self.menu_label, self.menu_url, name="directory-to-confirm",
                                 icon_name=self.icon, order=order if order is not None else 900)


class DirectoryViewSetGroup(snippets.SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "site"
    menu_order = 230
    items = (OrganizationViewSet, ServiceViewSet, LocationViewSet, DirectoryEditingViewSet, TaxonomyTermViewSet,
             TaxonomyViewSet)


register_snippet(DirectoryViewSetGroup)


@hooks.register("register_snippet_listing_buttons")
def details_listing_button(snippet: Any, user: Any, next_url: str | None = None) -> Any:
    if isinstance(snippet, Organization | Service | Location) and can(user, "change", snippet):
        yield SnippetListingButton(_("Opening hours, phones, addresses…"), admin_views.details_url(snippet),
                                   icon_name="list-ul", priority=15)


# --- wagtail-localize's "Translate" ------------------------------------------------------------------
def submit_translation(request: HttpRequest, model_name: str, pk: str) -> Any:
    """wagtail-localize's "Translate" checks only its own permission: for organisations, services and
    locations, the user must also maintain the record, and service categories are translated by regional
    administrators (this URL is matched before wagtail-localize's)."""
    from wagtail_localize.views.submit_translations import SubmitSnippetTranslationView

    if model_name in ("taxonomyterm", "taxonomy") and not request.user.has_perm(f"directory.change_{model_name}"):
        raise PermissionDenied  # service categories: regional administrators
    model = admin_views.RECORD_MODELS.get(model_name)
    if model is not None:
        record = model.objects.filter(pk=pk).first()
        if record is not None and not can(request.user, "change", record):
            raise PermissionDenied
    return SubmitSnippetTranslationView.as_view()(request, app_label="directory", model_name=model_name, pk=pk)


@hooks.register("register_admin_urls", order=-10)  # before wagtail-localize's own URL
def register_translate_guard() -> list[Any]:
    return [path("localize/submit/snippet/directory/<str:model_name>/<str:pk>/", submit_translation,
                 name="directory_submit_translation")]


# --- audit log ------------------------------------------------------------------------------------------
@hooks.register("register_log_actions")
def register_directory_log_actions(actions: Any) -> None:
    @actions.register_action(admin_views.DETAILS_ACTION)
    class DetailsSaved(LogFormatter):
        label = _("Save details")

        def format_message(self, log_entry: Any) -> str:
            changes = (log_entry.data or {}).get("changes") or {}
            if not changes:
                return str(_("Details saved without changes"))
            return str(_("Details saved: %(parts)s")) % {"parts": ", ".join(sorted(changes))}

    @actions.register_action(admin_views.ASSURE_ACTION)
    class Assured(LogFormatter):
        label = _("Confirm still correct")

        def format_message(self, log_entry: Any) -> str:
            return str(_("Information confirmed as correct on %(date)s")) % {
                "date": (log_entry.data or {}).get("assured_date", "")}

