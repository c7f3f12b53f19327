"""Deleting a Polish (source) record deletes its translations; its child records go with it through their
foreign keys (on_delete=CASCADE), and so do the services and locations of a deleted organisation."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Location, Organization, Service, TaxonomyTerm, source_locale_id

TRANSLATABLE = (Organization, Service, Location, TaxonomyTerm)


def delete_translations(record: Any) -> int:
    """Delete the translations of the source ``record``; returns how many rows went."""
    if record.locale_id != source_locale_id():
        return 0
    deleted, _per_model = (type(record)._default_manager.filter(translation_key=record.translation_key)
                           .exclude(locale_id=record.locale_id).delete())
    return deleted


@receiver(post_delete, dispatch_uid="directory_delete_translations")
def source_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, TRANSLATABLE):
        delete_translations(instance)
