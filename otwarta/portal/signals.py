from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from otwarta.institutions.services import grant_page_rights

from .models import InstitutionPage


@receiver(post_save, sender=InstitutionPage)
def institution_page_rights(sender: type, instance: InstitutionPage, created: bool, **kwargs: Any) -> None:
    """Every locale's copy of an institution's section carries that institution's rights and workflow,
    however it was created (editor, wagtail-localize, demo loader)."""
    if created and not kwargs.get("raw"):
        grant_page_rights(instance.institution, instance)
