"""Two-factor authentication enforced by role (``OTWARTA_2FA_REQUIRED_ROLES``).

Superusers, regional administrators and institutions' moderators must have a confirmed TOTP device: without
one they reach only the device set-up (and sign-out, and what those pages load), from every admin URL,
JSON endpoints under the admin included; with one they must enter a code after signing in. Editors are
not required to. Codes are real TOTP codes computed from the device's key (django_otp.oath.TOTP).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from otwarta.institutions.two_factor import holds_a_privileged_role, two_factor_required_for

PASSWORD = "Bardzo-dlugie-haslo-2026"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PRIVILEGED = ["urzad-moderator", "fundacja-moderator", "region", "admin"]
# Admin URLs a privileged account without a device must not reach: pages, listings, a JSON endpoint of our
# own (readability analysis), account settings, user management.
GUARDED = ["/admin/", "/admin/pages/", "/admin/readability/analyse/", "/admin/account/", "/admin/users/",
           "/admin/images/"]


@pytest.fixture
def roles_required(settings: Any) -> Any:
    settings.WAGTAIL_2FA_REQUIRED = False
    settings.OTWARTA_2FA_REQUIRED_ROLES = True
    return settings


def token(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(device.digits)


def signed_in(username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302, username
    return client


def test_who_holds_a_privileged_role(portal: Any) -> None:
    users = get_user_model().objects
    for username in PRIVILEGED:
        assert holds_a_privileged_role(users.get(username=username)), username
    for username in ("urzad-editor", "fundacja-editor"):
        assert not holds_a_privileged_role(users.get(username=username)), username
    assert not holds_a_privileged_role(users.create_user("nobody", "nobody@example.org", PASSWORD))


def test_editor_without_a_device_is_let_in(portal: Any, roles_required: Any) -> None:
    client = signed_in("urzad-editor")
    for path in ("/admin/", "/admin/pages/"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("username", PRIVILEGED)
def test_privileged_account_without_a_device_is_sent_to_the_set_up(portal: Any, roles_required: Any,
                                                                    username: str) -> None:
    client = signed_in(username)
    for path in GUARDED:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/2fa/devices/new?next="), path
    assert client.post("/admin/readability/analyse/", {"text": "x"})["Location"].startswith("/admin/2fa/devices/new")
    # What the set-up needs stays open: the set-up page, its QR code, the device list, the JS catalogue.
    user = get_user_model().objects.get(username=username)
    for path in ("/admin/2fa/devices/new", "/admin/2fa/devices/qr-code", f"/admin/2fa/devices/{user.pk}",
                 "/admin/jsi18n/"):
        assert client.get(path).status_code == 200, path

    with freeze_time(NOW) as clock:
        # Setting up the device (a real code from its key, and the current password) verifies the session.
        client.get("/admin/2fa/devices/new")
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post("/admin/2fa/devices/new", {"name": "Telefon", "otp_token": token(device),
                                                          "password": PASSWORD})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        for path in ("/admin/", "/admin/pages/"):
            assert client.get(path).status_code == 200, path
        client.post("/admin/logout/")

        # The next sign-in asks for a code; a wrong one is refused, the right one lets the account in.
        clock.tick(dt.timedelta(minutes=1))
        client = signed_in(username)
        for path in GUARDED:
            response = client.get(path)
            assert response.status_code == 302 and response["Location"].startswith("/admin/2fa/auth"), path
        assert client.get("/admin/2fa/devices/new")["Location"].startswith("/admin/2fa/auth")
        wrong = str((int(token(device)) + 1) % 10 ** device.digits).zfill(device.digits)
        response = client.post("/admin/2fa/auth", {"otp_token": wrong, "next": "/admin/"})
        assert response.status_code == 200 and response.context["form"].errors
        assert client.get("/admin/").status_code == 302
        clock.tick(dt.timedelta(seconds=30))
        response = client.post("/admin/2fa/auth", {"otp_token": token(device), "next": "/admin/"})
        assert response.status_code == 302 and response["Location"] == "/admin/"
        for path in ("/admin/", "/admin/pages/"):
            assert client.get(path).status_code == 200, path


def test_a_new_institutions_moderators_are_covered(portal: Any, roles_required: Any) -> None:
    """Moderators are recognised by the institution's moderators group, whatever the group is called."""
    from otwarta.institutions.models import Institution

    institution = Institution.objects.exclude(moderators_group=None).first()
    group = institution.moderators_group
    group.name = "Renamed group"
    group.save()
    user = get_user_model().objects.create_user("new-moderator", "m@example.org", PASSWORD)
    user.groups.add(group)
    assert two_factor_required_for(user)
    client = Client()
    client.force_login(user)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/devices/new")


def test_roles_not_required_lets_privileged_accounts_in_without_a_device(portal: Any, settings: Any) -> None:
    """Development default (``make run``'s demo accounts have no phones); a device still is asked for."""
    settings.WAGTAIL_2FA_REQUIRED = False
    settings.OTWARTA_2FA_REQUIRED_ROLES = False
    client = signed_in("admin")
    assert client.get("/admin/").status_code == 200
    user = get_user_model().objects.get(username="admin")
    TOTPDevice.objects.create(user=user, name="Klucz", confirmed=True)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/auth")


def test_required_for_everyone_covers_editors(portal: Any, settings: Any) -> None:
    settings.WAGTAIL_2FA_REQUIRED = True
    settings.OTWARTA_2FA_REQUIRED_ROLES = False
    client = signed_in("urzad-editor")
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/devices/new")


def test_public_site_is_never_redirected(portal: Any, roles_required: Any) -> None:
    client = signed_in("admin")
    for path in ("/pl/", "/pl/instytucje/urzad/karta-pobytu/", "/healthz", "/api/hsds/"):
        assert client.get(path).status_code == 200, path
