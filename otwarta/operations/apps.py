from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Operations: backup and restore, readiness probe, Prometheus metrics, structured request logs."""

    name = "otwarta.operations"
    label = "operations"
    verbose_name = _("Operations")
