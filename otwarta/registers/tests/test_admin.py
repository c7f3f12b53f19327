"""Wagtail admin of the registers: rights per role, inline editing, consent rule, audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtail.users.models import UserProfile

from otwarta.registers import testing as r
from otwarta.registers.models import Person, RegisterKind

pytestmark = pytest.mark.django_db

PEOPLE = "/admin/snippets/registers/person/"
REGISTERS = "/admin/snippets/registers/register/"
HOTLINES = "/admin/snippets/registers/hotline/"


@pytest.fixture
def world(portal) -> dict[str, Any]:
    interpreters = r.register()  # coordinated by urzad
    mediators = r.register(RegisterKind.MEDIATOR, institution="fundacja")
    return {
        "interpreters": interpreters, "mediators": mediators,
        "olena": r.person(interpreters, "Olena Tłumaczka", slots=((0, "08:00", "12:00"),)),
        "marta": r.person(mediators, "Marta Mediatorka"),
        "line": r.hotline(mediators, "+48 12 000 99 99"),
    }


def login(client: Client, username: str) -> Any:
    user = get_user_model().objects.get(username=username)
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    client.force_login(user)
    return user


def denied(response: Any) -> bool:
    return response.status_code in (302, 403)  # Wagtail redirects a PermissionDenied to the dashboard


@pytest.mark.parametrize(("username", "people", "registers_page", "hotlines"), [
    ("admin", {"Olena Tłumaczka", "Marta Mediatorka"}, True, True),
    ("region", {"Olena Tłumaczka", "Marta Mediatorka"}, True, True),
    ("urzad-editor", {"Olena Tłumaczka"}, False, False),
    ("urzad-moderator", {"Olena Tłumaczka"}, False, False),
    ("fundacja-editor", {"Marta Mediatorka"}, False, True),
    ("fundacja-moderator", {"Marta Mediatorka"}, False, True),
])
def test_listing_and_editing_per_role(world, client: Client, username, people, registers_page, hotlines):
    login(client, username)
    listing = client.get(PEOPLE)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert {name for name in ("Olena Tłumaczka", "Marta Mediatorka") if name in html} == people
    for person in (world["olena"], world["marta"]):
        edit = client.get(f"{PEOPLE}edit/{person.pk}/")
        delete = client.get(f"{PEOPLE}delete/{person.pk}/")
        history = client.get(f"{PEOPLE}history/{person.pk}/")
        if person.display_name in people:
            assert edit.status_code == 200 and delete.status_code == 200 and history.status_code == 200
        else:
            assert denied(edit) and denied(delete) and denied(history)
            assert denied(client.post(f"{PEOPLE}delete/{person.pk}/"))
            assert Person.objects.filter(pk=person.pk).exists()
    assert (client.get(REGISTERS).status_code == 200) is registers_page
    line_edit = client.get(f"{HOTLINES}edit/{world['line'].pk}/")
    assert (line_edit.status_code == 200) is hotlines
    assert "Registers" in client.get("/admin/").content.decode()


@pytest.mark.parametrize("username", ["translator-uk"])
def test_others_get_nothing(world, client: Client, username):
    login(client, username)
    assert denied(client.get(PEOPLE))
    assert denied(client.get(f"{PEOPLE}edit/{world['olena'].pk}/"))
    assert denied(client.get(f"{PEOPLE}add/"))
    assert denied(client.get(REGISTERS))
    assert 'href="/admin/snippets/registers/' not in client.get("/admin/").content.decode()


def person_form(world: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data = {
        "register": str(world["interpreters"].pk), "display_name": "Iryna Nowa", "email": "iryna@example.org",
        "phone": "", "public_phone": "", "specialisations": ["medical", "legal"], "sworn_number": "",
        "work_mode": "both", "consent_given_at": "", "consent_note": "", "is_published": "on",
        "language_pairs": inline_formset([{"source": "pl", "target": "uk", "both_directions": "on"}]),
        "duty_slots": inline_formset([{"weekday": "0", "starts_at": "22:00", "ends_at": "06:00", "mode": "remote",
                                       "hotline": "", "valid_from": "", "valid_to": ""}]),
        "duty_exceptions": inline_formset([]),
    }
    data.update(overrides)
    specialisations = data.pop("specialisations")
    return {**nested_form_data(data), "specialisations": specialisations}  # a list: posted as repeated keys


def test_publishing_needs_consent_then_creation_is_logged(world, client: Client):
    user = login(client, "urzad-editor")
    response = client.post(f"{PEOPLE}add/", person_form(world))
    assert response.status_code == 200
    assert "only with the person&#x27;s consent" in response.content.decode()
    assert not Person.objects.filter(display_name="Iryna Nowa").exists()
    response = client.post(f"{PEOPLE}add/", person_form(world, consent_given_at="2026-05-01 10:00"))
    assert response.status_code == 302, response.content.decode()[:3000]
    iryna = Person.objects.get(display_name="Iryna Nowa")
    assert iryna.is_public and iryna.specialisations == ["medical", "legal"]
    assert [str(p) for p in iryna.language_pairs.all()] == ["pl ↔ uk"]
    assert iryna.duty_slots.get().crosses_midnight
    log = ModelLogEntry.objects.get(object_id=str(iryna.pk), action="wagtail.create")
    assert log.user_id == user.pk


def test_coordinator_cannot_put_people_in_another_register(world, client: Client):
    login(client, "urzad-editor")
    response = client.post(f"{PEOPLE}add/", person_form(world, register=str(world["mediators"].pk),
                                                        consent_given_at="2026-05-01 10:00"))
    assert response.status_code == 200
    assert not Person.objects.filter(display_name="Iryna Nowa").exists()
    form_html = client.get(f"{PEOPLE}add/").content.decode()
    assert 'type="checkbox" name="specialisations" value="medical"' in form_html
    assert "Intercultural mediators" not in form_html.split('name="register"')[1].split("</select>")[0]


def test_edit_by_coordinator_is_logged(world, client: Client):
    login(client, "urzad-moderator")
    olena = world["olena"]
    data = person_form(world, display_name="Olena Zmieniona", consent_given_at="2026-05-01 10:00",
                       language_pairs=inline_formset([{"id": str(p.pk), "source": p.source, "target": p.target,
                                                        "both_directions": "on"}
                                                       for p in olena.language_pairs.all()], initial=1),
                       duty_slots=inline_formset([], initial=0))
    response = client.post(f"{PEOPLE}edit/{olena.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    olena.refresh_from_db()
    assert olena.display_name == "Olena Zmieniona"
    assert ModelLogEntry.objects.filter(object_id=str(olena.pk), action="wagtail.edit").exists()
