from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MachineTranslationConfig(AppConfig):
    name = "otwarta.machine_translation"
    label = "machine_translation"
    verbose_name = _("Machine translation")

    def ready(self) -> None:
        post_migrate.connect(grant_regional_admins, sender=self, dispatch_uid="machine_translation_grant")


def grant_regional_admins(sender: AppConfig, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    """Give the regional administrators the snippet permissions on the glossary and the budgets.

    Runs after every ``migrate``. This app's permissions are created first (Django's own handler for this
    app may run after this one); the group is the one ``institutions.services.regional_admins_group``
    completes with its other rights.
    """
    from django.contrib.auth.management import create_permissions

    create_permissions(sender, verbosity=0, using=using)
    from .permissions import grant_regional_admin_permissions

    grant_regional_admin_permissions(using=using)
