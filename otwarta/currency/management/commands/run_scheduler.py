"""``manage.py run_scheduler``: enqueue the periodic jobs of ``OTWARTA_SCHEDULE`` at their cron times.

Run it as one long-lived process next to ``manage.py db_worker`` (several copies are safe: each minute
is claimed once in the database). ``--once`` checks the current minute and exits (for a cron entry
``* * * * *`` or a test)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from otwarta.currency import scheduler


class Command(BaseCommand):
    help = "Enqueue periodic tasks (weekly review digest, link check) at the times set in OTWARTA_SCHEDULE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check the current minute once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler.validate_schedule()
        for name, spec in scheduler.jobs().items():
            self.stdout.write(f"{name}: {spec['cron']} -> {spec['task']}")
        if options["once"]:
            self._tick(long_running=False)
            return
        self._running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while self._running:
            self._tick(long_running=True)
            # Sleep in short steps so that a stop signal is honoured quickly.
            deadline = time.monotonic() + scheduler.seconds_to_next_minute() + 0.5
            while self._running and time.monotonic() < deadline:
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))

    def _tick(self, long_running: bool) -> None:
        if long_running:  # a process that lives for weeks: drop dead or expired database connections
            close_old_connections()
        for name in scheduler.run_due_jobs():
            self.stdout.write(f"enqueued {name}")

    def _stop(self, *args: Any) -> None:
        self._running = False
