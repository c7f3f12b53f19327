"""Routing and e-mails: who gets what, in which language, with how much personal data."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from wagtail.users.models import UserProfile

from otwarta.assistance import services
from otwarta.assistance.tests.helpers import World, make_person, make_request

pytestmark = pytest.mark.django_db


def test_tasks_run_immediately_in_tests() -> None:
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def by_recipient() -> dict[str, Any]:
    return {message.to[0]: message for message in mail.outbox}


def test_a_new_request_goes_to_the_coordinator_the_matching_people_and_the_requester(
        world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        req, token = make_request(world)
    sent = by_recipient()
    assert set(sent) == {"koordynator@example.org", "olena@example.org", "iryna@example.org",
                         "mykola@example.com"}
    # the coordinator gets a link to the admin, not the requester's contact
    coordinator = sent["koordynator@example.org"].body
    assert f"/admin/requests/{req.pk}/" in coordinator
    assert "mykola@example.com" not in coordinator and "601 222 333" not in coordinator
    # matching people get what, when and how, never who
    for address in ("olena@example.org", "iryna@example.org"):
        body = sent[address].body
        assert "Mykola" not in body and "mykola@example.com" not in body and "601 222 333" not in body
        assert "Wizyta u lekarza" not in body
        assert "koordynator@example.org" in body
    # the requester gets the private link, in the language they chose
    confirmation = sent["mykola@example.com"].body
    assert f"/uk/zamow-tlumacza/{token}/" in confirmation
    assert token not in coordinator


def test_routing_caps_the_number_of_people(world: World, django_capture_on_commit_callbacks: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "MAX_ROUTED_PEOPLE", 1)
    with django_capture_on_commit_callbacks(execute=True):
        make_request(world)
    people = {"olena@example.org", "iryna@example.org"} & set(by_recipient())
    assert people == {"olena@example.org"}  # the one on duty at the requested time


def test_on_site_request_reaches_only_people_who_work_on_site(world: World,
                                                              django_capture_on_commit_callbacks: Any) -> None:
    from otwarta.assistance.tests.helpers import county
    from otwarta.registers.models import WorkMode

    make_person(world.register, "Zdalna Tylko", "zdalna@example.org", ("uk",), on_duty_monday=(8, 16),
                mode=WorkMode.REMOTE)
    with django_capture_on_commit_callbacks(execute=True):
        make_request(world, on_site=True, address="ul. Długa 1, Kraków", county=county("1261"))
    recipients = set(by_recipient())
    assert "zdalna@example.org" not in recipients
    assert "olena@example.org" in recipients


def test_staff_get_e_mails_in_their_admin_language(world: World, django_capture_on_commit_callbacks: Any) -> None:
    coordinator = get_user_model().objects.create_user("koordynator", "koordynator@example.org", "x")
    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    from otwarta.assistance.notifications import staff_language

    assert staff_language("KOORDYNATOR@example.org") == "en"
    assert staff_language("olena@example.org") == settings.LANGUAGE_CODE


def test_state_changes_are_e_mailed(world: World, django_capture_on_commit_callbacks: Any) -> None:
    region = get_user_model().objects.get(username="region")
    req, token = make_request(world)
    with django_capture_on_commit_callbacks(execute=True):
        req = services.transition(req, "assign", user=region, expected_version=1, person=world.on_duty)
    sent = by_recipient()
    assert set(sent) == {"mykola@example.com", "olena@example.org"}
    assert "Olena Dyżurna" in sent["mykola@example.com"].body
    assert "+48 12 000 11 22" in sent["mykola@example.com"].body  # the public phone
    assert "+48 600 000 000" not in sent["mykola@example.com"].body  # not the private one
    assert token not in sent["mykola@example.com"].body
    # the assigned person gets what they need to do the job
    assert "mykola@example.com" in sent["olena@example.org"].body
    assert "Wizyta u lekarza" in sent["olena@example.org"].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        req = services.transition(req, "note", user=region, expected_version=2, note="wewnętrzna notatka")
    assert mail.outbox == []  # notes are internal
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(req, "cancel", by_requester=True, expected_version=3)
    assert set(by_recipient()) == {"mykola@example.com", "olena@example.org", "koordynator@example.org"}


def test_no_e_mail_to_a_requester_who_gave_only_a_phone(world: World,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_request(world, email="")
    assert "mykola@example.com" not in by_recipient()
    assert "koordynator@example.org" in by_recipient()
