"""Creating tasks and moving them between states: every allowed and refused transition, who may take it,
stale decisions, and accepting marking the translation as reviewed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import Locale

from otwarta.review import services
from otwarta.review.models import TaskAction, TaskEvent, TaskState, TranslationTask
from otwarta.translations.models import TranslationStatus
from otwarta.translations.services import status_of

from .conftest import KARTA, PESEL, make_translator, page

A = TaskAction
S = TaskState


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def new_task(assignee: Any, creator: Any, slug: str = KARTA, code: str = "uk", **kwargs: Any) -> TranslationTask:
    return services.create_task(source=page(slug), locale=locale(code), assignee=assignee, user=creator, **kwargs)


def move(task: TranslationTask, action: str, user: Any, comment: str = "") -> TranslationTask:
    task.refresh_from_db()
    return services.transition(task, action, user, expected_version=task.version, comment=comment)


def force_state(task: TranslationTask, state: str) -> TranslationTask:
    TranslationTask.objects.filter(pk=task.pk).update(state=state)
    task.refresh_from_db()
    return task


# --- creating ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("creator", ["urzad-editor", "urzad-moderator", "region", "admin"])
def test_coordinators_create_tasks(portal, user, translator, creator):
    task = new_task(translator["uk"], user(creator), instructions="  Keep “karta pobytu” as in the glossary. ")
    assert task.state == S.ASSIGNED and task.version == 1
    assert task.institution is not None and task.institution.slug == "urzad"
    assert task.instructions == "Keep “karta pobytu” as in the glossary."
    assert services.task_source(task) == page(KARTA)
    assert services.task_translation(task) == page(KARTA, "uk")
    assert list(task.events.values_list("action", "from_state", "to_state", "user__username")) == [
        (A.CREATE, "", S.ASSIGNED, creator)]


@pytest.mark.parametrize("creator", ["fundacja-editor", "fundacja-moderator", "tr-uk"])
def test_others_cannot_create_tasks_for_urzad_content(portal, user, translator, creator):
    with pytest.raises(PermissionDenied):
        new_task(translator["uk"], user(creator))
    assert not TranslationTask.objects.exists()


def test_the_assignee_must_translate_into_that_language(portal, user, translator):
    with pytest.raises(services.TaskError, match="not a translator"):
        new_task(translator["en"], user("urzad-editor"), code="uk")
    with pytest.raises(services.TaskError, match="not a translator"):
        new_task(user("urzad-editor"), user("urzad-editor"), code="uk")


def test_no_task_into_polish(portal, user, translator):
    with pytest.raises(services.TaskError):
        new_task(translator["uk"], user("region"), code="pl")


def test_one_open_task_per_translation(portal, user, translator):
    first = new_task(translator["uk"], user("urzad-editor"))
    with pytest.raises(services.TaskError, match="already an open task"):
        new_task(translator["uk"], user("region"))
    # Choosing the translation instead of the original names the same translation.
    with pytest.raises(services.TaskError, match="already an open task"):
        services.create_task(source=page(KARTA, "en"), locale=locale("uk"), assignee=translator["uk"],
                             user=user("region"))
    new_task(translator["en"], user("urzad-editor"), code="en")  # another language is another task
    move(first, A.CANCEL, user("urzad-editor"))
    assert new_task(translator["uk"], user("urzad-editor")).state == S.ASSIGNED


def test_a_missing_page_translation_is_created_as_a_draft(portal, user, translator):
    assert page(PESEL).get_translation_or_none(locale("uk")) is None
    task = new_task(translator["uk"], user("fundacja-moderator"), slug=PESEL)
    draft = services.task_translation(task)
    assert draft is not None and not draft.live
    assert status_of(page(PESEL), locale("uk")) == TranslationStatus.IN_PROGRESS
    assert draft.permissions_for_user(translator["uk"]).can_edit()


# --- every transition from every state ----------------------------------------------------------------
CASES = [(state, action) for state in S.values for action in services.TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), CASES)
def test_transition_table(portal, user, translator, state, action):
    task = force_state(new_task(translator["uk"], user("urzad-editor")), state)
    spec = services.TRANSITIONS[action]
    actor = translator["uk"] if spec.by_assignee else user("urzad-moderator")
    allowed = state in spec.sources
    if allowed:
        result = move(task, action, actor, comment="Fix the date format.")
        assert result.state == spec.target
        assert result.version == task.version + 1
        event = TaskEvent.objects.filter(task=task).last()
        assert event is not None
        assert (event.action, event.from_state, event.to_state, event.user) == (action, state, spec.target, actor)
        assert event.comment == "Fix the date format."
    else:
        with pytest.raises(services.TaskError, match="cannot be done"):
            move(task, action, actor, comment="Fix the date format.")
        task.refresh_from_db()
        assert task.state == state and task.version == 1
        assert task.events.count() == 1


def test_allowed_transitions_match_the_specification():
    table = {action: ({s.value for s in spec.sources}, spec.target.value, spec.by_assignee)
             for action, spec in services.TRANSITIONS.items()}
    assert table == {
        "start": ({"assigned", "changes_requested"}, "in_progress", True),
        "submit": ({"in_progress"}, "submitted", True),
        "accept": ({"submitted"}, "done", False),
        "request_changes": ({"submitted"}, "changes_requested", False),
        "cancel": ({"assigned", "in_progress", "submitted", "changes_requested"}, "cancelled", False),
    }


# --- who may take a transition -------------------------------------------------------------------------
@pytest.mark.parametrize(("state", "action", "username"), [
    (S.ASSIGNED, A.START, "urzad-moderator"),  # coordinators do not work on the translation
    (S.ASSIGNED, A.START, "tr-en"),
    (S.IN_PROGRESS, A.SUBMIT, "region"),
    (S.SUBMITTED, A.ACCEPT, "tr-uk"),  # the assignee does not accept their own work
    (S.SUBMITTED, A.REQUEST_CHANGES, "tr-uk"),
    (S.ASSIGNED, A.CANCEL, "tr-uk"),
    (S.SUBMITTED, A.ACCEPT, "fundacja-moderator"),  # another institution
    (S.SUBMITTED, A.ACCEPT, "fundacja-editor"),
    (S.ASSIGNED, A.CANCEL, "fundacja-editor"),
])
def test_refused_to_the_wrong_people(portal, user, translator, state, action, username):
    task = force_state(new_task(translator["uk"], user("urzad-editor")), state)
    with pytest.raises(PermissionDenied):
        move(task, action, user(username), comment="x")
    task.refresh_from_db()
    assert task.state == state and task.version == 1


@pytest.mark.parametrize("username", ["urzad-editor", "urzad-moderator", "region", "admin"])
def test_coordinators_accept(portal, user, translator, username):
    task = force_state(new_task(translator["uk"], user("urzad-editor")), S.SUBMITTED)
    assert move(task, A.ACCEPT, user(username)).state == S.DONE


def test_a_coordinator_assigned_to_themselves_cannot_accept(portal, user):
    editor = user("urzad-editor")
    editor.groups.add(make_translator("tr-x", "uk").groups.get())
    task = force_state(new_task(editor, user("urzad-moderator")), S.SUBMITTED)
    assert [t.action for t in services.allowed_actions(task, editor)] == [A.REQUEST_CHANGES, A.CANCEL]
    with pytest.raises(PermissionDenied, match="Another person"):
        move(task, A.ACCEPT, editor)
    assert move(task, A.ACCEPT, user("urzad-moderator")).state == S.DONE


def test_allowed_actions_per_person(portal, user, translator):
    task = new_task(translator["uk"], user("urzad-editor"))
    assert [t.action for t in services.allowed_actions(task, translator["uk"])] == [A.START]
    assert [t.action for t in services.allowed_actions(task, user("urzad-editor"))] == [A.CANCEL]
    assert services.allowed_actions(task, user("fundacja-editor")) == []
    assert services.allowed_actions(task, translator["en"]) == []


# --- what transitions need and do ---------------------------------------------------------------------
def test_the_whole_round_trip_marks_the_translation_reviewed(portal, user, translator):
    source = page(KARTA)
    assert status_of(source, locale("uk")) != TranslationStatus.REVIEWED
    task = new_task(translator["uk"], user("urzad-editor"))
    move(task, A.START, translator["uk"])
    move(task, A.SUBMIT, translator["uk"])
    move(task, A.REQUEST_CHANGES, user("urzad-moderator"), comment="The fee is 340 zł now.")
    assert status_of(source, locale("uk")) != TranslationStatus.REVIEWED
    move(task, A.START, translator["uk"])
    move(task, A.SUBMIT, translator["uk"])
    done = move(task, A.ACCEPT, user("urzad-moderator"))
    assert done.state == S.DONE and done.version == 7
    assert status_of(source, locale("uk")) == TranslationStatus.REVIEWED
    assert status_of(source, locale("en")) != TranslationStatus.REVIEWED  # only the task's language
    assert list(task.events.values_list("action", flat=True)) == [
        A.CREATE, A.START, A.SUBMIT, A.REQUEST_CHANGES, A.START, A.SUBMIT, A.ACCEPT]
    assert page(KARTA, "uk").get_latest_revision() is not None
    from wagtail.models import PageLogEntry

    assert PageLogEntry.objects.filter(page=page(KARTA, "uk"), action=services.REVIEWED_ACTION,
                                       user=user("urzad-moderator")).exists()


def test_changes_need_a_comment(portal, user, translator):
    task = force_state(new_task(translator["uk"], user("urzad-editor")), S.SUBMITTED)
    with pytest.raises(services.TaskError, match="Say what needs to change"):
        move(task, A.REQUEST_CHANGES, user("urzad-moderator"), comment="   ")
    task.refresh_from_db()
    assert task.state == S.SUBMITTED


def test_accepting_needs_a_published_translation(portal, user, translator):
    task = force_state(new_task(translator["uk"], user("urzad-editor")), S.SUBMITTED)
    page(KARTA, "uk").unpublish()
    with pytest.raises(services.TaskError, match="not published"):
        move(task, A.ACCEPT, user("urzad-moderator"))
    task.refresh_from_db()
    assert task.state == S.SUBMITTED
    assert status_of(page(KARTA), locale("uk")) == TranslationStatus.IN_PROGRESS


def test_submitting_needs_a_translation(portal, user, translator):
    task = force_state(new_task(translator["uk"], user("urzad-editor")), S.IN_PROGRESS)
    page(KARTA, "uk").delete()
    with pytest.raises(services.TaskError, match="no translation"):
        move(task, A.SUBMIT, translator["uk"])


def test_unknown_action(portal, user, translator):
    task = new_task(translator["uk"], user("urzad-editor"))
    with pytest.raises(services.TaskError, match="Unknown"):
        move(task, "publish", user("region"))


# --- stale decisions ----------------------------------------------------------------------------------
def test_a_decision_on_a_stale_task_is_refused_and_changes_nothing(portal, user, translator):
    task = force_state(new_task(translator["uk"], user("urzad-editor")), S.SUBMITTED)
    seen_version = task.version  # two coordinators open the same submitted task
    services.transition(task, A.REQUEST_CHANGES, user("urzad-moderator"), expected_version=seen_version,
                        comment="Wrong address.")
    with pytest.raises(services.StaleTaskError) as refused:
        services.transition(task, A.ACCEPT, user("region"), expected_version=seen_version)
    assert "Someone else changed this task" in str(refused.value.message)
    assert str(S.CHANGES_REQUESTED.label) in str(refused.value.message)
    task.refresh_from_db()
    assert task.state == S.CHANGES_REQUESTED
    assert status_of(page(KARTA), locale("uk")) != TranslationStatus.REVIEWED


def test_a_stale_form_from_an_earlier_round_does_not_apply_to_a_new_submission(portal, user, translator):
    task = force_state(new_task(translator["uk"], user("urzad-editor")), S.SUBMITTED)
    first_round = task.version
    move(task, A.REQUEST_CHANGES, user("urzad-moderator"), comment="Wrong address.")
    move(task, A.START, translator["uk"])
    move(task, A.SUBMIT, translator["uk"])  # submitted again, but a different version
    with pytest.raises(services.StaleTaskError):
        services.transition(task, A.ACCEPT, user("region"), expected_version=first_round)
