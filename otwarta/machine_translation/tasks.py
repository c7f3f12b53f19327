"""Background tasks (django-tasks): immediate backend in development and tests, database backend in
production, where ``manage.py db_worker`` runs them. Arguments and return values are JSON."""

from __future__ import annotations

from django_tasks import task

from . import bulk


@task()
def run_bulk_translation(job_id: int) -> str:
    """Machine-translate the subtree of a ``BulkTranslationJob``; returns the job's final state."""
    return bulk.run_job(job_id)
