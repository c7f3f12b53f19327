"""The coordinators' "Requests" in the Wagtail admin: who sees what, actions, audit log, stale forms."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import ModelLogEntry

from otwarta.assistance.models import RequestState
from otwarta.assistance.tests.helpers import World, make_request

pytestmark = pytest.mark.django_db

INDEX = "/admin/requests/"


def login(client: Client, username: str) -> None:
    client.force_login(get_user_model().objects.get(username=username))


@pytest.mark.parametrize(("username", "sees"), [
    ("admin", True), ("region", True), ("urzad-editor", True), ("urzad-moderator", True),
    ("fundacja-editor", False), ("fundacja-moderator", False),
])
def test_list_and_detail_per_role(world: World, client: Client, username: str, sees: bool) -> None:
    req, _token = make_request(world)
    login(client, username)
    index = client.get(INDEX)
    detail = client.get(f"{INDEX}{req.pk}/")
    home = client.get("/admin/").content.decode()
    if sees:
        assert index.status_code == 200 and detail.status_code == 200
        assert f'href="{INDEX}{req.pk}/"' in index.content.decode()
        assert "Mykola Petrenko" in detail.content.decode()
        assert "assistance-requests" in home
    else:
        # fundacja coordinates another register (mediators): it has the menu, but not this request
        assert index.status_code == 200 and f'href="{INDEX}{req.pk}/"' not in index.content.decode()
        assert detail.status_code in (302, 403)  # Wagtail turns PermissionDenied into a redirect home
        assert "Mykola" not in detail.content.decode()


@pytest.mark.parametrize("username", ["translator-uk", "fundacja-editor"])
def test_no_requests_menu_without_a_register(world: World, client: Client, username: str) -> None:
    world.other_register_person.delete()
    world.other_register.delete()  # now fundacja coordinates no register
    req, _token = make_request(world)
    login(client, username)
    assert client.get(INDEX).status_code in (302, 403)
    detail = client.get(f"{INDEX}{req.pk}/")
    assert detail.status_code in (302, 403) and "Mykola" not in detail.content.decode()
    assert "assistance-requests" not in client.get("/admin/").content.decode()

def test_fundacja_sees_only_its_own_register(world: World, client: Client) -> None:
    ours, _token = make_request(world, register=world.other_register)
    theirs, _token = make_request(world)
    login(client, "fundacja-editor")
    html = client.get(INDEX).content.decode()
    assert f'href="{INDEX}{ours.pk}/"' in html and f'href="{INDEX}{theirs.pk}/"' not in html
    assert client.post(f"{INDEX}{theirs.pk}/action/", {"action": "cancel", "version": 1}).status_code in (302, 403)
    theirs.refresh_from_db()
    assert theirs.state == RequestState.NEW


def test_filters(world: World, client: Client) -> None:
    new, _token = make_request(world)
    done, _token = make_request(world, register=world.other_register)
    done.state = RequestState.CANCELLED
    done.save()
    login(client, "region")
    only_new = client.get(INDEX, {"state": "new"}).content.decode()
    assert f"{INDEX}{new.pk}/" in only_new and f"{INDEX}{done.pk}/" not in only_new
    mediators = client.get(INDEX, {"register": world.other_register.pk}).content.decode()
    assert f"{INDEX}{done.pk}/" in mediators and f"{INDEX}{new.pk}/" not in mediators


def test_detail_offers_matching_people_first(world: World, client: Client) -> None:
    req, _token = make_request(world)
    login(client, "urzad-editor")
    html = client.get(f"{INDEX}{req.pk}/").content.decode()
    matching, others = html.split("<optgroup")[1], html.split("<optgroup")[2]
    assert "Olena Dyżurna" in matching and "Iryna Wolna" in matching
    assert "Boris Rosyjski" in others and "Boris" not in matching
    assert "Taras Mediator" not in html


def test_assign_done_and_audit_log(world: World, client: Client) -> None:
    req, _token = make_request(world)
    login(client, "urzad-moderator")
    response = client.post(f"{INDEX}{req.pk}/action/", {"action": "assign", "version": 1,
                                                        "person": str(world.on_duty.pk), "note": ""})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == RequestState.ASSIGNED and req.assigned_person == world.on_duty
    assert client.post(f"{INDEX}{req.pk}/action/", {"action": "done", "version": 2}).status_code == 302
    req.refresh_from_db()
    assert req.state == RequestState.DONE
    moderator = get_user_model().objects.get(username="urzad-moderator")
    entries = ModelLogEntry.objects.filter(object_id=str(req.pk), user=moderator)
    assert set(entries.values_list("action", flat=True)) == {"otwarta_assistance.assign", "otwarta_assistance.done"}
    # Wagtail's history report can show the actions (they are registered)
    from wagtail.log_actions import registry

    assert registry.action_exists("otwarta_assistance.assign")
    assert registry.get_action_label("otwarta_assistance.done")


def test_stale_form_is_409_and_keeps_the_typed_note(world: World, client: Client) -> None:
    req, _token = make_request(world)
    login(client, "region")
    assert client.post(f"{INDEX}{req.pk}/action/", {"action": "assign", "version": 1,
                                                    "person": str(world.on_duty.pk)}).status_code == 302
    stale = client.post(f"{INDEX}{req.pk}/action/", {"action": "note", "version": 1,
                                                     "note": "Ważna notatka, której nie chcę stracić"})
    assert stale.status_code == 409
    assert "Ważna notatka, której nie chcę stracić" in stale.content.decode()
    req.refresh_from_db()
    assert req.version == 2 and not req.events.filter(action="note").exists()


def test_bad_person_and_forbidden_action_are_400(world: World, client: Client) -> None:
    req, _token = make_request(world)
    login(client, "region")
    assert client.post(f"{INDEX}{req.pk}/action/", {"action": "assign", "version": 1,
                                                    "person": "not-a-uuid"}).status_code == 400
    assert client.post(f"{INDEX}{req.pk}/action/", {"action": "done", "version": 1}).status_code == 400
    assert client.get(f"{INDEX}{req.pk}/action/").status_code == 405
