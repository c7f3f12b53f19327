"""Admin: the glossary and the budgets (snippets that only regional administrators and superusers may see
and edit — their group holds this app's snippet permissions, see permissions.py); machine translation in the
editor (the shadowed wagtail-localize view, "Translate automatically", bulk jobs); glossary warnings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.models import Locale, Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from otwarta.institutions.services import institutions_for_user

from . import urls, views
from .editor import served_target_codes
from .glossary_checks import warning_message, warnings_for_page, warnings_for_translation
from .models import GlossaryTerm, MachineTranslationBudget
from .ownership import can_machine_translate, is_regional_admin
from .services import characters_used


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "openquote"
    menu_label = _("Glossary")
    list_display = ["term", "translation", "source_lang", "target_lang", "case_sensitive"]
    list_filter = ["source_lang", "target_lang"]
    search_fields = ["term", "translation"]
    copy_view_enabled = True


class UsedThisMonthColumn(Column):
    def get_value(self, instance: MachineTranslationBudget) -> int:
        return characters_used(instance.institution)


class MachineTranslationBudgetViewSet(SnippetViewSet):
    model = MachineTranslationBudget
    icon = "pick"
    menu_label = _("Budgets")
    list_display = ["institution", "monthly_characters",
                    UsedThisMonthColumn("used_this_month", label=_("used this month"))]
    copy_view_enabled = False


class MachineTranslationGroup(SnippetViewSetGroup):
    items = (GlossaryTermViewSet, MachineTranslationBudgetViewSet)
    menu_icon = "openquote"
    menu_label = _("Machine translation")
    menu_order = 260


register_snippet(MachineTranslationGroup)



# --- editor integration: URLs, page actions, glossary warnings ---------------------------------------
# Hooks run in ascending ``order``: these two must come before wagtail-localize's.
FIRST = -100


@hooks.register("register_admin_urls", order=FIRST)
def register_machine_translation_urls() -> list[Any]:
    return [
        # Shadows wagtail-localize's view of the same path: registered with a lower order than its hook, this
        # pattern comes first in the admin's URLconf (test_editor checks that it resolves to our view).
        path("localize/translate/<int:translation_id>/machine_translate/", views.machine_translate,
             name="otwarta_machine_translate"),
        path("machine-translation/", include((urls, "otwarta_machine_translation"),
                                             namespace="otwarta_machine_translation")),
    ]


def _source_locale_id() -> int | None:
    return Locale.objects.filter(language_code=settings.LANGUAGE_CODE).values_list("pk", flat=True).first()


def _machine_translation_buttons(page: Page, user: Any, next_url: str | None, priority: int) -> Iterator[Button]:
    # Cheapest checks first: with no service configured (the default) nothing is queried.
    if page.depth <= 1 or not served_target_codes():
        return
    if page.locale_id != _source_locale_id() or not can_machine_translate(user, page):
        return
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    yield Button(_("Translate automatically"),
                 reverse("otwarta_machine_translation:translate_page", args=[page.pk]) + query,
                 icon_name="globe", priority=priority)
    if page.numchild:
        yield Button(_("Translate automatically with subpages"),
                     reverse("otwarta_machine_translation:bulk_translate", args=[page.pk]),
                     icon_name="globe", priority=priority + 1)


@hooks.register("register_page_header_buttons")
def page_header_machine_translation(page: Page, user: Any, view_name: str | None = None,
                                    next_url: str | None = None) -> Iterator[Button]:
    yield from _machine_translation_buttons(page, user, next_url, priority=70)


@hooks.register("register_page_listing_more_buttons")
def page_listing_machine_translation(page: Page, user: Any, next_url: str | None = None) -> Iterator[Button]:
    yield from _machine_translation_buttons(page, user, next_url, priority=60)


class JobsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return is_regional_admin(request.user) or bool(institutions_for_user(request.user))


@hooks.register("register_reports_menu_item")
def register_jobs_report() -> MenuItem:
    return JobsMenuItem(_("Bulk machine translations"), reverse("otwarta_machine_translation:jobs"),
                        name="bulk-machine-translations", icon_name="globe", order=170)


def _warn_about_glossary(request: HttpRequest, page: Page) -> None:
    if page.locale_id == _source_locale_id():
        return
    warnings = warnings_for_page(page)
    if warnings:
        messages.warning(request, warning_message(warnings))


@hooks.register("after_edit_page")
def glossary_after_edit_page(request: HttpRequest, page: Page) -> None:
    _warn_about_glossary(request, page)


@hooks.register("after_create_page")
def glossary_after_create_page(request: HttpRequest, page: Page) -> None:
    _warn_about_glossary(request, page)


@hooks.register("before_edit_page", order=FIRST)
def glossary_in_translation_editor(request: HttpRequest, page: Page) -> None:
    """On opening wagtail-localize's editor of a synced translation (also where it returns after publishing
    and after machine translation): warn about translated strings that break the glossary. Returns None, so
    wagtail-localize's own hook then shows its editor."""
    from wagtail_localize.models import Translation

    if request.method != "GET" or page.locale_id == _source_locale_id():
        return None
    translation = (Translation.objects.filter(source__object_id=page.translation_key, target_locale_id=page.locale_id,
                                              enabled=True).select_related("source__locale", "target_locale").first())
    if translation is not None:
        warnings = warnings_for_translation(translation)
        if warnings:
            messages.warning(request, warning_message(warnings))
    return None
