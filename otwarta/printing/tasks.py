"""Background tasks (django-tasks): generating one PDF of a print pack. Enqueued by
``services.request_generation`` when the transaction that asked for it commits."""

from __future__ import annotations

from django_tasks import task

from . import services
from .models import PrintPack


@task()
def generate_pack_file(pack_id: int, language: str, fmt: str, force: bool = False) -> dict[str, object]:
    """Generate the PDF of one pack in one language and format (nothing to do when its content is
    unchanged). The outcome is recorded on the ``PackFile`` row; a missing pack (deleted since) is skipped."""
    pack = PrintPack.objects.filter(pk=pack_id).first()
    if pack is None:
        return {"pack": pack_id, "language": language, "format": fmt, "status": "missing"}
    packfile = services.generate(pack, language, fmt, force=force)
    return {"pack": pack_id, "language": language, "format": fmt, "status": packfile.status,
            "hash": packfile.content_hash, "error": packfile.error}
