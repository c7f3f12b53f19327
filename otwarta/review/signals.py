"""Translator roles follow the locales and their home pages, however they are created (migrate, the locale
admin, wagtail-localize copying the Polish home page into a new locale, the demo loader)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Locale

from otwarta.portal.models import HomePage

from .roles import ensure_translator_role, is_target_locale


@receiver(post_save, sender=Locale)
def locale_added(sender: type, instance: Locale, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw and is_target_locale(instance):
        ensure_translator_role(instance)


@receiver(post_save, sender=HomePage)
def home_page_added(sender: type, instance: HomePage, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw and is_target_locale(instance.locale):
        ensure_translator_role(instance.locale)
