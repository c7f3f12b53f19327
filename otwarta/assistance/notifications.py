"""E-mails about requests: plain text, each in its recipient's language, with no more personal data than
the recipient needs.

| event        | to                                   | contains                                              |
|--------------|--------------------------------------|-------------------------------------------------------|
| created      | the register's coordinator           | what, when, where (county), a link to the admin       |
| created      | matching people (at most 10)         | what, when, remote or county: no requester data        |
| created      | the requester                        | their request and the private link                    |
| assigned     | the requester                        | the new state, the person's name and public phone     |
| assigned     | the assigned person                  | everything needed to do the job, requester's contact  |
| done         | the requester                        | the new state                                         |
| cancelled    | the requester; the assigned person;  | the new state                                         |
|              | the coordinator (if the requester    |                                                       |
|              | cancelled)                           |                                                       |

The requester's messages are in the language they chose on the form; staff and register people get theirs
in the language of their Wagtail account with the same e-mail address, else in Polish.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from .languages import language_name
from .models import AssistanceRequest, RequestAction, RequestEvent

logger = logging.getLogger(__name__)

A = RequestAction


def staff_language(email: str) -> str:
    """The admin language of the account with this e-mail, else the site's default language."""
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        profile = UserProfile.objects.filter(user=user).first()
        if profile is not None and profile.preferred_language:
            return profile.preferred_language
    return settings.LANGUAGE_CODE


def requester_language(req: AssistanceRequest) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    return req.message_language if req.message_language in codes else settings.LANGUAGE_CODE


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def follow_url(token: str, language: str) -> str:
    with translation.override(language):
        return absolute(reverse("assistance:follow", args=[token]))


def admin_url(req: AssistanceRequest) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{reverse('otwarta_assistance:detail', args=[req.pk])}"


def _context(req: AssistanceRequest, **extra: Any) -> dict[str, Any]:
    return {
        "req": req,
        "register": req.register.get_kind_display(),
        "language": language_name(req.language),
        "specialisation": req.get_specialisation_display() if req.specialisation else "",
        "duration": req.get_duration_minutes_display(),
        "county": str(req.county) if req.county else "",
        "state": req.get_state_display(),
        "site_name": settings.WAGTAIL_SITE_NAME,
        **extra,
    }


def _message(to: str, language: str, subject: Any, template: str, context: dict[str, Any]) -> EmailMessage:
    """Render ``template`` and ``subject`` (a callable, evaluated in ``language``) for one recipient."""
    with translation.override(language):
        body = render_to_string(f"assistance/email/{template}.txt", _context(context.pop("req"), **context))
        text = str(subject())
    return EmailMessage(subject=text, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])


def _when(req: AssistanceRequest) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    return str(date_format(timezone.localtime(req.starts_at), "DATETIME_FORMAT"))


def messages_for_event(event: RequestEvent, token: str = "") -> list[EmailMessage]:
    req = event.request
    result: list[EmailMessage] = []
    coordinator = req.register.coordinator_email
    if event.action == A.CREATE:
        from . import services

        try:
            people = services.matching_people(req, limit=services.MAX_ROUTED_PEOPLE)
        except ImportError:  # the rota module is missing: the coordinator routes by hand
            logger.exception("Could not find matching people for request %s", req.pk)
            people = []
        if coordinator:
            lang = staff_language(coordinator)
            result.append(_message(coordinator, lang, lambda: _("New request: %(register)s, %(language)s, %(when)s") % {
                "register": req.register.get_kind_display(), "language": language_name(req.language),
                "when": _when(req)}, "coordinator_new",
                {"req": req, "people_count": len(people), "admin_url": admin_url(req)}))
        for person in people:
            if not person.email:
                continue
            lang = staff_language(person.email)
            result.append(_message(person.email, lang, lambda: _("Can you help? %(language)s, %(when)s") % {
                "language": language_name(req.language), "when": _when(req)}, "person_new",
                {"req": req, "person": person, "coordinator_name": req.register.coordinator_name,
                 "coordinator_email": coordinator}))
        if req.email and token:
            lang = requester_language(req)
            result.append(_message(req.email, lang, lambda: _("We have your request (no. %(number)s)") % {
                "number": req.pk}, "requester_created",
                {"req": req, "follow_url": follow_url(token, lang), "retention_days": _retention()}))
        return result

    if req.email:
        lang = requester_language(req)
        result.append(_message(req.email, lang, lambda: _("Your request no. %(number)s: %(state)s") % {
            "number": req.pk, "state": req.get_state_display()}, "requester_state",
            {"req": req, "event": event, "person": req.assigned_person if event.action == A.ASSIGN else None,
             "retention_days": _retention()}))
    if event.action == A.ASSIGN and event.person is not None and event.person.email:
        lang = staff_language(event.person.email)
        result.append(_message(event.person.email, lang, lambda: _("You are assigned: %(language)s, %(when)s") % {
            "language": language_name(req.language), "when": _when(req)}, "person_assigned",
            {"req": req, "person": event.person, "coordinator_name": req.register.coordinator_name,
             "coordinator_email": coordinator}))
    if event.action == A.CANCEL:
        assigned = req.assigned_person
        if assigned is not None and assigned.email:
            lang = staff_language(assigned.email)
            result.append(_message(assigned.email, lang, lambda: _("Cancelled: %(language)s, %(when)s") % {
                "language": language_name(req.language), "when": _when(req)}, "person_cancelled",
                {"req": req, "person": assigned}))
        if event.by_requester and coordinator:
            lang = staff_language(coordinator)
            result.append(_message(coordinator, lang, lambda: _("Cancelled by the requester: request no. %(number)s")
                                   % {"number": req.pk}, "coordinator_cancelled",
                                   {"req": req, "admin_url": admin_url(req)}))
    return result


def _retention() -> int:
    from .services import retention_days

    return retention_days()


def send_for_event(event_id: int, token: str = "") -> str:
    event = (RequestEvent.objects.select_related("request", "request__register", "request__county",
                                                 "request__assigned_person", "person")
             .filter(pk=event_id).first())
    if event is None:
        return "skipped: no such event"
    sent = 0
    for message in messages_for_event(event, token):
        try:
            message.send()
            sent += 1
        except Exception:  # one unreachable recipient must not stop the others
            logger.exception("Could not send an e-mail about request %s", event.request_id)
    return f"sent {sent}"
