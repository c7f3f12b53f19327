"""System checks for the production profile: what would break stateless scale-out (docs/deployment.md).

They run with every ``manage.py check`` (and so with ``check --deploy --fail-level WARNING`` at release) but
only report when ``DJANGO_ENV=production``. ``OTWARTA_WEB_HOSTS`` is the number of hosts (or containers)
that run the web process; some state is harmless on one host and wrong on several.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.dummy.DummyCache",
)
SQLITE = "django.db.backends.sqlite3"
LOCAL_STORAGE = "django.core.files.storage.FileSystemStorage"
IN_PROCESS_TASKS = ("django_tasks.backends.immediate.ImmediateBackend", "otwarta.core.task_backends.ThreadBackend")


def web_hosts() -> int:
    return int(getattr(settings, "OTWARTA_WEB_HOSTS", 1) or 1)


@register(Tags.caches, Tags.database, deploy=False)
def check_stateless_scale_out(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    messages: list[CheckMessage] = []
    hosts = web_hosts()
    cache_backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if cache_backend in LOCAL_CACHES:
        messages.append(Warning(
            "The cache is local to each process (REDIS_URL is not set).",
            hint="Every gunicorn worker keeps its own copy: a page purged on publish stays stale in the other "
                 "workers, and login throttling and rate limits count per process. Set REDIS_URL.",
            id="otwarta.W040",
        ))
    storage_backend = settings.STORAGES.get("default", {}).get("BACKEND", "")
    if hosts > 1 and storage_backend == LOCAL_STORAGE and not getattr(settings, "OTWARTA_SHARED_MEDIA_ROOT", False):
        messages.append(Warning(
            f"Uploaded media are stored on this host's disk, but OTWARTA_WEB_HOSTS={hosts}.",
            hint="An image uploaded through one host would be missing on the others. Set "
                 "AWS_STORAGE_BUCKET_NAME (S3-compatible storage) or mount one shared volume at "
                 "OTWARTA_MEDIA_ROOT and set OTWARTA_SHARED_MEDIA_ROOT=1.",
            id="otwarta.W041",
        ))
    if hosts > 1 and settings.DATABASES["default"]["ENGINE"] == SQLITE:
        messages.append(Warning(
            f"The database is an SQLite file, but OTWARTA_WEB_HOSTS={hosts}.",
            hint="Each host would have its own database. Set DATABASE_URL to a PostgreSQL server.",
            id="otwarta.W042",
        ))
    tasks_backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if tasks_backend in IN_PROCESS_TASKS:
        messages.append(Warning(
            "Background tasks run inside the web processes (OTWARTA_TASKS_BACKEND is not 'database').",
            hint="A restart loses queued tasks and requests wait for them. Use the database queue and run "
                 "`manage.py db_worker`.",
            id="otwarta.W043",
        ))
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache":
        messages.append(Warning(
            "Sessions live only in the cache.",
            hint="Losing or flushing the cache would sign every editor out. Use cached_db (the default).",
            id="otwarta.W044",
        ))
    return messages
