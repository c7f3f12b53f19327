"""Translation tasks: who may do what, and the one function that moves a task between states.

States (docs/translation-review.md)::

    assigned ──start──▶ in_progress ──submit──▶ submitted ──accept──▶ done (the translation is "reviewed")
        ▲                    ▲                      │
        │                    └──start── changes_requested ◀──request_changes──┘
    (create)        cancel: from any open state ──▶ cancelled

* The **assignee** (a member of the locale's translator group) starts and submits.
* **Coordinators** — regional administrators, superusers and the editors and moderators of the institution
  that owns the Polish source — create and assign tasks, accept, request changes and cancel. Nobody
  accepts a translation they were assigned themselves.
* Every transition names the task ``version`` it was decided on; if the task changed meanwhile the
  transition is refused (:class:`StaleTaskError`) and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import DraftStateMixin, Locale, Page

from otwarta.institutions.models import Institution
from otwarta.institutions.services import REGIONAL_ADMINS, institutions_for_user
from otwarta.translations import services as translation_services
from otwarta.translations.registry import tracked_for

from .models import OPEN_STATES, TaskAction, TaskEvent, TaskState, TranslationTask
from .roles import is_target_locale, is_translator

REVIEWED_ACTION = "otwarta_review.mark_reviewed"

A = TaskAction
S = TaskState


class TaskError(Exception):
    """A refused action, with a message for the person who tried it."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


class StaleTaskError(TaskError):
    """The task changed after the form was shown."""


@dataclass(frozen=True)
class Transition:
    action: TaskAction
    sources: tuple[TaskState, ...]
    target: TaskState
    by_assignee: bool  # True: the assignee does it; False: a coordinator
    label: str | Promise
    needs_comment: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action.value: t for t in (
        Transition(A.START, (S.ASSIGNED, S.CHANGES_REQUESTED), S.IN_PROGRESS, True, _("Start work")),
        Transition(A.SUBMIT, (S.IN_PROGRESS,), S.SUBMITTED, True, _("Submit for review")),
        Transition(A.ACCEPT, (S.SUBMITTED,), S.DONE, False, _("Accept and mark as reviewed")),
        Transition(A.REQUEST_CHANGES, (S.SUBMITTED,), S.CHANGES_REQUESTED, False, _("Request changes"),
                   needs_comment=True),
        Transition(A.CANCEL, OPEN_STATES, S.CANCELLED, False, _("Cancel task")),
    )
}


# --- who is who ---------------------------------------------------------------------------------------
def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_regional_admin(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.groups.filter(name=REGIONAL_ADMINS).exists())


def coordinates(user: Any, institution: Institution | None) -> bool:
    """Whether ``user`` may assign and review tasks for content owned by ``institution`` (None: pages of
    the regional team, such as the home and topic pages)."""
    if not _active(user):
        return False
    if is_regional_admin(user):
        return True
    if institution is None:
        return False
    group_ids = [g for g in (institution.editors_group_id, institution.moderators_group_id) if g]
    return bool(group_ids) and user.groups.filter(pk__in=group_ids).exists()  # type: ignore[no-any-return]


def can_create_tasks(user: Any) -> bool:
    return bool(_active(user) and institutions_for_user(user))


def is_assignee(user: Any, task: TranslationTask) -> bool:
    return _active(user) and task.assignee_id == user.pk


def can_coordinate(user: Any, task: TranslationTask) -> bool:
    return coordinates(user, task.institution)


def visible_tasks(user: Any) -> models.QuerySet[TranslationTask]:
    """Tasks ``user`` may see: all for regional administrators; otherwise their own (assigned to them or
    created by them) and those of the institutions they work for."""
    tasks = TranslationTask.objects.all()
    if not _active(user):
        return tasks.none()
    if is_regional_admin(user):
        return tasks
    institution_ids = [i.pk for i in institutions_for_user(user)]
    return tasks.filter(Q(assignee=user) | Q(created_by=user) | Q(institution_id__in=institution_ids))


def can_view(user: Any, task: TranslationTask) -> bool:
    return visible_tasks(user).filter(pk=task.pk).exists()


def allowed_actions(task: TranslationTask, user: Any) -> list[Transition]:
    """The transitions ``user`` may take on ``task`` now (for the buttons; :func:`transition` checks again)."""
    result = []
    for spec in TRANSITIONS.values():
        if task.state not in spec.sources:
            continue
        if spec.by_assignee and is_assignee(user, task):
            result.append(spec)
        elif not spec.by_assignee and can_coordinate(user, task):
            if spec.action == A.ACCEPT and is_assignee(user, task):
                continue
            result.append(spec)
    return result


# --- the objects of a task -----------------------------------------------------------------------------
def _object_in(content_type: ContentType, translation_key: uuid.UUID | str,
               locale: Locale | str) -> models.Model | None:
    model = content_type.model_class()
    if model is None:
        return None
    queryset = model._default_manager.filter(translation_key=translation_key)
    queryset = (queryset.filter(locale__language_code=locale) if isinstance(locale, str)
                else queryset.filter(locale=locale))
    instance = queryset.first()
    return instance.specific if isinstance(instance, Page) else instance


def source_of(content_type: ContentType, translation_key: uuid.UUID | str) -> models.Model | None:
    """The Polish original."""
    return _object_in(content_type, translation_key, settings.LANGUAGE_CODE)


def task_source(task: TranslationTask) -> models.Model | None:
    return source_of(task.content_type, task.translation_key)


def task_translation(task: TranslationTask) -> models.Model | None:
    """The translated object of the task's language, if it exists."""
    return _object_in(task.content_type, task.translation_key, task.locale)


def owning_institution(source: models.Model) -> Institution | None:
    """The institution whose section holds the page (or whose snippet it is)."""
    if isinstance(source, Page):
        from otwarta.portal.models import InstitutionPage

        steps = Page.steplen
        paths = [source.path[:end] for end in range(steps, len(source.path) + 1, steps)]
        section = (InstitutionPage.objects.filter(path__in=paths).select_related("institution")
                   .order_by("-depth").first())
        return section.institution if section else None
    tracked = tracked_for(type(source))
    if tracked is None or tracked.institution_field is None:
        return None
    value = getattr(source, tracked.institution_field, None)
    return value if isinstance(value, Institution) else None


def _is_live(instance: models.Model) -> bool:
    return not isinstance(instance, DraftStateMixin) or bool(instance.live)


# --- creating a task -----------------------------------------------------------------------------------
@transaction.atomic
def create_task(*, source: models.Model, locale: Locale, assignee: Any, user: Any,
                due_on: dt.date | None = None, instructions: str = "") -> TranslationTask:
    """Assign the translation of ``source`` (the Polish original, or any of its translations) into
    ``locale`` to ``assignee``. A page that has no translation in ``locale`` yet gets a draft one
    (wagtail-localize, synced), so the translator has something to open."""
    tracked = tracked_for(type(source))
    if tracked is None or not hasattr(source, "translation_key"):
        raise TaskError(_("This kind of content is not translated."))
    content_type = translation_services.content_type_for(type(source))
    original: Any = source_of(content_type, source.translation_key)  # type: ignore[attr-defined]
    if original is None:
        raise TaskError(_("This content has no Polish original to translate from."))
    if not is_target_locale(locale):
        raise TaskError(_("Choose a language to translate into (not Polish)."))
    institution = owning_institution(original)
    if not coordinates(user, institution):
        raise PermissionDenied(_("You may assign translation tasks only for your institution's content."))
    if not is_translator(assignee, locale):
        raise TaskError(_("%(user)s is not a translator into this language.")
                        % {"user": assignee.get_full_name() or assignee.get_username()})
    open_tasks = TranslationTask.objects.filter(content_type=content_type, translation_key=original.translation_key,
                                                locale=locale, state__in=OPEN_STATES)
    if open_tasks.exists():
        raise TaskError(_("There is already an open task for this translation. Open it from the list of "
                          "translation tasks, or cancel it first."))
    if _object_in(content_type, original.translation_key, locale) is None and isinstance(original, DraftStateMixin):
        _create_draft_translation(original, locale, user)
    try:
        with transaction.atomic():
            task = TranslationTask.objects.create(
                content_type=content_type, translation_key=original.translation_key, locale=locale,
                institution=institution, assignee=assignee, created_by=user, due_on=due_on,
                instructions=instructions.strip(),
            )
    except IntegrityError as error:  # a concurrent request created the same task a moment ago
        raise TaskError(_("There is already an open task for this translation. Open it from the list of "
                          "translation tasks, or cancel it first.")) from error
    _record(task, A.CREATE, "", S.ASSIGNED, user, "")
    return task


def _create_draft_translation(original: models.Model, locale: Locale, user: Any) -> None:
    """A draft synced translation (parents copied when needed), as wagtail-localize's "Translate" does."""
    translation = translation_services.ensure_translation(original, locale, user=user)
    try:
        translation_services.save_translation(translation, user=user)
    except ValidationError as error:
        raise TaskError(_("The translation could not be created: %(error)s")
                        % {"error": "; ".join(error.messages)}) from error


# --- moving a task -------------------------------------------------------------------------------------
def transition(task: TranslationTask, action: str, user: Any, *, expected_version: int,
               comment: str = "") -> TranslationTask:
    """Take ``action`` on ``task`` as ``user``, decided on the task as it was at ``expected_version``.

    Raises :class:`StaleTaskError` when the task changed since, :class:`TaskError` when the action is not
    possible in the task's state (or lacks what it needs), ``PermissionDenied`` when ``user`` may not."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise TaskError(_("Unknown action."))
    comment = comment.strip()
    with transaction.atomic():
        current = (TranslationTask.objects.select_for_update(of=("self",))
                   .select_related("institution", "locale", "content_type").get(pk=task.pk))
        if current.version != expected_version:
            raise StaleTaskError(
                _("Someone else changed this task meanwhile; it is now “%(state)s”. Nothing was changed: "
                  "check the task as it is now and try again.") % {"state": current.get_state_display()}
            )
        if current.state not in spec.sources:
            raise TaskError(_("This cannot be done to a task that is “%(state)s”.")
                            % {"state": current.get_state_display()})
        if spec.by_assignee and not is_assignee(user, current):
            raise PermissionDenied(_("Only the translator assigned to this task can do this."))
        if not spec.by_assignee and not can_coordinate(user, current):
            raise PermissionDenied(_("Only the people who coordinate this institution's translations can do this."))
        if spec.action == A.ACCEPT and is_assignee(user, current):
            raise PermissionDenied(_("Another person has to review your translation."))
        if spec.needs_comment and not comment:
            raise TaskError(_("Say what needs to change."))
        target = task_translation(current) if spec.action in (A.SUBMIT, A.ACCEPT) else None
        if spec.action in (A.SUBMIT, A.ACCEPT):
            if target is None:
                raise TaskError(_("There is no translation into this language yet."))
            if spec.action == A.ACCEPT and not _is_live(target):
                raise TaskError(_("The translation is not published yet. Publish it first, then accept it: a "
                                  "review applies to the published text."))
        previous = current.state
        now = timezone.now()
        updated = TranslationTask.objects.filter(pk=current.pk, version=expected_version).update(
            state=spec.target, version=F("version") + 1, updated_at=now
        )
        if not updated:  # databases without row locks: the conditional update is the guard
            raise StaleTaskError(_("Someone else changed this task meanwhile. Nothing was changed: check the "
                                   "task as it is now and try again."))
        if spec.action == A.ACCEPT and target is not None:
            translation_services.mark_reviewed(target, user)
            log(instance=target, action=REVIEWED_ACTION, user=user, data={"task": current.pk})
        current.refresh_from_db()
        _record(current, spec.action, previous, spec.target, user, comment)
    return current


def _record(task: TranslationTask, action: str, from_state: str, to_state: str, user: Any,
            comment: str) -> TaskEvent:
    event = TaskEvent.objects.create(task=task, action=action, from_state=from_state, to_state=to_state,
                                     user=user if _active(user) else None, comment=comment)
    from .notifications import RECIPIENTS
    from .tasks import send_task_notification

    if action in RECIPIENTS:
        transaction.on_commit(lambda: send_task_notification.enqueue(event.pk))
    return event


# --- "Mark as reviewed" without a task --------------------------------------------------------------
def can_mark_reviewed(instance: models.Model, user: Any) -> bool:
    """Translators of the instance's language and regional administrators may confirm a translation."""
    if not _active(user) or tracked_for(type(instance)) is None or not hasattr(instance, "locale"):
        return False
    if translation_services.is_source(instance):
        return False
    return is_regional_admin(user) or is_translator(user, instance.locale)


def mark_translation_reviewed(instance: models.Model, user: Any) -> None:
    if not can_mark_reviewed(instance, user):
        raise PermissionDenied(_("You may not mark this translation as reviewed."))
    if not _is_live(instance):
        raise TaskError(_("The translation is not published yet. Publish it first: a review applies to the "
                          "published text."))
    translation_services.mark_reviewed(instance, user)
    log(instance=instance, action=REVIEWED_ACTION, user=user)


# --- translators do not delete ----------------------------------------------------------------------
def translator_only(user: Any, page: Page) -> bool:
    """Whether ``user``'s rights on ``page`` come from a translator group alone. Wagtail lets anyone with
    change + publish rights delete a page; for translators that is not meant, so the admin hooks refuse
    deleting (and bulk deleting) pages to them."""
    if not _active(user) or user.is_superuser:
        return False
    if not user.groups.filter(translator_role__locale_id=page.locale_id).exists():
        return False
    return not coordinates(user, owning_institution(page))
