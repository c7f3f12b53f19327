from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FormsLibraryConfig(AppConfig):
    name = "otwarta.forms_library"
    label = "forms_library"
    verbose_name = _("Official forms")

    def ready(self) -> None:
        from otwarta.translations.registry import register

        from .models import OfficialForm

        register(OfficialForm, institution_field="institution")
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="forms_library_grant")


def grant_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The regional administrators' group gets the model permissions on official forms (institution members
    need none: see permissions.py). This app's permissions are created first (Django's own handler for this
    app may run after this one)."""
    from django.contrib.auth.management import create_permissions

    create_permissions(sender, verbosity=0, using=using)
    from .permissions import grant_regional_admins

    grant_regional_admins(using=using)
