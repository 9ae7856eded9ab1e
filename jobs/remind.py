"""The jobs `tracker scheduler` runs: the daily enqueue and the outbox sweep.

They reach the database through `tracker.app.App` (one connection, used from
the scheduler's own thread only) and take the time from the daemon's clock.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tracker.app import App
from tracker.clock import BANGKOK
from tracker.reminders import heartbeat, run
from tracker.reminders.policy import Policy

log = logging.getLogger("tracker.scheduler")


@dataclass
class Jobs:
    """State shared by the jobs of one daemon (all of it also in our tables)."""

    app: App
    policy: Policy
    clock: run.Clock
    name: str
    stop: threading.Event = field(default_factory=threading.Event)
    started: datetime | None = None
    last_enqueue_day: date | None = None
    totals: dict[str, int] = field(default_factory=lambda: {"sent": 0, "retrying": 0, "failed": 0,
                                                           "held": 0, "sweeps": 0})
    transport: Any = None

    def daily(self) -> None:
        """Queue what is due today (skipped on non-working days)."""
        now = self.clock()
        today = now.astimezone(BANGKOK).date()
        if not self.policy.calendar.is_working_day(today):
            log.info("%s is not a working day: nothing queued", today)
            self.last_enqueue_day = today
            return
        report = run.enqueue_due(self.app.db, self.policy, now, keep_due=False)
        self.last_enqueue_day = today
        log.info("daily run: %d plan(s), %d newly queued", report.plans, report.queued)

    def catch_up(self) -> None:
        """Run the daily job if today's hour has passed and it has not run today
        (started late, or the machine slept through the cron time)."""
        now = self.clock()
        today = now.astimezone(BANGKOK).date()
        if self.last_enqueue_day != today and now >= self.policy.at(today):
            self.daily()

    def sweep(self) -> None:
        """Send what is due; record a heartbeat."""
        if self.stop.is_set():
            return
        self.catch_up()
        run.enqueue_invitations(self.app.db, self.policy, self.clock())  # due at any hour
        report = run.send_due(self.app.db, self.app.settings, self.policy, clock=self.clock,
                              worker=self.name, transport=self.transport, stop=self.stop)
        self.totals["sweeps"] += 1
        for key in ("sent", "retrying", "failed", "held"):
            self.totals[key] += len(getattr(report, key))
        if report.stopped:  # one line per sweep, whatever the number of reminders waiting
            log.error("cannot send, %d reminder(s) wait: %s: %s", report.stopped["waiting"],
                      report.stopped["reason"], report.stopped["error"])
        if report.sent or report.retrying or report.failed:
            log.info("sweep: %d sent, %d to retry, %d failed, %d held", len(report.sent),
                     len(report.retrying), len(report.failed), len(report.held))
        self.beat()

    def beat(self) -> None:
        now = self.clock()
        with self.app.db.transaction():
            heartbeat.beat(self.app.db, self.name, started=self.started or now, now=now,
                           detail={**self.totals, "sweep_seconds": self.policy.sweep_seconds})

    def stopped(self) -> None:
        with self.app.db.transaction():
            heartbeat.stopped(self.app.db, self.name, now=self.clock())
