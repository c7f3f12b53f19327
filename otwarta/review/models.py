"""Translator roles and translation tasks (see services.py and docs/translation-review.md).

* :class:`TranslatorRole` — the group of translators of one target locale ("Translators (uk)"): the stable
  lookup from a locale to its group, whatever the group is renamed to.
* :class:`TranslationTask` — "translate (or correct) this object into this language": assigned to one
  translator, moved through its states by :func:`otwarta.review.services.transition` only.
* :class:`TaskEvent` — the history of a task: who moved it from which state to which, with a comment.

A task names its object like the translation status does, by (content type, translation_key): for pages the
content type is always ``wagtailcore.Page``. So a task survives wagtail-localize deleting and re-creating the
translated object.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TranslatorRole(models.Model):
    locale = models.OneToOneField("wagtailcore.Locale", on_delete=models.CASCADE, related_name="translator_role",
                                  verbose_name=_("language"))
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="translator_role",
                                 verbose_name=_("group"))

    class Meta:
        verbose_name = _("translator role")
        verbose_name_plural = _("translator roles")

    def __str__(self) -> str:
        return self.group.name


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Ready for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    DONE = "done", _("Reviewed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (TaskState.ASSIGNED, TaskState.IN_PROGRESS, TaskState.SUBMITTED, TaskState.CHANGES_REQUESTED)
CLOSED_STATES = (TaskState.DONE, TaskState.CANCELLED)


class TaskAction(models.TextChoices):
    CREATE = "create", _("Assigned")
    START = "start", _("Started work")
    SUBMIT = "submit", _("Submitted for review")
    ACCEPT = "accept", _("Accepted")
    REQUEST_CHANGES = "request_changes", _("Requested changes")
    CANCEL = "cancel", _("Cancelled")


class TranslationTask(models.Model):
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    translation_key = models.UUIDField()
    locale = models.ForeignKey("wagtailcore.Locale", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("language"))
    # The institution that owns the Polish source when the task was created (None: the regional team's
    # pages). Kept on the task so lists and permission checks are plain queries.
    institution = models.ForeignKey("institutions.Institution", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("institution"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="translation_tasks", verbose_name=_("translator"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("assigned by"))
    state = models.CharField(_("state"), max_length=20, choices=TaskState.choices, default=TaskState.ASSIGNED)
    # Incremented by every transition: a form posts the version it was shown, so a decision taken on a
    # stale page is refused instead of silently overriding what someone else did meanwhile.
    version = models.PositiveIntegerField(default=1)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("translation task")
        verbose_name_plural = _("translation tasks")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "translation_key", "locale"],
                condition=~Q(state__in=["done", "cancelled"]),
                name="review_one_open_task_per_translation",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "state"]), models.Index(fields=["institution", "state"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.translation_key} [{self.locale_id}] {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class TaskEvent(models.Model):
    task = models.ForeignKey(TranslationTask, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=TaskAction.choices)
    from_state = models.CharField(max_length=20, choices=TaskState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=TaskState.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("by"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("task event")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_state} → {self.to_state}"
