"""Requests for an interpreter, an intercultural assistant or a mediator (programme 2.3.3, 2.3.4, 3.1.6c,
4.2.1c; see docs/assistance-requests.md).

A request is personal data kept only as long as needed: the requester's contact and the description are
deleted with the whole request ``settings.OTWARTA_REQUEST_RETENTION_DAYS`` days after it is closed (done or
cancelled). The requester follows it by a private link; only the SHA-256 of the link's token is stored.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from otwarta.institutions.models import Area
from otwarta.registers.models import Person, Register, Specialisation


class RequesterType(models.TextChoices):
    INSTITUTION = "institution", _("An institution (office, school, hospital, …)")
    EMPLOYER = "employer", _("An employer")
    IMMIGRANT = "immigrant", _("A foreigner living in Małopolska (for myself or my family)")


class RequestState(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (RequestState.NEW, RequestState.ASSIGNED)
CLOSED_STATES = (RequestState.DONE, RequestState.CANCELLED)


class RequestAction(models.TextChoices):
    CREATE = "create", _("Request sent")
    ASSIGN = "assign", _("Person assigned")
    DONE = "done", _("Marked as done")
    CANCEL = "cancel", _("Cancelled")
    NOTE = "note", _("Note")


DURATION_CHOICES = [
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (90, _("1.5 hours")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
    (480, _("A working day (8 hours)")),
]


def new_token() -> str:
    """A random token for the private follow link (about 190 bits)."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AssistanceRequest(models.Model):
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="requests",
                                 verbose_name=_("register"))
    language = models.CharField(_("language needed (ISO code)"), max_length=8,
                                help_text=_("The other language is Polish."))
    specialisation = models.CharField(_("subject"), max_length=32, choices=Specialisation.choices, blank=True)
    description = models.TextField(_("short description"), max_length=1000)
    starts_at = models.DateTimeField(_("date and time wanted"))
    duration_minutes = models.PositiveSmallIntegerField(_("expected duration"), choices=DURATION_CHOICES,
                                                        default=60)
    on_site = models.BooleanField(_("on site"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    county = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("county"))
    requester_type = models.CharField(_("who is asking"), max_length=16, choices=RequesterType.choices)
    requester_name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    message_language = models.CharField(_("language of our messages"), max_length=8,
                                        default=settings.LANGUAGE_CODE)
    consent_at = models.DateTimeField(_("consent to processing given on"))
    state = models.CharField(_("state"), max_length=16, choices=RequestState.choices, default=RequestState.NEW)
    assigned_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="assistance_requests", verbose_name=_("assigned person"))
    version = models.PositiveIntegerField(default=1, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [models.Index(fields=["state", "closed_at"], name="assistance_state_closed")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(email="", phone=""), name="assistance_contact_given"),
        ]

    def __str__(self) -> str:
        # No personal data: this is also the label of audit log entries, which outlive the request.
        return f"#{self.pk} {self.register.kind} {self.language}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def token_matches(self, token: str) -> bool:
        return secrets.compare_digest(self.token_hash, hash_token(token))


class RequestEvent(models.Model):
    """What happened to a request: the history shown to the coordinator (and, without internal notes, to
    the requester)."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=RequestAction.choices)
    from_state = models.CharField(max_length=16, choices=RequestState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=RequestState.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    by_requester = models.BooleanField(default=False)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"
