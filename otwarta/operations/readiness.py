"""Readiness checks behind ``/readyz`` (docs/operations.md): may this instance take traffic?

Each check returns a dict with ``ok`` and a few details; an error is reported by its exception class only
(the probe is public). ``/healthz`` (otwarta.core) stays the cheaper liveness probe."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

Check = dict[str, Any]
DATABASE_TASK_BACKEND = "django_tasks_db.DatabaseBackend"

# Once every migration is applied this process stops re-reading the migration graph (it only grows with
# a new release, which starts new processes).
_migrations_applied = False


def _failed(exc: BaseException) -> Check:
    return {"ok": False, "error": type(exc).__name__}


def check_database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return {"ok": cursor.fetchone() == (1,)}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return _failed(exc)


def check_migrations() -> Check:
    global _migrations_applied
    if _migrations_applied:
        return {"ok": True, "unapplied": 0}
    try:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001
        return _failed(exc)
    _migrations_applied = not plan
    return {"ok": not plan, "unapplied": len(plan)}


def check_cache() -> Check:
    key = f"otwarta:readyz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache = caches["default"]
        cache.set(key, value, timeout=30)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        return _failed(exc)
    return {"ok": ok} if ok else {"ok": False, "error": "value not read back"}


def check_storage() -> Check:
    try:
        name = default_storage.save(f"readyz/{secrets.token_hex(8)}.txt", ContentFile(b"ready"))
        default_storage.delete(name)
    except Exception as exc:  # noqa: BLE001
        return _failed(exc)
    return {"ok": True}


def uses_database_task_backend() -> bool:
    return settings.TASKS.get("default", {}).get("BACKEND") == DATABASE_TASK_BACKEND


def oldest_ready_task_age() -> tuple[int, float | None]:
    """(ready tasks, age in seconds of the oldest one that may run now) from django_tasks_db's table."""
    from django.db.models import Case, Count, F, Min, When
    from django.db.models.functions import Greatest
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task scheduled for later has waited since its run_after, not since it was enqueued.
    ready_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")),
                       default=Greatest("enqueued_at", "run_after"))
    ready = DBTaskResult.objects.ready().aggregate(n=Count("id"), oldest=Min(ready_since))
    oldest = ready["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else None
    return ready["n"], age


def check_tasks() -> Check:
    if not uses_database_task_backend():
        return {"ok": True, "backend": settings.TASKS.get("default", {}).get("BACKEND", ""), "queue": "in-process"}
    try:
        count, age = oldest_ready_task_age()
    except Exception as exc:  # noqa: BLE001
        return _failed(exc)
    return {"ok": True, "ready": count, "oldest_ready_age_seconds": round(age, 1) if age is not None else None}


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "storage": check_storage,
    "tasks": check_tasks,
}


def run_checks() -> tuple[bool, dict[str, Check]]:
    results = {name: check() for name, check in CHECKS.items()}
    return all(result["ok"] for result in results.values()), results


def readyz(request: HttpRequest) -> JsonResponse:
    ok, results = run_checks()
    response = JsonResponse(
        {"status": "ready" if ok else "unavailable", "checks": results,
         "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")},
        status=200 if ok else 503,
    )
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # type: ignore[attr-defined]  # the JSON says why; no error line per probe
    return response
