from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "otwarta.directory"
    label = "directory"
    verbose_name = _("Service directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from otwarta.translations.registry import register

        from . import signals  # noqa: F401  (connects the receivers)
        from .models import Location, Organization, Service, TaxonomyTerm

        for model in (Organization, Service, Location):
            register(model, institution_field="institution", title_field="name")
        register(TaxonomyTerm, institution_field=None, title_field="name")
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="directory_grant")


def grant_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The regional administrators' group gets the model permissions on the directory (institution
    members need none: see permissions.py). This app's permissions are created first (Django's own
    handler for this app may run after this one)."""
    from django.contrib.auth.management import create_permissions

    create_permissions(sender, verbosity=0, using=using)
    from .permissions import grant_regional_admins

    grant_regional_admins(using=using)
