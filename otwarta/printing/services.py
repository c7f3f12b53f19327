"""Delivery of print packs: generating each PDF (pack × language × format), caching it by the hash of its
content, and queueing generations in the background task queue (``tasks``).

A request never waits for a rendering: the public views only read ``PackFile`` rows. ``generate`` keeps
the last good file of a row while a new one is queued or rendering and after a failure, so readers always
get the most recent PDF that worked.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import FileStatus, PackFile, PackFormat, PrintPack

logger = logging.getLogger(__name__)


def portal_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def all_formats() -> list[str]:
    return [str(value) for value in PackFormat.values]


def file_name(pack: PrintPack, language: str, fmt: str, content_hash: str) -> str:
    """Content-addressed: a new content gets a new name, so caches never serve a stale PDF under it."""
    return f"print/{pack.slug}/{pack.slug}-{language}-{fmt}-{content_hash[:12]}.pdf"


def file_exists(packfile: PackFile) -> bool:
    name = packfile.file.name if packfile.file else ""
    if not name:
        return False
    try:
        return bool(packfile.file.storage.exists(name))
    except Exception:  # a storage that cannot be reached: treat as missing, generate again
        logger.exception("Could not check the file %s", name)
        return False


def _delete_file(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:
        logger.exception("Could not delete the old print file %s", name)


def generate(pack: PrintPack, language: str, fmt: str, force: bool = False) -> PackFile:
    """Generate the PDF of ``pack`` (its source row is used) in ``language`` and format ``fmt``, unless the
    row already has a file made from the same content (same ``content_hash``) and ``force`` is False.

    On failure the row is FAILED with the error, and keeps its previous file and hash."""
    from . import assemble, render  # the contract of document.py; imported late (WeasyPrint is heavy)

    source = pack.source_pack()
    packfile, _created = PackFile.objects.get_or_create(pack=source, language=language, format=fmt)
    started = time.monotonic()
    new_name = previous = ""
    storage = packfile.file.storage
    try:
        document = assemble.build_document(source, language, fmt)
        content_hash = document.content_hash()
        if not force and packfile.content_hash == content_hash and file_exists(packfile):
            # The file was made from this content: nothing to render. A row that was queued (or failed
            # after a forced attempt) is ready again.
            if packfile.status != FileStatus.READY or packfile.error:
                packfile.status = FileStatus.READY
                packfile.error = ""
                packfile.save(update_fields=["status", "error"])
            return packfile
        PackFile.objects.filter(pk=packfile.pk).update(status=FileStatus.RENDERING)
        rendered = render.render_pdf(document)
        if not rendered.data:
            raise ValueError("the renderer returned an empty PDF")
        new_name = storage.save(file_name(source, language, fmt, content_hash), ContentFile(rendered.data))
        previous = (packfile.file.name or "") if packfile.file else ""
        packfile.file.name = new_name
        packfile.content_hash = content_hash
        packfile.size_bytes = len(rendered.data)
        packfile.page_count = rendered.page_count
        packfile.valid_as_of = document.valid_as_of
        packfile.fallbacks = [asdict(fallback) for fallback in document.fallbacks]
        packfile.duration_ms = round((time.monotonic() - started) * 1000)
        packfile.generated_at = timezone.now()
        packfile.status = FileStatus.READY
        packfile.error = ""
        packfile.save()
    except Exception as error:
        logger.exception("Could not generate the print file %s [%s, %s]", source.slug, language, fmt)
        if new_name:  # saved, but the row could not be updated: the row still names the previous file
            _delete_file(storage, new_name)
        packfile.refresh_from_db()  # the previous file, hash and metadata stay as they were
        packfile.status = FileStatus.FAILED
        packfile.error = f"{type(error).__name__}: {error}"[:5000]
        packfile.duration_ms = round((time.monotonic() - started) * 1000)
        packfile.save(update_fields=["status", "error", "duration_ms"])
        return packfile
    if previous and previous != new_name:
        _delete_file(storage, previous)
    return packfile


# --- queueing ------------------------------------------------------------------------------------------
class _Batch:
    """The generations requested during one transaction, enqueued once when it commits (publishing a pack's
    page in six languages, or saving a pack and its parts, asks for the same files many times)."""

    def __init__(self) -> None:
        self.keys: dict[tuple[int, str, str], bool] = {}
        self.ran = False

    def add(self, pack_id: int, language: str, fmt: str, force: bool) -> None:
        key = (pack_id, language, fmt)
        self.keys[key] = self.keys.get(key, False) or force

    def __call__(self) -> None:
        from .tasks import generate_pack_file

        self.ran = True
        keys, self.keys = self.keys, {}
        for (pack_id, language, fmt), force in sorted(keys.items()):
            try:
                generate_pack_file.enqueue(pack_id, language, fmt, force)
            except Exception:
                logger.exception("Could not enqueue the print file %s [%s, %s]", pack_id, language, fmt)


_local = threading.local()


def _current_batch() -> tuple[_Batch, bool]:
    """The batch waiting for the current transaction to commit, or a new one (True: register it with
    on_commit). A batch that already ran, or whose transaction was rolled back (it is no longer among the
    connection's on-commit callbacks), is replaced."""
    connection = transaction.get_connection()
    batch: _Batch | None = getattr(_local, "batch", None)
    if batch is not None and not batch.ran and connection.in_atomic_block and any(
            entry[1] is batch for entry in connection.run_on_commit):
        return batch, False
    batch = _Batch()
    _local.batch = batch
    return batch, True


def request_generation(pack: PrintPack, languages: Iterable[str] | None = None,
                       formats: Iterable[str] | None = None, force: bool = False) -> list[PackFile]:
    """Queue the generation of ``pack``'s PDFs (every portal language × every format by default). Each row
    is marked QUEUED now; the task is enqueued when the current transaction commits (at once outside a
    transaction), once per file however often it was requested in the transaction. Returns the rows."""
    source = pack.source_pack()
    chosen_languages = list(languages) if languages is not None else portal_languages()
    chosen_formats = list(formats) if formats is not None else all_formats()
    now = timezone.now()
    rows = [PackFile.objects.get_or_create(pack=source, language=language, format=fmt)[0]
            for language in chosen_languages for fmt in chosen_formats]
    PackFile.objects.filter(pk__in=[row.pk for row in rows]).update(status=FileStatus.QUEUED, requested_at=now)
    batch, new = _current_batch()
    for row in rows:
        row.status, row.requested_at = FileStatus.QUEUED, now
        batch.add(source.pk, row.language, row.format, force)
    if new:
        transaction.on_commit(batch)  # outside a transaction: runs now
    return rows


def _sources() -> QuerySet[PrintPack]:
    """The source packs, in the query itself (``PrintPack.sources()`` costs a query for the locale)."""
    return PrintPack.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


def packs_showing(page: Any = None, service: Any = None, institution: Any = None,
                  register: Any = None) -> QuerySet[PrintPack]:
    """The source packs with a part that shows ``page`` (any translation of it), ``service`` (any
    translation), ``institution`` or ``register``."""
    condition = Q()
    if page is not None:
        condition |= Q(items__page__translation_key=page.translation_key)
    if service is not None:
        condition |= Q(items__service__translation_key=service.translation_key)
    if institution is not None:
        condition |= Q(items__institution=institution)
    if register is not None:
        condition |= Q(items__register=register)
    if not condition:
        return PrintPack.objects.none()
    return _sources().filter(condition).distinct()


def packs_showing_pages_under(page: Any) -> QuerySet[PrintPack]:
    """The source packs with a part that shows ``page`` or a page below it, in any language (their
    addresses change when ``page`` is moved or its slug changes)."""
    from wagtail.models import Page

    below = Page.objects.filter(path__startswith=page.path).values("translation_key")
    return _sources().filter(items__page__translation_key__in=below).distinct()
