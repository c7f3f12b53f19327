"""Admin of print packs: a "Print packs" menu with the packs (each institution sees and changes its own,
regional administrators all; see permissions.py), the report of packs to fix, and the "Files and problems"
page of a pack (problems to fix, generated PDFs, "Generate again"). Saving a pack queues its PDFs."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList, PageChooserPanel, Panel
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets
from wagtail.snippets.widgets import SnippetListingButton

from otwarta.directory.models import Service, source_locale_id
from otwarta.institutions.permissions import InstitutionRecordPolicy
from otwarta.institutions.snippet_admin import OwnRecordsOnly, SourceLocaleCreateView

from . import admin_urls, admin_views, permissions
from .admin_forms import PackItemForm, PrintPackForm
from .models import PrintPack

logger = logging.getLogger(__name__)


# --- views ----------------------------------------------------------------------------------------------
class PackCreateView(SourceLocaleCreateView):
    """New packs are Polish (the source, which holds the parts): translations are made with "Translate"."""


class PackEditView(OwnRecordsOnly, snippets.EditView):
    """The edit form, with the pack's problems and files above it."""

    object_action = "change"

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        buttons = list(super().header_more_buttons)
        buttons.append(Button(_("Files and problems"), url=admin_views.status_url(self.object), icon_name="warning",
                              priority=5))
        return buttons

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["pack_status"] = admin_views.status_context(self.request, self.object)
        return context


class PackDeleteView(OwnRecordsOnly, snippets.DeleteView):
    object_action = "delete"


class PackUsageView(OwnRecordsOnly, snippets.UsageView):
    object_action = "view"


class PackHistoryView(OwnRecordsOnly, snippets.HistoryView):
    object_action = "view"


# --- a chooser of Polish services (any institution's: a pack may show them all) -------------------------
class PolishServicesOnly:
    model_class: Any

    def get_object_list(self) -> QuerySet[Any]:
        return Service.objects.filter(locale_id=source_locale_id()).select_related("organization")

    @cached_property
    def i18n_enabled(self) -> bool:
        return False  # no locale filter: only Polish records are listed


class ServiceChooseView(PolishServicesOnly, chooser_views.ChooseView):
    pass


class ServiceChooseResultsView(PolishServicesOnly, chooser_views.ChooseResultsView):
    pass


class ServiceChosenView(chooser_views.ChosenView):
    def get_object(self, pk: Any) -> Any:
        service = super().get_object(pk)
        if service.locale_id != source_locale_id():
            raise PermissionDenied
        return service


class PackServiceChooserViewSet(ChooserViewSet):
    model = Service
    icon = "help"
    choose_one_text = _("Choose a service")
    choose_another_text = _("Choose another service")
    choose_view_class = ServiceChooseView
    choose_results_view_class = ServiceChooseResultsView
    chosen_view_class = ServiceChosenView
    register_widget = False  # the directory's own service chooser stays the default elsewhere
    url_prefix = "printing/choose-service"


service_chooser = PackServiceChooserViewSet("printing_service_chooser")


@hooks.register("register_admin_viewset")
def register_service_chooser() -> ViewSet:
    return service_chooser


# --- panels -------------------------------------------------------------------------------------------
class PackItemsPanel(InlinePanel):
    """The parts of the pack, validated by ``PackItemForm``. Not shown on a translation of the pack: its
    parts are those of the Polish pack (the form leaves the formset out)."""

    def get_form_options(self) -> dict[str, Any]:
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = PackItemForm
        return options

    class BoundPanel(InlinePanel.BoundPanel):
        def __init__(self, **kwargs: Any) -> None:
            form = kwargs.get("form")
            self.left_out = form is not None and kwargs["panel"].relation_name not in form.formsets
            if self.left_out:
                Panel.BoundPanel.__init__(self, **kwargs)
                self.label = self.panel.label
                return
            super().__init__(**kwargs)

        def is_shown(self) -> bool:
            return not self.left_out and super().is_shown()


KIND_HELP = _("Fill in the field for this kind of part: the page (and, for a section, its heading), the "
              "service, the institution or the register. The other fields are cleared when the pack is saved.")

PACK_PANELS = ObjectList([
    FieldPanel("pack_type"), FieldPanel("title"), FieldPanel("subtitle"), FieldPanel("introduction"),
    FieldPanel("institution", widget=forms.Select), FieldPanel("slug"), FieldPanel("cover_image"),
    FieldPanel("listed"),
    PackItemsPanel("items", heading=_("Parts of the pack"), label=_("Part"), panels=[
        FieldPanel("kind", help_text=KIND_HELP),
        PageChooserPanel("page"),
        FieldPanel("section_heading"),
        FieldPanel("service", widget=service_chooser.widget_class),
        FieldPanel("institution", widget=forms.Select),
        FieldPanel("register", widget=forms.Select),
    ]),
], base_form_class=PrintPackForm)


# --- viewsets -------------------------------------------------------------------------------------------
def pack_language(pack: PrintPack) -> str:
    return admin_views.language_name(pack.locale.language_code)


class PrintPackViewSet(snippets.SnippetViewSet):
    model = PrintPack
    icon = "doc-full"
    menu_label = _("Packs")
    add_view_class = PackCreateView
    edit_view_class = PackEditView
    delete_view_class = PackDeleteView
    usage_view_class = PackUsageView
    history_view_class = PackHistoryView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["title", "pack_type", "institution", "listed", "updated_at"]
    list_filter = ["institution", "pack_type", "listed"]
    search_fields = ["title", "subtitle"]
    search_backend_name = None  # the database's own text search
    edit_handler = PACK_PANELS
    edit_template_name = "printing/admin/edit.html"  # the problems and files above the form

    @cached_property
    def permission_policy(self) -> InstitutionRecordPolicy:
        return permissions.pack_policy()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.permission_policy.instances_user_has_permission_for(request.user, "change").select_related(
            "institution", "locale")

    @property
    def url_finder_class(self) -> type[ModelAdminURLFinder]:
        """Edit links elsewhere in the admin (logs, translations) follow the same policy."""
        return type("PrintPackURLFinder", (ModelAdminURLFinder,), {
            "edit_url_name": self.get_url_name("edit"), "permission_policy": self.permission_policy})


class PackEditorsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return permissions.can_edit_packs(request.user)


class PacksToFixViewSet(ViewSet):
    """The "Files and problems" pages, the report of packs to fix and "Generate again"."""

    name = "printing_admin"
    url_prefix = "printing"
    icon = "warning"
    menu_label = _("Packs to fix")

    def get_urlpatterns(self) -> list[Any]:
        return list(admin_urls.urlpatterns)

    @cached_property
    def menu_url(self) -> str:
        return reverse("printing_admin:to_fix")

    def get_menu_item(self, order: int | None = None) -> MenuItem:
        return PackEditorsMenuItem(self.menu_label, self.menu_url, name="printing-to-fix", icon_name=self.icon,
                                   order=order if order is not None else 900)


class PrintViewSetGroup(snippets.SnippetViewSetGroup):
    menu_label = _("Print packs")
    menu_icon = "doc-full"
    menu_order = 245
    items = (PrintPackViewSet, PacksToFixViewSet)


register_snippet(PrintViewSetGroup)


@hooks.register("register_snippet_listing_buttons")
def status_listing_button(snippet: Any, user: Any, next_url: str | None = None) -> Any:
    if isinstance(snippet, PrintPack) and permissions.can(user, "view", snippet):
        yield SnippetListingButton(_("Files and problems"), admin_views.status_url(snippet), icon_name="warning",
                                   priority=15)


# --- PDFs after saving ------------------------------------------------------------------------------
@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def queue_pack_files(request: HttpRequest, instance: Any) -> None:
    """A new or changed pack: its PDFs are generated again in the background (unchanged ones are kept)."""
    if not isinstance(instance, PrintPack):
        return
    from . import services

    try:
        services.request_generation(instance.source_pack())
    except Exception:  # the pack is saved; the editor can ask again with "Generate again"
        logger.exception("Could not queue the PDFs of the print pack %s", instance.pk)
        messages.warning(request, gettext("The pack was saved, but its PDFs could not be queued. Use “Generate "
                                          "again” on its “Files and problems” page."))


# --- wagtail-localize's "Translate" ------------------------------------------------------------------
def submit_translation(request: HttpRequest, pk: str) -> Any:
    """wagtail-localize's "Translate" checks only its own permission: the user must also maintain the pack
    (this URL is matched before wagtail-localize's)."""
    from wagtail_localize.views.submit_translations import SubmitSnippetTranslationView

    pack = PrintPack.objects.filter(pk=pk).first()
    if pack is not None and not permissions.can(request.user, "change", pack):
        raise PermissionDenied
    return SubmitSnippetTranslationView.as_view()(request, app_label="printing", model_name="printpack", pk=pk)


@hooks.register("register_admin_urls", order=-10)  # before wagtail-localize's own URL
def register_translate_guard() -> list[Any]:
    return [path("localize/submit/snippet/printing/printpack/<str:pk>/", submit_translation,
                 name="printing_submit_translation")]


# --- audit log ------------------------------------------------------------------------------------------
@hooks.register("register_log_actions")
def register_printing_log_actions(actions: Any) -> None:
    @actions.register_action(admin_views.REGENERATE_ACTION)
    class Regenerated(LogFormatter):
        label = _("Generate the PDFs again")

        def format_message(self, log_entry: Any) -> str:
            return str(_("PDFs queued to be generated again"))
