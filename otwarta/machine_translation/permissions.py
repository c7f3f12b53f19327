"""Who may edit the glossary and the budgets: the regional administrators (and superusers), through
ordinary snippet (model) permissions held by their group."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from otwarta.institutions.services import REGIONAL_ADMINS

REGIONAL_ADMIN_MODELS = ("glossaryterm", "machinetranslationbudget")
ACTIONS = ("add", "change", "delete", "view")


def grant_regional_admin_permissions(using: str = "default") -> Group:
    group, _created = Group.objects.using(using).get_or_create(name=REGIONAL_ADMINS)
    codenames = [f"{action}_{model}" for model in REGIONAL_ADMIN_MODELS for action in ACTIONS]
    perms = Permission.objects.using(using).filter(
        content_type__app_label="machine_translation", codename__in=codenames
    )
    group.permissions.add(*perms)
    return group
