"""Closed requests are deleted OTWARTA_REQUEST_RETENTION_DAYS days after closing (task, schedule, command),
and the data held about one e-mail address can be exported and erased."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from otwarta.assistance import services
from otwarta.assistance.models import AssistanceRequest, RequestEvent
from otwarta.assistance.tests.helpers import World, make_request
from otwarta.registers.models import DutySlot, LanguagePair, Person

pytestmark = pytest.mark.django_db


def closed(world: World, *, days_ago: float, state: str = "done", **fields: Any) -> AssistanceRequest:
    req, _token = make_request(world, **fields)
    AssistanceRequest.objects.filter(pk=req.pk).update(
        state=state, closed_at=timezone.now() - dt.timedelta(days=days_ago))
    return req


def test_retention_setting_defaults_to_30_days() -> None:
    assert settings.OTWARTA_REQUEST_RETENTION_DAYS == 30
    assert services.retention_days() == 30


def test_purge_boundary(world: World, settings: Any) -> None:
    settings.OTWARTA_REQUEST_RETENTION_DAYS = 10
    now = timezone.now()
    due = closed(world, days_ago=10)  # closed exactly 10 days before `now` (a moment earlier, in fact)
    AssistanceRequest.objects.filter(pk=due.pk).update(closed_at=now - dt.timedelta(days=10))
    kept = closed(world, days_ago=10, state="cancelled")
    AssistanceRequest.objects.filter(pk=kept.pk).update(closed_at=now - dt.timedelta(days=10) + dt.timedelta(seconds=1))
    old_cancelled = closed(world, days_ago=400, state="cancelled")
    open_old, _token = make_request(world)  # open requests are never purged, however old
    AssistanceRequest.objects.filter(pk=open_old.pk).update(created_at=now - dt.timedelta(days=400))
    assert services.purge_closed_requests(now, dry_run=True) == 2
    assert AssistanceRequest.objects.count() == 4
    assert services.purge_closed_requests(now) == 2
    remaining = set(AssistanceRequest.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, open_old.pk}
    assert not RequestEvent.objects.filter(request_id__in=[due.pk, old_cancelled.pk]).exists()


def test_purge_command_and_dry_run(world: World) -> None:
    req = closed(world, days_ago=31)
    out = StringIO()
    call_command("purge_closed_requests", "--dry-run", stdout=out)
    assert "1 closed request(s)" in out.getvalue() and AssistanceRequest.objects.filter(pk=req.pk).exists()
    call_command("purge_closed_requests", stdout=StringIO())
    assert not AssistanceRequest.objects.filter(pk=req.pk).exists()


def test_purge_task_is_scheduled_daily_and_runs(world: World) -> None:
    from otwarta.assistance.tasks import purge_closed_requests
    from otwarta.currency.scheduler import Cron, validate_schedule

    job = settings.OTWARTA_SCHEDULE["purge-closed-requests"]
    assert job["task"] == "otwarta.assistance.tasks.purge_closed_requests"
    validate_schedule()
    cron = Cron.parse(job["cron"])
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    runs = [start + dt.timedelta(minutes=m) for m in range(24 * 60) if cron.matches(start + dt.timedelta(minutes=m))]
    assert len(runs) == 1  # once a day
    req = closed(world, days_ago=45)
    result = purge_closed_requests.enqueue()
    assert result.return_value == 1
    assert not AssistanceRequest.objects.filter(pk=req.pk).exists()


def test_personal_data_export(world: World) -> None:
    req, _token = make_request(world, email="Olena@Example.org")  # she also asked for help herself
    make_request(world, email="someone.else@example.com")
    out = StringIO()
    call_command("personal_data", "--email", "olena@example.org", "--export", stdout=out)
    data = json.loads(out.getvalue())
    assert [r["id"] for r in data["requests"]] == [req.pk]
    assert data["requests"][0]["description"] == "Wizyta u lekarza rodzinnego."
    [person] = data["register_people"]
    assert person["display_name"] == "Olena Dyżurna" and person["phone"] == "+48 600 000 000"
    assert person["language_pairs"] == [{"source": "pl", "target": "uk", "both_directions": True}]
    assert person["rota"]["duty_slots"][0]["weekday"] == 0
    assert person["rota"]["duty_slots"][0]["starts_at"] == "08:00:00"


def test_personal_data_erase_asks_first(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    make_request(world, email="olena@example.org")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError):
        call_command("personal_data", "--email", "olena@example.org", "--erase", stdout=StringIO())
    assert Person.objects.filter(pk=world.on_duty.pk).exists()
    assert AssistanceRequest.objects.filter(email="olena@example.org").exists()


def test_personal_data_erase(world: World) -> None:
    own, _token = make_request(world, email="olena@example.org")
    other, _token = make_request(world)
    AssistanceRequest.objects.filter(pk=other.pk).update(assigned_person=world.on_duty, state="assigned")
    out = StringIO()
    call_command("personal_data", "--email", "OLENA@example.org", "--erase", "--yes", stdout=out)
    assert "Deleted 1 request(s) and 1 register profile(s)" in out.getvalue()
    assert not AssistanceRequest.objects.filter(pk=own.pk).exists()
    assert not Person.objects.filter(pk=world.on_duty.pk).exists()
    assert not LanguagePair.objects.filter(person_id=world.on_duty.pk).exists()
    assert not DutySlot.objects.filter(person_id=world.on_duty.pk).exists()
    other.refresh_from_db()
    assert other.assigned_person is None  # someone else's request stays, without her
    assert Person.objects.filter(pk=world.off_duty.pk).exists()
    empty = StringIO()
    call_command("personal_data", "--email", "olena@example.org", "--export", stdout=empty)
    assert json.loads(empty.getvalue())["requests"] == [] and json.loads(empty.getvalue())["register_people"] == []
