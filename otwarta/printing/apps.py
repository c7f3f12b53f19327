from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "otwarta.printing"
    label = "printing"
    verbose_name = _("Print packs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from otwarta.translations.registry import register

        from . import signals  # noqa: F401  (regenerates packs when their content is published)
        from .models import PrintPack

        register(PrintPack, institution_field="institution", title_field="title")
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="printing_grant")


def grant_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The regional administrators' group gets the model permissions on print packs (institution members
    need none: see permissions.py). This app's permissions are created first."""
    from django.contrib.auth.management import create_permissions

    create_permissions(sender, verbosity=0, using=using)
    from .permissions import grant_regional_admins

    grant_regional_admins(using=using)
