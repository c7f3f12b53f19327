"""Regenerates the PDFs of print packs when something they show changes (see ``services``).

Publishing, unpublishing, deleting or moving a page (or changing its slug), and saving a directory service
(any translation), an institution, a register or one of its hotlines queue the packs that show it (every
language and format; only the files whose content hash changed are rendered again). When no pack shows the
object, a handler costs one query. Generations are enqueued when the transaction commits, once per file
however many signals asked for it. (Saving a pack in the admin queues its files: see ``wagtail_hooks``.)
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from otwarta.directory.models import Service
from otwarta.institutions.models import Institution
from otwarta.registers.models import Hotline, Register

from . import services
from .models import PackFile

logger = logging.getLogger(__name__)


def regenerate(packs: Any) -> int:
    """Queue every language and format of ``packs`` (a query of source packs). Returns how many packs."""
    found = list(packs.select_related("locale"))
    for pack in found:
        services.request_generation(pack)
    return len(found)


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender: type, instance: Page, **kwargs: Any) -> None:
    regenerate(services.packs_showing(page=instance))


@receiver(pre_delete, sender=Page)
def page_deleted(sender: type, instance: Page, **kwargs: Any) -> None:
    # Before the deletion: the parts still refer to the page (then they are set to nothing).
    regenerate(services.packs_showing(page=instance))


@receiver(post_page_move)
def page_moved(sender: type, instance: Page, url_path_before: str = "", url_path_after: str = "",
               **kwargs: Any) -> None:
    if url_path_before != url_path_after:  # a reordering among siblings changes no address
        regenerate(services.packs_showing_pages_under(instance))


@receiver(page_slug_changed)
def page_slug_was_changed(sender: type, instance: Page, **kwargs: Any) -> None:
    """The addresses (and so the QR codes) of the pages below change too."""
    regenerate(services.packs_showing_pages_under(instance))


@receiver(post_save, sender=Service)
@receiver(pre_delete, sender=Service)  # (before the parts that refer to it are set to nothing)
def service_changed(sender: type, instance: Service, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        regenerate(services.packs_showing(service=instance))


@receiver(post_save, sender=Institution)
def institution_changed(sender: type, instance: Institution, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        regenerate(services.packs_showing(institution=instance))


@receiver(post_save, sender=Register)
def register_changed(sender: type, instance: Register, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        regenerate(services.packs_showing(register=instance))


@receiver(post_save, sender=Hotline)
@receiver(post_delete, sender=Hotline)
def hotline_changed(sender: type, instance: Hotline, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        regenerate(services.packs_showing(register=Register(pk=instance.register_id)))


@receiver(post_delete, sender=PackFile)
def pack_file_deleted(sender: type, instance: PackFile, **kwargs: Any) -> None:
    """Remove the PDF from the storage once the deletion is committed."""
    name = instance.file.name if instance.file else ""
    if not name:
        return
    storage = instance.file.storage

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete the print file %s", name)

    transaction.on_commit(delete)
