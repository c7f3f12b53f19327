from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "otwarta.assistance"
    label = "assistance"
    verbose_name = _("Requests for interpreters, assistants and mediators")
    default_auto_field = "django.db.models.BigAutoField"
