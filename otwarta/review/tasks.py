"""Background tasks (django-tasks): the e-mails about translation tasks."""

from __future__ import annotations

from django_tasks import task

from . import notifications


@task()
def send_task_notification(event_id: int) -> str:
    """E-mail the person a task event concerns (notifications.RECIPIENTS)."""
    return notifications.send_for_event(event_id)
