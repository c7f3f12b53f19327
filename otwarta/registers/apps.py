from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "otwarta.registers"
    label = "registers"
    verbose_name = _("Registers of interpreters, assistants and mediators")
    default_auto_field = "django.db.models.BigAutoField"
