from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_locales(sender: AppConfig, **kwargs: Any) -> None:
    """After every ``migrate``, each configured language has its Wagtail locale: adding a language to
    ``OTWARTA_LANGUAGES`` and migrating is all a deployment needs (no code, no admin clicks)."""
    from .services import ensure_locales

    ensure_locales()


class PortalConfig(AppConfig):
    name = "otwarta.portal"
    label = "portal"
    verbose_name = _("Information portal")

    def ready(self) -> None:
        from . import signals  # noqa: F401

        post_migrate.connect(sync_locales, sender=self, dispatch_uid="otwarta.portal.sync_locales")
