"""Admin for the glossary and the budgets: snippets that only regional administrators (and superusers) may
see and edit — their group holds this app's snippet permissions (see permissions.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import GlossaryTerm, MachineTranslationBudget
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
