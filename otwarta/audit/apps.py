from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "otwarta.audit"
    label = "otwarta_audit"
    verbose_name = _("Audit log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import registration

        registration.register_models()
        registration.connect_erasure()

        from django.db.models.signals import pre_save
        from wagtail.models import ModelLogEntry, PageLogEntry

        from .services import stamp_wagtail_entry

        for model in (PageLogEntry, ModelLogEntry):
            pre_save.connect(stamp_wagtail_entry, sender=model, dispatch_uid=f"otwarta-audit-{model.__name__}")
