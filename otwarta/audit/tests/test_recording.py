"""Field-level audit entries: before/after with actor, client address and request id; group membership and
group permissions; secrets and personal data masked; page edits linked to their revision pair."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from otwarta.assistance import services as assistance_services
from otwarta.assistance.models import AssistanceRequest
from otwarta.assistance.tests.helpers import World, make_request
from otwarta.audit import services
from otwarta.institutions.models import Institution
from otwarta.institutions.tests.utils import article_form_data, client_for, edit_url, portal_tree

INSTITUTIONS = "/admin/snippets/institutions/institution/"
PERSONAL = ("Mykola Petrenko", "mykola@example.com", "+48 601 222 333", "Wizyta u lekarza")


def entries_for(instance: object) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(instance).order_by("timestamp", "pk"))


def test_institution_edit_records_before_after_actor_address_and_request_id(portal, settings) -> None:
    settings.OTWARTA_TRUSTED_PROXY_COUNT = 1
    urzad = Institution.objects.get(slug="urzad")
    old_hours = urzad.opening_hours
    data = {name: getattr(urzad, name) for name in ("name", "short_name", "slug", "kind", "website", "email",
                                                     "phone", "address", "opening_hours")}
    data["opening_hours"] = "pon.–pt. 8:00–15:00"
    response = client_for("region").post(f"{INSTITUTIONS}edit/{urzad.pk}/", data,
                                         HTTP_X_REQUEST_ID="req-1234", HTTP_X_FORWARDED_FOR="203.0.113.7",
                                         REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302

    update = [e for e in entries_for(urzad) if e.action == LogEntry.Action.UPDATE][-1]
    assert update.changes["opening_hours"] == [old_hours, "pon.–pt. 8:00–15:00"]
    assert "name" not in update.changes  # only what changed
    assert update.actor.username == "region"
    assert update.remote_addr == "203.0.113.7"  # the proxy's view of the client, not the proxy
    assert update.cid == "req-1234"
    # Wagtail's own entry for the same action carries the request too.
    wagtail_entry = ModelLogEntry.objects.filter(object_id=str(urzad.pk), action="wagtail.edit").latest("pk")
    assert wagtail_entry.data[services.REQUEST_DATA_KEY] == {"remote_addr": "203.0.113.7", "request_id": "req-1234"}


def test_group_membership_and_group_permissions_are_recorded(portal) -> None:
    user = get_user_model().objects.create_user("nowy", "nowy@example.org", "Hasło-123-xyz")
    group = Group.objects.get(name="Regional administrators")
    user.groups.add(group)
    user.groups.remove(group)
    changes = [e.changes["groups"] for e in entries_for(user) if "groups" in (e.changes or {})]
    assert {"type": "m2m", "operation": "add", "objects": ["Regional administrators"]} in changes
    assert {"type": "m2m", "operation": "delete", "objects": ["Regional administrators"]} in changes

    permission = Permission.objects.get(codename="delete_institution")
    editors = Group.objects.create(name="Test editors")
    editors.permissions.add(permission)
    added = [e for e in entries_for(editors) if "permissions" in (e.changes or {})]
    assert added and added[-1].changes["permissions"]["objects"] == [str(permission)]
    rows = services.field_changes(added[-1].changes)
    assert rows[0].field == "permissions" and rows[0].after.startswith("+ ")


def test_group_change_through_the_admin_names_the_actor(portal) -> None:
    editor = get_user_model().objects.get(username="urzad-editor")
    group = Group.objects.get(name="Regional administrators")
    client = client_for("admin")
    url = reverse("wagtailusers_users:edit", args=[editor.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "groups"}
    data.update({"username": editor.username, "email": editor.email or "e@example.org",
                 "first_name": editor.first_name or "E", "last_name": editor.last_name or "E",
                 "groups": [g.pk for g in editor.groups.all()] + [group.pk], "is_active": "on",
                 "password1": "", "password2": ""})
    response = client.post(url, data)
    assert response.status_code == 302, getattr(response, "context", {}) and response.context["form"].errors
    membership = [e for e in entries_for(editor) if "groups" in (e.changes or {})]
    assert membership and membership[-1].actor.username == "admin"
    assert membership[-1].changes["groups"]["operation"] == "add"


def test_password_change_is_recorded_without_the_hash(portal) -> None:
    user = get_user_model().objects.get(username="urzad-editor")
    old_hash = user.password
    user.set_password("Zupełnie-nowe-hasło-42")
    user.save()
    entry = [e for e in entries_for(user) if "password" in (e.changes or {})][-1]
    assert entry.changes["password"] == ["***", "***"]
    text = str(entry.changes) + entry.changes_text
    assert old_hash not in text and user.password not in text
    assert old_hash[-8:] not in text and user.password[-8:] not in text  # no half-masked tail either
    assert "last_login" not in (entry.changes or {})


def test_totp_key_is_masked(portal) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username="region")
    device = TOTPDevice.objects.create(user=user, name="telefon", confirmed=True)
    created = entries_for(device)[0]
    assert created.action == LogEntry.Action.CREATE
    assert created.changes["key"] == [None, "***"] or created.changes["key"][1] == "***"
    assert device.key not in str(created.changes)


def test_page_edit_and_publish_appear_with_the_revision_pair(portal) -> None:
    page = portal_tree().articles[("fundacja", "pl")]
    data = article_form_data(page, title="PESEL po nowemu", summary="Nowe streszczenie.")
    data["action-publish"] = "Publish"
    assert client_for("fundacja-moderator").post(edit_url(page), data).status_code == 302

    publish = PageLogEntry.objects.filter(page=page, action="wagtail.publish").latest("pk")
    rows = services.rows_for(services.union_queryset(lambda qs: services.filter_by_label(qs, "PESEL po nowemu")))
    row = next(r for r in rows if r.source == "page" and r.pk == publish.pk)
    assert row.user == "fundacja-moderator" or row.user.endswith("(fundacja-moderator)")
    assert row.compare_url.startswith(f"/admin/pages/{page.pk}/revisions/compare/")
    assert row.compare_url.endswith(f"...{publish.revision_id}/")
    assert {"title", "summary"} <= set(row.changed_fields.split(", "))
    # The compare link works for a regional administrator.
    assert client_for("region").get(row.compare_url).status_code == 200
    # Pages are not duplicated as field-level entries.
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(page))).exists()


def test_assistance_request_personal_data_is_masked_and_scrubbed(world: World) -> None:
    req, _token = make_request(world)
    coordinator = get_user_model().objects.get(username="region")
    assistance_services.transition(req, "cancel", user=coordinator, expected_version=req.version)
    req.refresh_from_db()
    entries = entries_for(req)
    assert entries and entries[0].action == LogEntry.Action.CREATE
    assert entries[0].changes["requester_name"] == [None, "***"] or entries[0].changes["requester_name"][1] == "***"
    dump = " ".join(str(e.changes) + e.object_repr for e in entries)
    for value in PERSONAL:
        assert value not in dump
    assert any(e.changes.get("state") for e in entries)  # what happened stays readable

    # Erasure: purged with the request, its audit rows keep no personal data (not even masked text).
    AssistanceRequest.objects.filter(pk=req.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
    assert assistance_services.purge_closed_requests() == 1
    remaining = entries_for_pk(AssistanceRequest, req.pk)
    assert any(e.action == LogEntry.Action.DELETE for e in remaining)
    dump = " ".join(str(e.changes) + str(e.serialized_data) + e.object_repr for e in remaining)
    for value in PERSONAL:
        assert value not in dump


def entries_for_pk(model: type, pk: int) -> list[LogEntry]:
    return list(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_pk=str(pk)))


def test_noisy_tables_are_not_recorded(portal) -> None:
    from auditlog.registry import auditlog
    from django.contrib.sessions.models import Session
    from wagtail.models import Revision

    for model in (Session, Revision, PageLogEntry, ModelLogEntry, LogEntry):
        assert not auditlog.contains(model), model
    from otwarta.printing.models import PackFile

    assert not auditlog.contains(PackFile)
    assert auditlog.contains(Institution) and auditlog.contains(Group)


@pytest.mark.parametrize("dry_run", [True, False])
def test_retention_purge(portal, settings, dry_run: bool) -> None:
    settings.OTWARTA_AUDIT_RETENTION_DAYS = 30
    institution = Institution.objects.get(slug="urzad")
    institution.phone = "+48 12 000 00 01"
    institution.save()
    old = entries_for(institution)[-1]
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - dt.timedelta(days=31))
    call_command("purge_audit_log", *(["--dry-run"] if dry_run else []), stdout=io.StringIO())
    assert LogEntry.objects.filter(pk=old.pk).exists() is dry_run
    assert settings.OTWARTA_SCHEDULE["purge-audit-log"]["task"] == "otwarta.audit.tasks.purge_audit_log"


def test_public_requests_are_not_touched(portal) -> None:
    """No session cookie: the middleware neither reads the session nor adds Vary: Cookie."""
    response = Client().get("/pl/")
    assert "Cookie" not in response.get("Vary", "")
