"""Registers of interpreters, intercultural assistants and intercultural mediators, with their duty rota
(programme 2.3.3, 2.3.4, 3.1.6c, 4.2.1c; see docs/registers.md).

A person is listed publicly only with explicit consent to publication (``consent_given_at``) and while
``is_published``; their private contact details are used to route requests and are never shown. Texts
shown to readers come from choices (translated interface strings), so a profile reads in every language
without translation work.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from otwarta.institutions.models import Area, Institution


class RegisterKind(models.TextChoices):
    INTERPRETER = "interpreter", _("Interpreters")
    ASSISTANT = "assistant", _("Intercultural assistants")
    MEDIATOR = "mediator", _("Intercultural mediators")


class Register(models.Model):
    """One of the three registers, run by a coordinating institution."""

    kind = models.CharField(_("register"), max_length=16, choices=RegisterKind.choices, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True,
                            help_text=_("The end of the register's public address, e.g. tlumacze."))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="registers",
                                    verbose_name=_("coordinating institution"))
    coordinator_name = models.CharField(_("coordinator"), max_length=120, blank=True)
    coordinator_email = models.EmailField(_("coordinator's e-mail"),
                                          help_text=_("Every new request is sent here."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "kind"]
        verbose_name = _("register")
        verbose_name_plural = _("registers")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Hotline(models.Model):
    """A phone line of a register, answered by the people on duty (or by the coordinator)."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="hotlines",
                                 verbose_name=_("register"))
    number = models.CharField(_("number"), max_length=40)
    languages = models.CharField(_("languages (ISO codes)"), max_length=120, blank=True,
                                 help_text=_("Comma-separated, e.g. uk,ru,en. Empty: the languages of the people "
                                             "on duty."))
    hours = models.CharField(_("hours"), max_length=255, blank=True,
                             help_text=_("In Polish, e.g. pon.–pt. 8:00–20:00."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "number"]
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self) -> str:
        return self.number

    @property
    def language_codes(self) -> list[str]:
        return [c.strip() for c in self.languages.split(",") if c.strip()]

    @property
    def tel(self) -> str:
        return "tel:" + "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


class Specialisation(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    LEGAL = "legal", _("Legal and administrative")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    EDUCATIONAL = "educational", _("Education and schools")
    WORKPLACE = "workplace", _("Work and employment")
    SOCIAL = "social", _("Social welfare")
    COURT = "court", _("Courts and police")
    BUSINESS = "business", _("Business")


class WorkMode(models.TextChoices):
    REMOTE = "remote", _("Remotely (phone or video)")
    ON_SITE = "on_site", _("On site")
    BOTH = "both", _("Remotely or on site")


class PersonQuerySet(models.QuerySet["Person"]):
    def public(self) -> PersonQuerySet:
        """People who may be shown publicly: published, with consent to publication."""
        return self.filter(is_published=True, consent_given_at__isnull=False)


class Person(ClusterableModel):
    """A profile in a register. Language pairs, duty slots and exceptions are its inline children."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="people",
                                 verbose_name=_("register"))
    display_name = models.CharField(_("name shown to the public"), max_length=120)
    # Private: used to route requests, never shown publicly.
    email = models.EmailField(_("e-mail (not published)"))
    phone = models.CharField(_("phone (not published)"), max_length=40, blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True,
                                    help_text=_("Only if the person agreed to publish it."))
    specialisations = models.JSONField(_("specialisations"), default=list, blank=True)
    sworn_translator = models.BooleanField(_("sworn translator"), default=False)
    sworn_number = models.CharField(_("number on the list of sworn translators"), max_length=40, blank=True)
    work_mode = models.CharField(_("works"), max_length=16, choices=WorkMode.choices, default=WorkMode.BOTH)
    areas = models.ManyToManyField(Area, blank=True, related_name="register_people",
                                   verbose_name=_("areas served on site"),
                                   help_text=_("Leave empty for the whole region."))
    consent_given_at = models.DateTimeField(
        _("consent to publication given on"), null=True, blank=True,
        help_text=_("The profile is public only with the person's explicit written consent."),
    )
    consent_note = models.CharField(_("how consent was given"), max_length=255, blank=True)
    is_published = models.BooleanField(_("published"), default=False,
                                       help_text=_("Show the profile on the public pages (needs consent)."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("person in a register")
        verbose_name_plural = _("people in registers")

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_public(self) -> bool:
        return self.is_published and self.consent_given_at is not None

    @property
    def public_tel(self) -> str:
        return "tel:" + "".join(ch for ch in self.public_phone if ch.isdigit() or ch == "+")

    @property
    def works_remotely(self) -> bool:
        return self.work_mode in (WorkMode.REMOTE, WorkMode.BOTH)

    @property
    def works_on_site(self) -> bool:
        return self.work_mode in (WorkMode.ON_SITE, WorkMode.BOTH)

    def clean(self) -> None:
        super().clean()
        unknown = [s for s in (self.specialisations or []) if s not in Specialisation.values]
        if unknown:
            raise ValidationError({"specialisations": _("Unknown specialisation: %(codes)s")
                                   % {"codes": ", ".join(map(str, unknown))}})
        if self.sworn_number and not self.sworn_translator:
            raise ValidationError({"sworn_number": _("Only sworn translators have a number on the list.")})
        if self.is_published and self.consent_given_at is None:
            raise ValidationError({"is_published": _(
                "A profile can be published only with the person's consent: enter the date consent was given.")})

    @property
    def language_codes(self) -> list[str]:
        """The languages other than Polish the person works in (from the language pairs), in order."""
        codes: list[str] = []
        for pair in self.language_pairs.all():
            for code in (pair.source, pair.target):
                if code != "pl" and code not in codes:
                    codes.append(code)
        return codes


class LanguagePair(models.Model):
    """A pair of languages a person works between (usually Polish and another language)."""

    person = ParentalKey(Person, on_delete=models.CASCADE, related_name="language_pairs")
    source = models.CharField(_("from (ISO code)"), max_length=8, default="pl")
    target = models.CharField(_("to (ISO code)"), max_length=8)
    both_directions = models.BooleanField(_("both directions"), default=True)

    class Meta:
        verbose_name = _("language pair")
        verbose_name_plural = _("language pairs")
        constraints = [models.UniqueConstraint(fields=["person", "source", "target"],
                                               name="registers_pair_unique")]

    def __str__(self) -> str:
        arrow = "↔" if self.both_directions else "→"
        return f"{self.source} {arrow} {self.target}"

    def clean(self) -> None:
        super().clean()
        if self.source and self.source == self.target:
            raise ValidationError({"target": _("Choose two different languages.")})


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DutySlot(models.Model):
    """A recurring weekly duty: every ``weekday`` from ``starts_at`` to ``ends_at`` (local time in Poland),
    optionally only between two dates. A slot may end after midnight (``ends_at`` <= ``starts_at``)."""

    person = ParentalKey(Person, on_delete=models.CASCADE, related_name="duty_slots", verbose_name=_("person"))
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    mode = models.CharField(_("on duty"), max_length=16, choices=WorkMode.choices, default=WorkMode.REMOTE)
    hotline = models.ForeignKey(Hotline, null=True, blank=True, on_delete=models.SET_NULL, related_name="slots",
                                verbose_name=_("answers the hotline"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("duty slot")
        verbose_name_plural = _("duty rota")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.ends_at <= self.starts_at

    def clean(self) -> None:
        super().clean()
        if self.starts_at is not None and self.starts_at == self.ends_at:
            raise ValidationError({"ends_at": _("A duty cannot start and end at the same time.")})
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})


class ExceptionKind(models.TextChoices):
    ABSENT = "absent", _("Not on duty")
    EXTRA = "extra", _("Extra duty")


class DutyException(models.Model):
    """An exception to the rota on one date: an absence (all day, or only between two times) or an extra
    duty between two times."""

    person = ParentalKey(Person, on_delete=models.CASCADE, related_name="duty_exceptions",
                         verbose_name=_("person"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=ExceptionKind.choices, default=ExceptionKind.ABSENT)
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    mode = models.CharField(_("on duty"), max_length=16, choices=WorkMode.choices, default=WorkMode.REMOTE)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["date", "starts_at"]
        verbose_name = _("exception to the rota")
        verbose_name_plural = _("exceptions to the rota")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        if (self.starts_at is None) != (self.ends_at is None):
            raise ValidationError(_("Give both times, or neither for the whole day."))
        if self.kind == ExceptionKind.EXTRA and self.starts_at is None:
            raise ValidationError(_("An extra duty needs its times."))
        if self.starts_at is not None and self.ends_at is not None and self.starts_at >= self.ends_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
