"""A minimal cron-style scheduler for django-tasks (``manage.py run_scheduler``).

Jobs come from ``settings.OTWARTA_SCHEDULE``: ``{name: {"task": "dotted.path.to.task", "cron": "m h dom
mon dow"}}``. Once a minute the scheduler enqueues the tasks whose cron expression matches the local
time; the worker (``manage.py db_worker``) runs them. Each (job, minute) is recorded in
:class:`ScheduledRun` under a unique constraint, so two scheduler processes, or a restart within the
same minute, never enqueue a job twice. Minutes when no scheduler ran are not caught up.

Why not django-crontask: its releases require Python ≥ 3.12 (this project runs 3.11) and it brings
APScheduler; this module is the small part of it we need.

Cron syntax: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-7 with
0 and 7 = Sunday), each ``*``, a number, a range ``a-b``, a list ``a,b`` or a step ``*/n`` / ``a-b/n``.
As in cron, when both day fields are restricted a day matching either one counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun

logger = logging.getLogger(__name__)

FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 7))


class CronError(ValueError):
    pass


def _parse_field(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise CronError(f"bad step in {text!r}")
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            if not (a.isdigit() and b.isdigit()):
                raise CronError(f"bad range in {text!r}")
            start, end = int(a), int(b)
        elif part.isdigit():
            start = end = int(part)
            if step != 1:
                end = high
        else:
            raise CronError(f"bad value {part!r}")
        if not (low <= start <= end <= high):
            raise CronError(f"{text!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Cron:
    minute: frozenset[int]
    hour: frozenset[int]
    day: frozenset[int]
    month: frozenset[int]
    weekday: frozenset[int]
    day_restricted: bool
    weekday_restricted: bool

    @classmethod
    def parse(cls, expression: str) -> Cron:
        parts = expression.split()
        if len(parts) != 5:
            raise CronError(f"{expression!r}: a cron expression has five fields")
        parsed = {name: _parse_field(part, low, high) for part, (name, low, high) in zip(parts, FIELDS, strict=True)}
        weekday = frozenset(0 if d == 7 else d for d in parsed["weekday"])
        return cls(parsed["minute"], parsed["hour"], parsed["day"], parsed["month"], weekday,
                   day_restricted=parts[2] != "*", weekday_restricted=parts[4] != "*")

    def matches(self, moment: dt.datetime) -> bool:
        if moment.minute not in self.minute or moment.hour not in self.hour or moment.month not in self.month:
            return False
        cron_weekday = moment.isoweekday() % 7  # Monday=1 … Sunday=0
        day_ok = moment.day in self.day
        weekday_ok = cron_weekday in self.weekday
        if self.day_restricted and self.weekday_restricted:
            return day_ok or weekday_ok
        return day_ok and weekday_ok


def jobs() -> dict[str, dict[str, Any]]:
    return dict(getattr(settings, "OTWARTA_SCHEDULE", {}))


def validate_schedule() -> None:
    """Raise CronError or ImportError for a job that could never run."""
    for name, spec in jobs().items():
        try:
            Cron.parse(spec["cron"])
        except CronError as exc:
            raise CronError(f"job {name}: {exc}") from exc
        import_string(spec["task"])


def run_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue the jobs due in the minute of ``now`` that no scheduler has enqueued yet. Returns their
    names."""
    local = timezone.localtime(now or timezone.now())
    slot = local.strftime("%Y-%m-%dT%H:%M")
    started = []
    for name, spec in jobs().items():
        if not Cron.parse(spec["cron"]).matches(local):
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=name, slot=slot)
        except IntegrityError:
            continue  # another scheduler process took this minute
        try:
            result = import_string(spec["task"]).enqueue()
        except Exception:
            logger.exception("Could not enqueue scheduled job %s", name)
            ScheduledRun.objects.filter(pk=run.pk).delete()
            continue
        ScheduledRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id)[:64])
        logger.info("Enqueued scheduled job %s for %s (task result %s)", name, slot, result.id)
        started.append(name)
    return started


def seconds_to_next_minute(now: dt.datetime | None = None) -> float:
    now = now or timezone.now()
    return 60 - now.second - now.microsecond / 1_000_000
