"""Background task (django-tasks): the daily deletion of audit entries past the retention period."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def purge_audit_log() -> int:
    """Delete audit entries older than settings.OTWARTA_AUDIT_RETENTION_DAYS (scheduled daily)."""
    return sum(services.purge_old_entries().values())
