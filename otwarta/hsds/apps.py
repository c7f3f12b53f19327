from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HsdsConfig(AppConfig):
    """Open Referral HSDS 3.1: the public API and tabular (CSV/XLSX) exchange of the service directory."""

    name = "otwarta.hsds"
    label = "hsds"
    verbose_name = _("Open Referral data exchange")
