"""The states of a request, who may move it, optimistic concurrency and the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from wagtail.models import ModelLogEntry

from otwarta.assistance import services
from otwarta.assistance.models import AssistanceRequest, RequestEvent, RequestState, hash_token
from otwarta.assistance.tests.helpers import World, make_request, request_fields

pytestmark = pytest.mark.django_db


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def test_token_is_stored_only_as_its_hash(world: World) -> None:
    req, token = make_request(world)
    assert len(token) >= 30
    assert req.token_hash == hash_token(token) != token
    assert services.find_by_token(token) == req
    assert services.find_by_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert RequestEvent.objects.filter(request=req, action="create", to_state="new").count() == 1


def test_contact_is_required_by_the_database(world: World) -> None:
    with pytest.raises(IntegrityError):
        make_request(world, email="", phone="")


def test_full_lifecycle_by_a_coordinator(world: World) -> None:
    req, _token = make_request(world)
    editor = user("urzad-editor")
    req = services.transition(req, "assign", user=editor, expected_version=1, person=world.on_duty)
    assert (req.state, req.assigned_person, req.version, req.closed_at) == (
        RequestState.ASSIGNED, world.on_duty, 2, None)
    req = services.transition(req, "assign", user=editor, expected_version=2, person=world.off_duty)
    assert req.assigned_person == world.off_duty
    req = services.transition(req, "note", user=editor, expected_version=3, note="Zadzwonię jutro.")
    assert req.state == RequestState.ASSIGNED
    req = services.transition(req, "done", user=user("urzad-moderator"), expected_version=4)
    assert req.state == RequestState.DONE and req.closed_at is not None
    assert list(req.events.values_list("action", flat=True)) == ["create", "assign", "assign", "note", "done"]
    logged = set(ModelLogEntry.objects.filter(object_id=str(req.pk)).values_list("action", flat=True))
    assert logged == {"otwarta_assistance.create", "otwarta_assistance.assign", "otwarta_assistance.note",
                      "otwarta_assistance.done"}
    # audit entries outlive the request: no personal data in them
    for entry in ModelLogEntry.objects.filter(object_id=str(req.pk)):
        assert "Mykola" not in entry.label and "mykola" not in str(entry.data)


@pytest.mark.parametrize(("state", "action"), [
    ("new", "done"),            # nobody assigned yet
    ("done", "cancel"), ("done", "assign"), ("done", "done"),
    ("cancelled", "assign"), ("cancelled", "cancel"), ("cancelled", "done"),
])
def test_forbidden_transitions(world: World, state: str, action: str) -> None:
    req, _token = make_request(world)
    AssistanceRequest.objects.filter(pk=req.pk).update(state=state)
    req.refresh_from_db()
    with pytest.raises(services.RequestError):
        services.transition(req, action, user=user("region"), expected_version=req.version, person=world.on_duty)
    req.refresh_from_db()
    assert req.state == state and req.version == 1


def test_assign_needs_a_person_of_the_same_register(world: World) -> None:
    req, _token = make_request(world)
    with pytest.raises(services.RequestError):
        services.transition(req, "assign", user=user("region"), expected_version=1)
    with pytest.raises(services.RequestError):
        services.transition(req, "assign", user=user("region"), expected_version=1,
                            person=world.other_register_person)
    with pytest.raises(services.RequestError):
        services.transition(req, "note", user=user("region"), expected_version=1, note="   ")


@pytest.mark.parametrize(("username", "allowed"), [
    ("admin", True), ("region", True), ("urzad-editor", True), ("urzad-moderator", True),
    ("fundacja-editor", False), ("fundacja-moderator", False),
])
def test_who_may_coordinate(world: World, username: str, allowed: bool) -> None:
    req, _token = make_request(world)  # the interpreters' register is coordinated by `urzad`
    assert services.can_coordinate(user(username), world.register) is allowed
    assert (req in services.visible_requests(user(username))) is allowed
    if allowed:
        services.transition(req, "cancel", user=user(username), expected_version=1)
    else:
        with pytest.raises(PermissionDenied):
            services.transition(req, "cancel", user=user(username), expected_version=1)
        req.refresh_from_db()
        assert req.state == RequestState.NEW


def test_anonymous_and_inactive_users_may_not(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    req, _token = make_request(world)
    editor = user("urzad-editor")
    editor.is_active = False
    editor.save()
    for nobody in (AnonymousUser(), editor, None):
        with pytest.raises(PermissionDenied):
            services.transition(req, "cancel", user=nobody, expected_version=1)


def test_the_requester_may_only_cancel(world: World) -> None:
    req, _token = make_request(world)
    for action in ("assign", "done", "note"):
        with pytest.raises(PermissionDenied):
            services.transition(req, action, by_requester=True, expected_version=1, person=world.on_duty, note="x")
    req = services.transition(req, "cancel", by_requester=True, expected_version=1)
    assert req.state == RequestState.CANCELLED and req.closed_at is not None
    assert req.events.get(action="cancel").by_requester


def test_stale_version_is_refused_and_nothing_changes(world: World) -> None:
    req, _token = make_request(world)
    services.transition(req, "assign", user=user("region"), expected_version=1, person=world.on_duty)
    with pytest.raises(services.StaleRequestError):
        services.transition(req, "cancel", user=user("urzad-editor"), expected_version=1)
    req.refresh_from_db()
    assert req.state == RequestState.ASSIGNED and req.version == 2


def test_assignment_candidates_put_matching_people_first(world: World) -> None:
    req, _token = make_request(world)
    matching, others = services.assignment_candidates(req)
    assert matching[:2] == [world.on_duty, world.off_duty]
    assert world.russian in others and world.russian not in matching
    assert world.other_register_person not in matching + others


def test_request_fields_helper_matches_the_model(world: World) -> None:
    # guards the helpers against drifting from the model
    assert set(request_fields(world)) <= {f.name for f in AssistanceRequest._meta.fields}
