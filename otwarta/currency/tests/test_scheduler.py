"""The small cron scheduler that enqueues the weekly digest and the link check."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from otwarta.currency import scheduler
from otwarta.currency.models import ScheduledRun

from .conftest import PESEL, make_due

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=WARSAW)


@pytest.mark.parametrize(
    ("expression", "moment", "expected"),
    [
        ("0 7 * * 1", "2026-06-01 07:00", True),  # a Monday
        ("0 7 * * 1", "2026-06-01 07:01", False),
        ("0 7 * * 1", "2026-06-02 07:00", False),  # Tuesday
        ("30 2 * * 0", "2026-06-07 02:30", True),  # Sunday as 0
        ("30 2 * * 7", "2026-06-07 02:30", True),  # ...and as 7
        ("*/15 * * * *", "2026-06-02 13:45", True),
        ("*/15 * * * *", "2026-06-02 13:46", False),
        ("0 8-16/4 * * 1-5", "2026-06-03 12:00", True),
        ("0 8-16/4 * * 1-5", "2026-06-03 14:00", False),
        ("0 0 1,15 * *", "2026-06-15 00:00", True),
        ("0 0 1 * 1", "2026-06-08 00:00", True),  # both day fields set: either matches (a Monday)
        ("0 0 1 * 1", "2026-06-09 00:00", False),
    ],
)
def test_cron_matching(expression, moment, expected):
    assert scheduler.Cron.parse(expression).matches(at(moment)) is expected


@pytest.mark.parametrize(
    "expression", ["0 7 * *", "61 * * * *", "0 7 * * 8", "a * * * *", "*/0 * * * *", "5-2 * * * *"]
)
def test_bad_cron_expressions_are_refused(expression):
    with pytest.raises(scheduler.CronError):
        scheduler.Cron.parse(expression)


def test_due_jobs_are_enqueued_once_per_minute(settings, mailoutbox, portal):
    settings.OTWARTA_SCHEDULE = {
        "review-digest": {"task": "otwarta.currency.tasks.send_review_digest", "cron": "0 7 * * 1"},
        "check-links": {"task": "otwarta.currency.tasks.check_external_links", "cron": "30 2 * * 0"},
    }
    make_due(PESEL, dt.date(2026, 6, 1), days_overdue=40)
    monday_7 = at("2026-06-01 07:00:20")
    assert scheduler.run_due_jobs(monday_7) == ["review-digest"]
    assert len(mailoutbox) == 2  # the immediate backend ran the digest
    # A second scheduler process (or a restart) in the same minute does nothing.
    assert scheduler.run_due_jobs(monday_7 + dt.timedelta(seconds=30)) == []
    assert len(mailoutbox) == 2
    run = ScheduledRun.objects.get()
    assert (run.job, run.slot) == ("review-digest", "2026-06-01T07:00") and run.task_result_id
    assert scheduler.run_due_jobs(at("2026-06-01 07:01:00")) == []
    assert scheduler.run_due_jobs(at("2026-06-08 07:00:00")) == ["review-digest"]  # next week


def test_run_scheduler_once_uses_the_configured_schedule(settings, mailoutbox, portal):
    settings.OTWARTA_SCHEDULE = {
        "review-digest": {"task": "otwarta.currency.tasks.send_review_digest", "cron": "0 7 * * 1"},
    }
    make_due(PESEL, dt.date(2026, 6, 1), days_overdue=40)
    with freeze_time("2026-06-01 05:00:10"):  # 07:00 in Warsaw (UTC+2 in summer)
        call_command("run_scheduler", "--once")
    assert len(mailoutbox) == 2
    with freeze_time("2026-06-01 06:00:10"):
        call_command("run_scheduler", "--once")
    assert len(mailoutbox) == 2


def test_the_default_schedule_is_valid():
    scheduler.validate_schedule()
    assert set(scheduler.jobs()) == {"review-digest", "check-links", "purge-closed-requests", "purge-audit-log"}
