from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    """After every ``migrate``, each target locale has its translator group with its rights (like
    ``portal.apps.sync_locales`` does for the locales themselves)."""
    from .roles import sync_translator_roles

    sync_translator_roles()


class ReviewConfig(AppConfig):
    """Translators per locale, translation tasks assigned to them, review of translations."""

    name = "otwarta.review"
    label = "review"
    verbose_name = _("Translation review")

    def ready(self) -> None:
        from . import signals  # noqa: F401

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="otwarta.review.sync_roles")
