"""Background tasks (django-tasks): the e-mails about requests and the daily deletion of closed requests."""

from __future__ import annotations

from django_tasks import task

from . import notifications, services


@task()
def send_request_notifications(event_id: int, token: str = "") -> str:
    """E-mail the people a request event concerns (notifications.py). ``token`` is the private link's token,
    passed only for the requester's confirmation of a new request (it is not stored otherwise)."""
    return notifications.send_for_event(event_id, token)


@task()
def purge_closed_requests() -> int:
    """Delete closed requests past settings.OTWARTA_REQUEST_RETENTION_DAYS (scheduled daily)."""
    return services.purge_closed_requests()
