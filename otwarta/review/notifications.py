"""E-mails about translation tasks: plain text, in the language the recipient chose for the Wagtail admin.

| event            | to                     |
|------------------|------------------------|
| task assigned    | the translator         |
| changes requested| the translator         |
| submitted        | who assigned the task  |
| accepted         | the translator         |

Sent by the background task queue (``tasks.send_task_notification``) after the change is committed, so a
slow mail server never holds up the person clicking.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.users.models import UserProfile

from .models import TaskAction, TaskEvent, TranslationTask

logger = logging.getLogger(__name__)

RECIPIENTS = {
    TaskAction.CREATE: "assignee",
    TaskAction.REQUEST_CHANGES: "assignee",
    TaskAction.SUBMIT: "created_by",
    TaskAction.ACCEPT: "assignee",
}


def preferred_language(user: Any) -> str:
    """The language the user chose for the Wagtail admin, else the site's default language."""
    profile = UserProfile.objects.filter(user=user).first()
    if profile is not None and profile.preferred_language:
        return profile.preferred_language
    return settings.LANGUAGE_CODE


def admin_url(path: str) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def language_name(code: str) -> str:
    """The language's name in the active language ("ukraiński" in Polish, "Ukrainian" in English)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def recipient_for(event: TaskEvent) -> Any:
    field = RECIPIENTS.get(TaskAction(event.action))
    return getattr(event.task, field) if field else None


def _subject(event: TaskEvent, title: str, language: str) -> str:
    values = {"title": title, "language": language}
    if event.action == TaskAction.CREATE:
        return _("New translation task: %(title)s (%(language)s)") % values
    if event.action == TaskAction.REQUEST_CHANGES:
        return _("Changes requested: %(title)s (%(language)s)") % values
    if event.action == TaskAction.SUBMIT:
        return _("Translation ready for review: %(title)s (%(language)s)") % values
    return _("Translation accepted: %(title)s (%(language)s)") % values


def build_message(event: TaskEvent, recipient: Any) -> EmailMessage:
    from .services import task_source, task_translation

    task: TranslationTask = event.task
    source = task_source(task)
    target = task_translation(task)
    finder = AdminURLFinder(recipient)
    with translation.override(preferred_language(recipient)):
        title = str(getattr(source, "title", None) or source or _("(deleted content)"))
        language = language_name(task.locale.language_code)
        edit_url = finder.get_edit_url(target) if target is not None else None
        context = {
            "recipient": recipient,
            "event": event,
            "task": task,
            "title": title,
            "language": language,
            "state": task.get_state_display(),
            "actor": (event.user.get_full_name() or event.user.get_username()) if event.user else "",
            "task_url": admin_url(reverse("otwarta_review:detail", args=[task.pk])),
            "edit_url": admin_url(edit_url) if edit_url else "",
            "source_url": getattr(source, "full_url", "") or "",
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = _subject(event, title, language)
        body = render_to_string("review/email/task_event.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email])


def send_for_event(event_id: int) -> str:
    """Send the e-mail of one task event; returns what happened (for the task result)."""
    event = TaskEvent.objects.select_related("task", "task__locale", "task__assignee", "task__created_by",
                                             "user").filter(pk=event_id).first()
    if event is None:
        return "skipped: no such event"
    recipient = recipient_for(event)
    if recipient is None or not recipient.is_active or not recipient.email:
        return "skipped: no recipient"
    if event.user_id == recipient.pk:
        return "skipped: the recipient did it"
    build_message(event, recipient).send()
    return "sent"
