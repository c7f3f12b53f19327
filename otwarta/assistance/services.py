"""Requests: who may do what, the one function that moves a request between states, routing to the
people who match, retention and the data held about one e-mail address.

States (docs/assistance-requests.md)::

    new ──assign──▶ assigned ──done──▶ done
     │                │ ▲ (assign again: another person)
     └────cancel──────┴─┴──▶ cancelled

* **Coordinators** of a register — regional administrators, superusers, and the editors and moderators
  of the register's coordinating institution — assign, mark as done, cancel and add notes.
* The **requester** (whoever holds the private link) may only cancel an open request.
* Every action names the ``version`` it was decided on; if the request changed meanwhile it is refused
  (:class:`StaleRequestError`) and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from otwarta.institutions.services import REGIONAL_ADMINS
from otwarta.registers.models import Person, Register

from .models import (
    CLOSED_STATES,
    OPEN_STATES,
    AssistanceRequest,
    RequestAction,
    RequestEvent,
    RequestState,
    hash_token,
    new_token,
)

logger = logging.getLogger(__name__)

A = RequestAction
S = RequestState

MAX_ROUTED_PEOPLE = 10
LOG_PREFIX = "otwarta_assistance."


class RequestError(Exception):
    """A refused action, with a message for the person who tried it."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


class StaleRequestError(RequestError):
    """The request changed after the form was shown."""


@dataclass(frozen=True)
class Transition:
    action: RequestAction
    sources: tuple[RequestState, ...]
    target: RequestState | None  # None: the state does not change (a note)
    label: str | Promise
    by_requester: bool = False  # the requester may do it too


TRANSITIONS: dict[str, Transition] = {
    t.action.value: t for t in (
        Transition(A.ASSIGN, (S.NEW, S.ASSIGNED), S.ASSIGNED, _("Assign")),
        Transition(A.DONE, (S.ASSIGNED,), S.DONE, _("Mark as done")),
        Transition(A.CANCEL, OPEN_STATES, S.CANCELLED, _("Cancel the request"), by_requester=True),
        Transition(A.NOTE, (S.NEW, S.ASSIGNED, S.DONE, S.CANCELLED), None, _("Add the note")),
    )
}


def retention_days() -> int:
    return int(getattr(settings, "OTWARTA_REQUEST_RETENTION_DAYS", 30))


# --- who is who ---------------------------------------------------------------------------------------
def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_regional_admin(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.groups.filter(name=REGIONAL_ADMINS).exists())


def coordinated_registers(user: Any) -> models.QuerySet[Register]:
    """The registers whose requests ``user`` handles: all for regional administrators; otherwise those
    whose coordinating institution has ``user`` among its editors or moderators."""
    registers = Register.objects.all()
    if not _active(user):
        return registers.none()
    if is_regional_admin(user):
        return registers
    group_ids = list(user.groups.values_list("pk", flat=True))
    return registers.filter(Q(institution__editors_group_id__in=group_ids)
                            | Q(institution__moderators_group_id__in=group_ids))


def can_coordinate(user: Any, register: Register | None = None) -> bool:
    registers = coordinated_registers(user)
    return registers.filter(pk=register.pk).exists() if register is not None else registers.exists()


def visible_requests(user: Any) -> models.QuerySet[AssistanceRequest]:
    return AssistanceRequest.objects.filter(register__in=coordinated_registers(user))


def allowed_actions(req: AssistanceRequest, user: Any) -> list[Transition]:
    if not can_coordinate(user, req.register):
        return []
    return [spec for spec in TRANSITIONS.values() if req.state in spec.sources]


# --- routing ------------------------------------------------------------------------------------------
def matching_people(req: AssistanceRequest, limit: int | None = None) -> list[Person]:
    """The people of the request's register who match it (language, subject, mode, county), those on
    duty at the requested time first (otwarta.registers.rota)."""
    from otwarta.registers.rota import matching_people as rota_matching_people

    people = rota_matching_people(req.register, req.language, specialisation=req.specialisation or None,
                                  at=req.starts_at, on_site=req.on_site, county=req.county)
    return list(people)[:limit] if limit is not None else list(people)


def assignment_candidates(req: AssistanceRequest) -> tuple[list[Person], list[Person]]:
    """People to assign: those who match first, then the rest of the register."""
    matching = matching_people(req)
    ids = {p.pk for p in matching}
    others = [p for p in Person.objects.filter(register=req.register).order_by("display_name") if p.pk not in ids]
    return matching, others


# --- creating -------------------------------------------------------------------------------------------
def create_request(**fields: Any) -> tuple[AssistanceRequest, str]:
    """Save a request from the public form and route it. Returns it with the private token (shown once and
    e-mailed; only its hash is stored)."""
    token = new_token()
    with transaction.atomic():
        req = AssistanceRequest.objects.create(token_hash=hash_token(token), consent_at=timezone.now(), **fields)
        event = RequestEvent.objects.create(request=req, action=A.CREATE, from_state="", to_state=S.NEW,
                                            by_requester=True)
        log(instance=req, action=LOG_PREFIX + A.CREATE, user=None, data={"register": req.register.kind,
                                                                          "language": req.language})

        def _notify() -> None:
            from .tasks import send_request_notifications

            send_request_notifications.enqueue(event.pk, token)

        transaction.on_commit(_notify)
    return req, token


def find_by_token(token: str) -> AssistanceRequest | None:
    if not token:
        return None
    return (AssistanceRequest.objects.select_related("register", "assigned_person", "county")
            .filter(token_hash=hash_token(token)).first())


# --- moving a request -----------------------------------------------------------------------------------
def transition(req: AssistanceRequest, action: str, *, user: Any = None, by_requester: bool = False,
               expected_version: int, person: Person | None = None, note: str = "") -> AssistanceRequest:
    """Take ``action`` on ``req`` as ``user`` (a coordinator) or as the requester (``by_requester``: the
    caller has checked the private token), decided on the request as it was at ``expected_version``.

    Raises :class:`StaleRequestError` when the request changed since, :class:`RequestError` when the action
    is not possible in its state or lacks what it needs, ``PermissionDenied`` when the actor may not."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise RequestError(_("Unknown action."))
    note = note.strip()
    with transaction.atomic():
        current = (AssistanceRequest.objects.select_for_update(of=("self",))
                   .select_related("register").get(pk=req.pk))
        if by_requester:
            if not spec.by_requester:
                raise PermissionDenied(_("Only the coordinator of the register can do this."))
        elif not can_coordinate(user, current.register):
            raise PermissionDenied(_("Only the coordinators of this register can do this."))
        if current.version != expected_version:
            raise StaleRequestError(
                _("Someone else changed this request meanwhile; it is now “%(state)s”. Nothing was changed: "
                  "check the request as it is now and try again.") % {"state": current.get_state_display()}
            )
        if current.state not in spec.sources:
            raise RequestError(_("This cannot be done to a request that is “%(state)s”.")
                               % {"state": current.get_state_display()})
        if spec.action == A.ASSIGN:
            if person is None:
                raise RequestError(_("Choose the person to assign."))
            if person.register_id != current.register_id:
                raise RequestError(_("This person is not in the request's register."))
            if current.state == S.ASSIGNED and current.assigned_person_id == person.pk:
                raise RequestError(_("This person is already assigned."))
        if spec.action == A.NOTE and not note:
            raise RequestError(_("Write the note first."))
        previous = current.state
        target = spec.target or current.state
        now = timezone.now()
        changes: dict[str, Any] = {"state": target, "version": F("version") + 1, "updated_at": now}
        if spec.action == A.ASSIGN:
            changes["assigned_person"] = person
        if target in CLOSED_STATES and previous not in CLOSED_STATES:
            changes["closed_at"] = now
        updated = AssistanceRequest.objects.filter(pk=current.pk, version=expected_version).update(**changes)
        if not updated:  # databases without row locks: the conditional update is the guard
            raise StaleRequestError(_("Someone else changed this request meanwhile. Nothing was changed: check "
                                      "the request as it is now and try again."))
        current.refresh_from_db()
        event = RequestEvent.objects.create(
            request=current, action=spec.action, from_state=previous, to_state=target,
            user=user if (_active(user) and not by_requester) else None, by_requester=by_requester,
            person=person if spec.action == A.ASSIGN else None, note=note,
        )
        data: dict[str, Any] = {"from": previous, "to": target}
        if spec.action == A.ASSIGN and person is not None:
            data["person"] = str(person.pk)
        if by_requester:
            data["by_requester"] = True
        log(instance=current, action=LOG_PREFIX + spec.action, user=None if by_requester else user, data=data)
        if spec.action != A.NOTE:
            def _notify() -> None:
                from .tasks import send_request_notifications

                send_request_notifications.enqueue(event.pk, "")

            transaction.on_commit(_notify)
    return current


# --- retention ---------------------------------------------------------------------------------------------
def purgeable_requests(now: dt.datetime | None = None) -> models.QuerySet[AssistanceRequest]:
    """Closed requests whose retention period has passed (closed at or before ``now`` minus the period)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    return AssistanceRequest.objects.filter(state__in=CLOSED_STATES, closed_at__lte=cutoff)


def purge_closed_requests(now: dt.datetime | None = None, *, dry_run: bool = False) -> int:
    """Delete the closed requests past their retention period with their events (and token hashes). Audit
    log entries stay: they name a request by number, register and language only."""
    queryset = purgeable_requests(now)
    count = queryset.count()
    if not dry_run and count:
        with transaction.atomic():
            RequestEvent.objects.filter(request__in=queryset).delete()
            queryset.delete()
        logger.info("Deleted %d closed assistance requests past the retention period", count)
    return count


# --- data held about one e-mail address (GDPR access and erasure) ------------------------------------------
def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date | dt.time) else value


def requests_of(email: str) -> models.QuerySet[AssistanceRequest]:
    return AssistanceRequest.objects.filter(email__iexact=email.strip())


def people_of(email: str) -> models.QuerySet[Person]:
    return Person.objects.filter(email__iexact=email.strip())


def export_personal_data(email: str) -> dict[str, Any]:
    """Everything held about ``email``: requests made with it and a register profile with it."""
    requests = []
    for req in requests_of(email).select_related("register", "county", "assigned_person").prefetch_related("events"):
        requests.append({
            "id": req.pk,
            "register": req.register.kind,
            "language": req.language,
            "specialisation": req.specialisation,
            "description": req.description,
            "starts_at": _iso(req.starts_at),
            "duration_minutes": req.duration_minutes,
            "on_site": req.on_site,
            "address": req.address,
            "county": req.county.name if req.county else None,
            "requester_type": req.requester_type,
            "requester_name": req.requester_name,
            "organisation": req.organisation,
            "email": req.email,
            "phone": req.phone,
            "message_language": req.message_language,
            "consent_at": _iso(req.consent_at),
            "state": req.state,
            "assigned_person": req.assigned_person.display_name if req.assigned_person else None,
            "created_at": _iso(req.created_at),
            "closed_at": _iso(req.closed_at),
            "history": [{"action": e.action, "from_state": e.from_state, "to_state": e.to_state,
                         "at": _iso(e.created_at), "by_requester": e.by_requester}
                        for e in req.events.all() if e.action != A.NOTE],
        })
    people = []
    for person in people_of(email).select_related("register").prefetch_related("areas", "language_pairs"):
        record: dict[str, Any] = {
            "id": str(person.pk),
            "register": person.register.kind,
            "display_name": person.display_name,
            "email": person.email,
            "phone": person.phone,
            "public_phone": person.public_phone,
            "specialisations": list(person.specialisations or []),
            "sworn_translator": person.sworn_translator,
            "sworn_number": person.sworn_number,
            "work_mode": person.work_mode,
            "areas": [area.name for area in person.areas.all()],
            "consent_given_at": _iso(person.consent_given_at),
            "consent_note": person.consent_note,
            "is_published": person.is_published,
            "created_at": _iso(person.created_at),
            "updated_at": _iso(person.updated_at),
            "language_pairs": [{"source": p.source, "target": p.target, "both_directions": p.both_directions}
                               for p in person.language_pairs.all()],
            "rota": _rota_of(person),
            "assigned_requests": list(person.assistance_requests.values_list("pk", flat=True)),
        }
        people.append(record)
    return {"email": email.strip(), "exported_at": timezone.now().isoformat(), "requests": requests,
            "register_people": people}


def _rota_of(person: Person) -> dict[str, list[dict[str, Any]]]:
    """The person's duty slots and exceptions, with every field the registers app stores."""
    result: dict[str, list[dict[str, Any]]] = {}
    for relation in ("duty_slots", "duty_exceptions"):
        manager = getattr(person, relation, None)
        if manager is None:
            continue
        rows = []
        for row in manager.all():
            rows.append({field.name: _iso(getattr(row, field.attname)) for field in row._meta.concrete_fields
                         if field.name not in ("id", "person")})
        result[relation] = rows
    return result


@dataclass
class ErasureReport:
    requests: int
    people: int


def erase_personal_data(email: str) -> ErasureReport:
    """Delete the requests made with ``email`` (with their events) and the register profiles with it (with
    their language pairs and rota)."""
    with transaction.atomic():
        requests = requests_of(email)
        request_count = requests.count()
        RequestEvent.objects.filter(request__in=requests).delete()
        requests.delete()
        people = people_of(email)
        people_count = people.count()
        for person in people:
            person.delete()
    return ErasureReport(requests=request_count, people=people_count)
