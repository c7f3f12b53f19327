from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaticExportConfig(AppConfig):
    name = "otwarta.staticexport"
    label = "staticexport"
    verbose_name = _("Emergency static copy")
    default_auto_field = "django.db.models.BigAutoField"
