from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "otwarta.portal"
    label = "portal"
    verbose_name = _("Information portal")

    def ready(self) -> None:
        from . import signals  # noqa: F401
