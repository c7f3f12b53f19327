"""Publishing records translation facts: a Polish source's significant change, or a translation being
brought up to date. A change flagged as minor records nothing (models.MinorChangeMixin)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import DraftStateMixin, Page
from wagtail.signals import page_published, published

from . import services
from .models import Origin
from .registry import tracked_for


def record_publication(instance: Any, user: Any = None) -> None:
    if not hasattr(instance, "translation_key") or tracked_for(type(instance)) is None:
        return
    synced = services.is_synced_translation(instance) if not services.is_source(instance) else False
    # wagtail-localize copies the source's fields into a synced translation, the minor flag included;
    # only an edit of the translation itself can be minor.
    if getattr(instance, "minor_change", False) and not synced:
        return
    at = getattr(instance, "last_published_at", None)
    if services.is_source(instance):
        services.record_source_change(instance, at=at)
    else:
        origin = Origin.MACHINE if synced and services.machine_strings_in_use(instance) else Origin.HUMAN
        services.record_sync(instance, origin=origin, user=user, at=at)


@receiver(page_published)
def page_was_published(sender: type, instance: Page, revision: Any = None, **kwargs: Any) -> None:
    user = getattr(revision, "user", None)
    record_publication(instance.specific if type(instance) is Page else instance, user=user)


@receiver(published)
def snippet_was_published(sender: type, instance: Any, revision: Any = None, **kwargs: Any) -> None:
    if not isinstance(instance, Page):
        record_publication(instance, user=getattr(revision, "user", None))


@receiver(post_save)
def snippet_was_saved(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Snippets without drafts are live as soon as they are saved."""
    if raw or isinstance(instance, Page | DraftStateMixin) or tracked_for(type(instance)) is None:
        return
    record_publication(instance)
